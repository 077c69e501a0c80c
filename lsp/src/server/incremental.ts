// Incremental reparsing: after an edit only the top-level declarations around the change are parsed
// again; the others are reused (shifted when the edit changed the length). The result is exactly what a
// full parse gives. The shortcut applies only when the previous parse was clean outside the edited region
// and the reparsed region parses without errors; when that region has a syntax error the whole file is
// parsed again (recovery may reach anywhere) from the earlier tokens and the region's new ones; otherwise
// the file is scanned and parsed from scratch.
import type { IToken } from 'chevrotain';
import {
  countLineBreaks,
  Diagnostics,
  firstAtOrAfter,
  lineStartOf,
  parse,
  type Comment,
  type ParseResult,
  type PimFile,
  type Span,
  type TopLevel,
} from '@pim/grammar';

const UNEXPECTED_CHARACTER = Diagnostics.unexpectedCharacter.code;
const UNTERMINATED_STRING = Diagnostics.unterminatedString.code;
const UNTERMINATED_COMMENT = Diagnostics.unterminatedComment.code;

/** Copy of a subtree with every span moved by `delta`; shared as is when delta is 0. */
function shifted<T>(node: T, delta: number): T {
  if (delta === 0) return node;
  const copy = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const out = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) out[i] = copy(v[i]);
      return out;
    }
    if (v === null || typeof v !== 'object') return v;
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k in src) {
      const x = src[k];
      if (k === 'span') {
        const sp = x as Span;
        out[k] = { start: sp.start + delta, end: sp.end + delta };
      } else out[k] = typeof x === 'object' ? copy(x) : x;
    }
    return out;
  };
  return copy(node) as T;
}

/** The length of the common prefix and (non-overlapping) common suffix of two texts. */
export function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  const max = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
  return { prefix, suffix };
}

export interface IncrementalStats {
  /** Characters actually parsed (the whole text on a fallback). */
  reparsed: number;
  incremental: boolean;
  /** Characters scanned again (less than the text when a fallback reuses the earlier tokens). */
  rescanned?: number;
}

