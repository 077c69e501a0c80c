// The lexer of `.pim`: one pass over the characters, switching on the first character of each token,
// producing Chevrotain tokens (the token types of tokens.ts, full positions, comments and errors in
// their groups) for the CstParser.
//
// Why not Chevrotain's Lexer: it tries a regular expression per candidate token at every position and
// lexed at ~2 MB/s here, a third of the whole parse+check budget. The token set is small and
// fixed, so a character switch does the same work at a fraction of the cost. Chevrotain's Lexer built
// from the same token definitions stays the reference: test/grammar compares the two token for token
// (types, images, offsets, lines, columns, groups, errors) on every sample and on generated texts, and
// `referenceLexer()` runs Chevrotain's own validations of the token set when PIM_GRAMMAR_CHECKS=1.
import type { ILexingError, ILexingResult, IToken, Lexer as ChevrotainLexer, TokenType } from 'chevrotain';
import { Lexer } from './chevrotain.js';
import * as T from './tokens.js';

/** Token type of each single-character punctuation, by character code. */
const SINGLE: (TokenType | undefined)[] = [];
for (const [ch, type] of [
  ['+', T.Plus],
  ['-', T.Minus],
  [':', T.Colon],
  [',', T.Comma],
  ['=', T.Equals],
  ['{', T.LCurly],
  ['}', T.RCurly],
  ['[', T.LBracket],
  [']', T.RBracket],
  ['(', T.LParen],
  [')', T.RParen],
] as const) {
  SINGLE[ch.charCodeAt(0)] = type;
}

const isIdentStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWhiteSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 0xfeff;
const isLineEnd = (c: number): boolean => c === 10 || c === 13;

/** Whether some token can start at a character: where the lexer resumes after unexpected ones. */
function startsToken(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (
    isWhiteSpace(c) ||
    isIdentStart(c) ||
    isDigit(c) ||
    SINGLE[c] !== undefined ||
    c === 46 /* . */ ||
    c === 47 /* / */ ||
    c === 42 /* * */ ||
    c === 34
  ); /* " */
}

/** End (exclusive) of a string body from `i` (after the opening quote): stops at `"`, a line end or the text's end. */
function stringBodyEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 || isLineEnd(c)) return i;
    if (c === 92 /* \ */) {
      // An escape takes any next character except a line terminator (the `.` of the token's pattern).
      const next = text.charCodeAt(i + 1);
      if (i + 1 >= n || isLineEnd(next) || next === 0x2028 || next === 0x2029) return i;
      i += 2;
    } else i++;
  }
  return n;
}

/**
 * Scans tokens one at a time (the parser can take a file in pieces and drop each piece's tokens);
 * comments and unterminated strings/comments go to their groups, unexpected characters to `errors`.
 */
export class Scanner {
  readonly comments: IToken[] = [];
  readonly errorTokens: IToken[] = [];
  readonly errors: ILexingError[] = [];
  private i = 0;
  private line = 1;
  private lineStart = 0;
  /**
   * One string per distinct word or number: the images outlive the parse inside the AST, and the same
   * names and numbers recur thousands of times in a large file; a fresh copy that dies at once is far
   * cheaper here than one that survives.
   */
  private readonly images = new Map<string, string>();

  constructor(private readonly text: string) {}

