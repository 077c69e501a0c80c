// Conversions between the compiler's world (paths, offsets) and the protocol's (URIs, 0-based positions).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LineIndex, type Span } from '@pim/grammar';
import { ResponseError, type Position, type Range } from 'vscode-languageserver';

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

/**
 * The offset of an LSP position. A line or character that is no whole number (1.5, "a", missing) is the
 * client's error (InvalidParams): read as NaN it matched every span, and a rename edited an unrelated
 * symbol. Past the end of a line or of the text it is clamped, as the protocol says.
 */
export function toOffset(index: LineIndex, pos: Position): number {
  if (!Number.isSafeInteger(pos?.line) || !Number.isSafeInteger(pos?.character))
    throw new ResponseError(-32602, `invalid position ${JSON.stringify(pos)}: line and character are whole numbers`);
  return index.offset(pos.line + 1, pos.character + 1);
}
