// Where the cursor is, worked out from tokens (not the tree) so completion works while the user types
// text that does not parse yet.
import type { IToken } from 'chevrotain';
import type { PimDocument } from './documents.js';

export interface Frame {
  /** The block kind (`tile`), object head (`sgd`), `place`, `repeat`, or '' for a bare `{`. */
  kind: string;
  /** Attribute keys already written directly in this frame. */
  keys: string[];
  /** An object value (`optimizer: sgd { … }`), not a block. */
  object: boolean;
}

export type CompletionPosition =
  | { where: 'none' }
  | { where: 'top' }
  | { where: 'member'; frames: Frame[] }
  | { where: 'value'; frames: Frame[]; key: string; path?: string[] }
  | { where: 'unit'; frames: Frame[]; key?: string; unitPrefix: string };

export interface CompletionContext {
  position: CompletionPosition;
  /** The word being typed (replaced by the completion). */
  prefix: string;
  prefixStart: number;
}

const NUMBER_ONLY = /^(0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)$/;
const NUMBER_UNIT = /^(0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)([ \t]*)(.*)$/s;

export function completionContext(doc: PimDocument, offset: number): CompletionContext {
  // The document's cached parse has the tokens and comments: no second lexing pass.
  const { tokens } = doc.parse;
  if (insideCommentOrString(doc.parse, offset)) return none(offset);
  const text = doc.text;
  const { closes } = tokenIndex(doc.parse);
  // Tokens ending at or before the cursor: [0, count).
  const count = lowerBound(tokens.length, (i) => tokens[i]!.endOffset! + 1 > offset);
  let prefix = '';
  let prefixStart = offset;
  const last = count > 0 ? tokens[count - 1] : undefined;
  // Inside a string being typed.
  const straddling = tokens[count];
  if (straddling && straddling.startOffset < offset && straddling.tokenType.name === 'StringLiteral')
    return none(offset);

  // Scanning from just after the last `}` that closed a top-level block gives the same frames as
  // scanning from the start of the file, at the cost of one declaration.
  const from = (() => {
    const k = lowerBound(closes.length, (i) => closes[i]! >= count) - 1;
    return k >= 0 ? closes[k]! + 1 : 0;
  })();
  const scanned = scanFrames(tokens, from, count);
  const frames = scanned.frames;
  let stmt = scanned.stmt;

  // Keys written later in the innermost block count as given too.
  const inner = frames[frames.length - 1];
  if (inner) addLaterKeys(inner, tokens, offset, last);

  // On a fresh line after a finished statement, a new statement starts.
  const lastStmt = stmt[stmt.length - 1];
  if (lastStmt && !continues(lastStmt) && /[\r\n]/.test(text.slice(lastStmt.endOffset! + 1, offset))) stmt = [];

  if (last && last.endOffset! + 1 === offset) {
    if (
      last.tokenType.name === 'Identifier' ||
      (/^[A-Z][a-z]+$/.test(last.tokenType.name) && /^[a-z]+$/.test(last.image))
    ) {
      prefix = last.image;
      prefixStart = last.startOffset;
      stmt = stmt.filter((t) => t !== last);
    } else if (last.tokenType.name === 'Quantity') {
      const m = NUMBER_UNIT.exec(last.image);
      if (m && m[3]) {
        return {
          position: { where: 'unit', frames, key: keyOf(stmt), unitPrefix: m[3] },
          prefix: m[3],
          prefixStart: offset - m[3].length,
        };
      }
      return none(offset);
    }
  }
  // `3 |` (space after a bare number on the same line): a unit comes next.
  const tail = stmt[stmt.length - 1];
  if (tail && tail.tokenType.name === 'Quantity' && NUMBER_ONLY.test(tail.image) && tail.endOffset! + 1 < offset) {
    const between = text.slice(tail.endOffset! + 1, prefixStart);
    if (/^[ \t]+$/.test(between))
      return { position: { where: 'unit', frames, key: keyOf(stmt), unitPrefix: prefix }, prefix, prefixStart };
  }
  if (stmt.length === 0) {
    return { position: frames.length === 0 ? { where: 'top' } : { where: 'member', frames }, prefix, prefixStart };
  }
  const key = keyOf(stmt);
  if (key !== undefined && frames.length) return { position: { where: 'value', frames, key }, prefix, prefixStart };
  if (stmt[0]!.tokenType.name === 'Minimize' || stmt[0]!.tokenType.name === 'Maximize') {
    return { position: { where: 'value', frames, key: 'objective' }, prefix, prefixStart };
  }
  if (stmt[0]!.tokenType.name === 'Place') {
    // Before `on`: layers (kinds or names); after it: where they go.
    const afterOn = stmt.some((t) => t.tokenType.name === 'On');
    return { position: { where: 'value', frames, key: afterOn ? 'place-on' : 'place' }, prefix, prefixStart };
  }
  if (stmt[0]!.tokenType.name === 'Vary') {
    // The dotted path written so far (`vary isaac.tile.` → [isaac, tile]); none once `in` is written.
    if (stmt.some((t) => t.tokenType.name === 'In')) return { position: { where: 'none' }, prefix, prefixStart };
    const path = stmt
      .slice(1)
      .filter((t) => t.tokenType.name === 'Identifier')
      .map((t) => t.image);
    return { position: { where: 'value', frames, key: 'vary', path }, prefix, prefixStart };
  }
  return { position: { where: 'none' }, prefix, prefixStart };
}