  /** The next parser token, or undefined at the end of the text. */
  next(): IToken | undefined {
    const text = this.text;
    const n = text.length;
    let i = this.i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        i++;
        this.line++;
        this.lineStart = i;
        continue;
      }
      if (c === 32 || c === 9 || c === 12 || c === 0xfeff) {
        i++;
        continue;
      }
      if (isIdentStart(c)) {
        let j = i + 1;
        while (j < n && isIdentPart(text.charCodeAt(j))) j++;
        const t = this.make(T.Identifier, i, j, true);
        const kw = T.KEYWORD_TYPES.get(t.image);
        if (kw) {
          t.tokenType = kw;
          t.tokenTypeIdx = kw.tokenTypeIdx!;
        }
        this.i = j;
        return t;
      }
      const single = SINGLE[c];
      if (single) {
        this.i = i + 1;
        return this.make(single, i, i + 1);
      }
      if (isDigit(c) || c === 46 /* . */) {
        const q = T.matchQuantity(text, i);
        const end = q ? i + q[0].length : text.charCodeAt(i + 1) === 46 ? i + 2 : i + 1;
        this.i = end;
        return this.make(q ? T.Quantity : end === i + 2 ? T.DotDot : T.Dot, i, end, q !== null);
      }
      if (c === 47 /* / */) {
        const c2 = text.charCodeAt(i + 1);
        if (c2 === 47) {
          let j = i + 2;
          while (j < n && !isLineEnd(text.charCodeAt(j))) j++;
          this.comments.push(this.make(text.charCodeAt(i + 2) === 47 ? T.DocComment : T.LineComment, i, j));
          i = j;
          continue;
        }
        if (c2 === 42) {
          const close = text.indexOf('*/', i + 2);
          if (close >= 0) this.comments.push(this.makeMultiline(T.BlockComment, i, close + 2));
          else this.errorTokens.push(this.makeMultiline(T.UnterminatedComment, i, n));
          i = close >= 0 ? close + 2 : n;
          continue;
        }
        this.i = i + 1;
        return this.make(T.Slash, i, i + 1);
      }
      if (c === 42 /* * */) {
        const end = text.charCodeAt(i + 1) === 42 ? i + 2 : i + 1;
        this.i = end;
        return this.make(end === i + 2 ? T.StarStar : T.Star, i, end);
      }
      if (c === 34 /* " */) {
        const end = stringBodyEnd(text, i + 1);
        if (text.charCodeAt(end) === 34) {
          this.i = end + 1;
          return this.make(T.StringLiteral, i, end + 1);
        }
        this.errorTokens.push(this.make(T.UnterminatedString, i, end));
        i = end;
        continue;
      }
      // Characters no token starts with: one error for the run of them, as Chevrotain's recovery does.
      let j = i + 1;
      while (j < n && !startsToken(text, j)) j++;
      this.errors.push({
        offset: i,
        line: this.line,
        column: i - this.lineStart + 1,
        length: j - i,
        message: `unexpected character: ->${text.charAt(i)}<- at offset: ${i}, skipped ${j - i} characters.`,
      });
      i = j;
    }
    this.i = n;
    return undefined;
  }

  // Tokens all have one shape (the parser's property reads stay monomorphic).
  private make(type: TokenType, start: number, end: number, shared = false): IToken {
    let image = this.text.substring(start, end);
    if (shared) {
      const known = this.images.get(image);
      if (known === undefined) this.images.set(image, image);
      else image = known;
    }
    return {
      image,
      startOffset: start,
      endOffset: end - 1,
      startLine: this.line,
      endLine: this.line,
      startColumn: start - this.lineStart + 1,
      endColumn: end - this.lineStart,
      tokenTypeIdx: type.tokenTypeIdx!,
      tokenType: type,
    };
  }

  /** A token that may span lines: its end is its last character's line and column; the line state moves past it. */
  private makeMultiline(type: TokenType, start: number, end: number): IToken {
    const t = this.make(type, start, end);
    const text = this.text;
    for (let j = start; j < end; j++) {
      // Before the last character's own line break (which belongs to the line it ends).
      if (j === end - 1) {
        t.endLine = this.line;
        t.endColumn = j - this.lineStart + 1;
      }
      const c = text.charCodeAt(j);
      if (c === 10 || (c === 13 && text.charCodeAt(j + 1) !== 10)) {
        this.line++;
        this.lineStart = j + 1;
      }
    }
    return t;
  }
}

/** Lexes all of `text`: keywords typed, 1-based lines and columns (end inclusive, as Chevrotain's) on every token. */
export function tokenize(text: string): ILexingResult {
  const scanner = new Scanner(text);
  const tokens: IToken[] = [];
  for (let t = scanner.next(); t; t = scanner.next()) tokens.push(t);
  return { tokens, groups: { comments: scanner.comments, errors: scanner.errorTokens }, errors: scanner.errors };
}

let reference: ChevrotainLexer | undefined;
/** Chevrotain's Lexer over the same token definitions: the reference the tests compare `tokenize` with. */
export function referenceLexer(): ChevrotainLexer {
  reference ??= new Lexer(T.allTokens, {
    positionTracking: 'full',
    skipValidations: globalThis.process?.env?.['PIM_GRAMMAR_CHECKS'] !== '1',
  });
  return reference;
}
