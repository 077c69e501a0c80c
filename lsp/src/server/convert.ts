// Conversions between the compiler's world (paths, offsets) and the protocol's (URIs, 0-based positions).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LineIndex, type Span } from '@pim/grammar';
import type { Position, Range } from 'vscode-languageserver';

/** Non-file documents (unsaved `untitled:` buffers) get a stand-in absolute path, remembered here. */
const virtualPaths = new Map<string, string>();

/** The compiler works on absolute paths. */
export function uriToPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      // a malformed file URI: fall through to a stand-in path
    }
  }
  const path = `/__pim_virtual__/${encodeURIComponent(uri)}`;
  virtualPaths.set(path, uri);
  return path;
}

export function pathToUri(path: string): string {
  return virtualPaths.get(path) ?? pathToFileURL(path).href;
}

export function toPosition(index: LineIndex, offset: number): Position {
  const p = index.position(offset);
  return { line: p.line - 1, character: p.column - 1 };
}

export function toRange(index: LineIndex, span: Span): Range {
  return { start: toPosition(index, span.start), end: toPosition(index, Math.max(span.start, span.end)) };
}

export function toOffset(index: LineIndex, pos: Position): number {
  return index.offset(pos.line + 1, pos.character + 1);
}
