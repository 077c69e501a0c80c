// Conversions between the compiler's world (paths, offsets) and the protocol's (URIs, 0-based positions).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LineIndex, type Span } from '@pim/grammar';
import type { Position, Range } from 'vscode-languageserver';

/** The compiler works on absolute paths; non-file URIs (untitled buffers) stand for themselves. */
export function uriToPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return uri;
}

export function pathToUri(path: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path)) return path;
  return pathToFileURL(path).href;
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