/** Inside a comment (a line comment runs to the end of its line), or an unterminated string or comment. */
function insideCommentOrString(parsed: PimDocument['parse'], offset: number): boolean {
  for (const c of parsed.ast.comments) {
    if (c.span.start < offset && (offset < c.span.end || (offset === c.span.end && c.kind !== 'block'))) return true;
  }
  for (const d of parsed.diagnostics) {
    if (
      (d.code === 'PIM1002' || d.code === 'PIM1003') &&
      d.span.start < offset &&
      (d.code === 'PIM1003' || offset <= d.span.end)
    )
      return true;
  }
  return false;
}

/**
 * The frames open after tokens [from, count), and the statement tokens since the last `{`, `}` or `,`
 * in the innermost frame.
 */
function scanFrames(tokens: IToken[], from: number, count: number): { frames: Frame[]; stmt: IToken[] } {
  const frames: Frame[] = [];
  let stmt: IToken[] = [];
  for (let i = from; i < count; i++) {
    const t = tokens[i]!;
    const n = t.tokenType.name;
    if (n === 'LCurly') {
      frames.push({ kind: headerKind(stmt), keys: [], object: stmt.some((t) => t.tokenType.name === 'Colon') });
      stmt = [];
    } else if (n === 'RCurly') {
      frames.pop();
      stmt = [];
    } else if (n === 'Comma') {
      // Lists inside a statement (`minimize area, energy`, `place conv, linear on t`) do not end it.
      if (!['Minimize', 'Maximize', 'Place'].includes(stmt[0]?.tokenType.name ?? '')) stmt = [];
    } else {
      // A new line starts a new statement unless the expression obviously continues.
      const prev = stmt[stmt.length - 1];
      if (prev && t.startLine !== prev.endLine && !continues(prev)) stmt = [];
      if (stmt.length === 1 && n === 'Colon' && frames.length) frames[frames.length - 1]!.keys.push(stmt[0]!.image);
      stmt.push(t);
    }
  }
  return { frames, stmt };
}

/** Adds to `inner.keys` the keys written after the cursor, up to the end of the innermost block. */
function addLaterKeys(inner: Frame, tokens: IToken[], offset: number, last: IToken | undefined): void {
  let depth = 0;
  let prev: IToken | undefined = last;
  let i = lowerBound(tokens.length, (j) => tokens[j]!.startOffset >= offset);
  for (; i < tokens.length && depth >= 0; i++) {
    const t = tokens[i]!;
    const n = t.tokenType.name;
    if (n === 'LCurly' || n === 'LBracket' || n === 'LParen') depth++;
    else if (n === 'RCurly' || n === 'RBracket' || n === 'RParen') depth--;
    else if (depth === 0 && n === 'Identifier' && tokens[i + 1]?.tokenType.name === 'Colon') {
      const startsStatement =
        !prev || ['Comma', 'LCurly'].includes(prev.tokenType.name) || prev.endLine !== t.startLine;
      if (startsStatement) inner.keys.push(t.image);
    }
    prev = t;
  }
}

/** The first index in [0, n) where `past(i)` holds (it must be monotone), or n. */
function lowerBound(n: number, past: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (past(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Per parse: indices of the `}` tokens that close a top-level block (brace depth back to 0). */
const indexCache = new WeakMap<object, { closes: number[] }>();
function tokenIndex(parsed: { tokens: IToken[] }): { closes: number[] } {
  let hit = indexCache.get(parsed);
  if (!hit) {
    const closes: number[] = [];
    let depth = 0;
    parsed.tokens.forEach((t, i) => {
      const n = t.tokenType.name;
      if (n === 'LCurly') depth++;
      else if (n === 'RCurly') {
        depth = Math.max(0, depth - 1);
        if (depth === 0) closes.push(i);
      }
    });
    hit = { closes };
    indexCache.set(parsed, hit);
  }
  return hit;
}

function none(offset: number): CompletionContext {
  return { position: { where: 'none' }, prefix: '', prefixStart: offset };
}

/** `key:` at the head of a statement → key. */
function keyOf(stmt: IToken[]): string | undefined {
  return stmt.length >= 2 && stmt[0]!.tokenType.name === 'Identifier' && stmt[1]!.tokenType.name === 'Colon'
    ? stmt[0]!.image
    : undefined;
}

function continues(t: IToken): boolean {
  return [
    'Plus',
    'Minus',
    'Star',
    'Slash',
    'StarStar',
    'DotDot',
    'Dot',
    'Colon',
    'Equals',
    'LBracket',
    'LParen',
    'In',
    'On',
  ].includes(t.tokenType.name);
}

/** The kind a `{` opens, from the tokens of its header. */
function headerKind(header: IToken[]): string {
  if (header.length === 0) return '';
  const first = header[0]!;
  if (first.tokenType.name === 'Place') return 'place';
  if (first.tokenType.name === 'Repeat') return 'repeat';
  const colon = header.findIndex((t) => t.tokenType.name === 'Colon');
  if (colon >= 0) {
    const head = header.slice(colon + 1).find((t) => t.tokenType.name === 'Identifier');
    return head ? head.image : '';
  }
  return first.tokenType.name === 'Identifier' ? first.image : '';
}