/** Parses `text`, reusing `previous` (the parse of `oldText`) where the edit did not reach. */
export function reparse(
  oldText: string,
  previous: ParseResult,
  text: string,
  uri: string,
  stats?: IncrementalStats,
): ParseResult {
  const full = (): ParseResult => {
    if (stats) Object.assign(stats, { reparsed: text.length, incremental: false, rescanned: text.length });
    return parse(text, uri);
  };
  if (previous.diagnostics.length > 0 && previous.diagnostics.some((d) => d.severity === 'error')) {
    // Only clean parses are spliced; recovery may have merged declarations.
    return full();
  }
  const items = previous.ast.items;
  if (items.length < 3) return full();
  const { prefix, suffix } = commonEnds(oldText, text);
  const oldChangeEnd = oldText.length - suffix;
  const delta = text.length - oldText.length;

  // Keep declarations that end before the change, except the last of them (an edit right after a
  // declaration may extend it); likewise after the change, except the first.
  let before = 0;
  while (before < items.length && items[before]!.span.end < prefix) before++;
  before = Math.max(0, before - 1);
  let after = items.length;
  while (after > before && items[after - 1]!.span.start >= oldChangeEnd) after--;
  after = Math.min(items.length, after + 1);
  if (before === 0 && after === items.length) return full();

  const windowStart = before > 0 ? items[before - 1]!.span.end : 0;
  const windowEnd = after < items.length ? items[after]!.span.start + delta : text.length;
  // Parse the window alone, then move it to where it sits in the text.
  const slice = parse(text.slice(windowStart, windowEnd), uri);
  const clean = slice.diagnostics.length === 0;
  // With a syntax error in the window the file must be parsed again as a whole (recovery may reach
  // anywhere), but not scanned again: the window's tokens are those of a full scan when no string or
  // comment is left open in it and it ends at a line break, where no token can run on past it.
  const endsLine =
    windowEnd === text.length || text.charCodeAt(windowEnd - 1) === 10 || text.charCodeAt(windowEnd - 1) === 13;
  if (
    !clean &&
    (!endsLine || slice.diagnostics.some((d) => d.code === UNTERMINATED_STRING || d.code === UNTERMINATED_COMMENT))
  )
    return full();
  const startLine = lineOf(text, windowStart);
  const startColumn = windowStart - lineStartOf(text, windowStart) + 1;
  const place = (t: IToken): IToken => {
    const first = t.startLine === 1;
    return {
      ...t,
      startOffset: t.startOffset + windowStart,
      endOffset: (t.endOffset ?? t.startOffset) + windowStart,
      startLine: (t.startLine ?? 1) + startLine - 1,
      endLine: (t.endLine ?? 1) + startLine - 1,
      startColumn: first ? (t.startColumn ?? 1) + startColumn - 1 : t.startColumn,
      endColumn: first ? (t.endColumn ?? 1) + startColumn - 1 : t.endColumn,
    };
  };

  // Tokens and comments: the old ones outside the window (moved after it), the window's own inside.
  const oldWindowEnd = windowEnd - delta;
  const windowLines = countLineBreaks(text, windowStart, windowEnd);
  const lineDelta = windowLines - countLineBreaks(oldText, windowStart, oldWindowEnd);
  const firstAfterLine = startLine + windowLines;
  const moveToken = (t: IToken): IToken => {
    const startOffset = t.startOffset + delta;
    const startLine = (t.startLine ?? 0) + lineDelta;
    const moved: IToken = {
      ...t,
      startOffset,
      endOffset: (t.endOffset ?? t.startOffset) + delta,
      startLine,
      endLine: (t.endLine ?? 0) + lineDelta,
    };
    // Only tokens on the line where the window ends can change column.
    if (startLine === firstAfterLine) {
      const lineStart = lineStartOf(text, startOffset);
      moved.startColumn = startOffset - lineStart + 1;
      moved.endColumn = moved.startColumn + t.image.length - 1;
    }
    return moved;
  };
  // Tokens are in offset order: the kept runs are two slices (a copy of a run is far cheaper than
  // pushing tens of thousands of tokens one by one, which took most of an edit's reparse).
  const old = previous.tokens;
  const tail = old.slice(firstAtOrAfter(old, oldWindowEnd));
  const tokens = old
    .slice(0, firstAtOrAfter(old, windowStart))
    .concat(slice.tokens.map(place), delta === 0 && lineDelta === 0 ? tail : tail.map(moveToken));
  const comments: Comment[] = [];
  for (const c of previous.ast.comments) if (c.span.end <= windowStart) comments.push(c);
  for (const c of slice.ast.comments)
    comments.push({ ...c, span: { start: c.span.start + windowStart, end: c.span.end + windowStart } });
  for (const c of previous.ast.comments)
    if (c.span.start >= oldWindowEnd)
      comments.push(delta === 0 ? c : { ...c, span: { start: c.span.start + delta, end: c.span.end + delta } });
  if (!clean) {
    const diagnostics = slice.diagnostics
      .filter((d) => d.code === UNEXPECTED_CHARACTER)
      .map((d) => ({ ...d, span: { start: d.span.start + windowStart, end: d.span.end + windowStart } }));
    if (stats) Object.assign(stats, { reparsed: text.length, incremental: false, rescanned: windowEnd - windowStart });
    return parse(text, uri, { lexed: { tokens, comments, diagnostics } });
  }
  const ast: PimFile = {
    type: 'File',
    uri,
    items: [
      ...items.slice(0, before),
      ...slice.ast.items.map((i) => shifted<TopLevel>(i, windowStart)),
      ...items.slice(after).map((i) => shifted<TopLevel>(i, delta)),
    ],
    comments,
    span: { start: 0, end: text.length },
  };
  if (stats)
    Object.assign(stats, { reparsed: windowEnd - windowStart, incremental: true, rescanned: windowEnd - windowStart });
  return { ast, diagnostics: [], tokens };
}

/** 1-based line of an offset (Chevrotain's numbering). */
function lineOf(text: string, offset: number): number {
  return countLineBreaks(text, 0, offset) + 1;
}
