// Text → AST with syntax diagnostics. Never throws on any input.
import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import type { Comment, PimFile, Span, TopLevel } from './ast.js';
import { AstBuilder } from './builder.js';
import { diag, Diagnostics, type Diagnostic } from './diagnostics.js';
import { pimParser } from './parser.js';
import { Scanner } from './lexer.js';
import * as T from './tokens.js';

export interface ParseResult {
  ast: PimFile;
  /** Syntax diagnostics (PIM1xxx), in source order. */
  diagnostics: Diagnostic[];
  /** Every non-comment token, for semantic highlighting and completion context. */
  tokens: IToken[];
}

function describe(t: IToken | undefined): string {
  if (!t || t.tokenType.name === 'EOF') return 'end of file';
  if (t.tokenType.name === 'Identifier') return `name '${t.image}'`;
  if (t.tokenType.name === 'Quantity') return `number '${t.image}'`;
  if (t.tokenType.name === 'StringLiteral') return 'a string';
  return `'${t.image}'`;
}

const RULE_NAMES: Record<string, string> = {
  file: 'the file', importDecl: 'an import', constDecl: 'a constant', block: 'a block', body: 'a block body',
  attribute: 'an attribute', placeStmt: 'a place rule', pattern: 'a place pattern', patternPart: 'a place pattern',
  varyStmt: 'a vary statement', objectiveStmt: 'an objective', repeatStmt: 'a repeat', qualifiedName: 'a name',
  expression: 'an expression', unary: 'an expression', exprList: 'a list', listLiteral: 'a list',
};

function lexDiagnostic(e: ILexingError, text: string, uri: string): Diagnostic {
  const span: Span = { start: e.offset, end: e.offset + Math.max(1, e.length) };
  const ch = text[e.offset] ?? '';
  if (ch === '"') return diag('unterminatedString', uri, { start: e.offset, end: Math.min(text.length, e.offset + e.length) });
  if (text.startsWith('/*', e.offset)) return diag('unterminatedComment', uri, { start: e.offset, end: e.offset + 2 });
  return diag('unexpectedCharacter', uri, span, text.slice(e.offset, e.offset + Math.max(1, e.length)));
}

function parseDiagnostic(e: IRecognitionException, uri: string, textLength: number, lastToken: IToken | undefined): Diagnostic {
  const tok = e.token;
  const atEof = !tok || tok.tokenType.name === 'EOF' || !Number.isFinite(tok.startOffset);
  const span: Span = atEof
    ? { start: lastToken ? lastToken.endOffset! + 1 : textLength, end: lastToken ? lastToken.endOffset! + 1 : textLength }
    : { start: tok.startOffset, end: tok.endOffset! + 1 };
  const stack = e.context?.ruleStack ?? [];
  const rule = stack[stack.length - 1] ?? 'file';
  const context = RULE_NAMES[rule] ?? rule;
  const expected = expectedFrom(e);
  if (atEof) return diag('unexpectedEnd', uri, span, expected ?? `more of ${context}`);
  if (e.name === 'MismatchedTokenException' && expected && expected !== "'EOF'") return diag('expectedToken', uri, span, expected, describe(tok));
  return diag('unexpectedToken', uri, span, describe(tok), context);
}

const TOKEN_WORDS: Record<string, string> = {
  Identifier: 'a name', Quantity: 'a number', StringLiteral: 'a string', LCurly: "'{'", RCurly: "'}'", LBracket: "'['",
  RBracket: "']'", LParen: "'('", RParen: "')'", Colon: "':'", Comma: "','", Equals: "'='", On: "'on'", In: "'in'",
};

function expectedFrom(e: IRecognitionException): string | undefined {
  // Chevrotain's message reads "Expecting token of type --> RCurly <-- but found --> 'x' <--".
  const m = /-->\s*(\w+)\s*<--/.exec(e.message);
  if (m && e.name === 'MismatchedTokenException') return TOKEN_WORDS[m[1]!] ?? `'${m[1]}'`;
  return undefined;
}

export interface ParseOptions {
  /** Keep every parser token in the result (editors do; the compiler does not). Default true. */
  tokens?: boolean;
  /** Tokens per piece (see PIECE_TOKENS); tests set 1 to split at every possible place. */
  pieceTokens?: number;
  /**
   * The parser tokens, comments and lexing diagnostics of `text`, exactly as the scanner would give
   * them: an editor splices them from its previous parse and a scan of the edited region, so a large
   * file is not scanned again when only its parse must be redone.
   */
  lexed?: { tokens: IToken[]; comments: Comment[]; diagnostics: Diagnostic[] };
}

/**
 * Declarations are parsed in pieces of about this many tokens, each piece's CST turned into AST and
 * dropped before the next: CST nodes then die young instead of surviving (and being copied by the
 * garbage collector) until the whole file is parsed, which was most of the parse time on large files.
 */
const PIECE_TOKENS = 512;

export function parse(text: string, uri = '<input>', options: ParseOptions = {}): ParseResult {
  const keepTokens = options.tokens !== false;
  const pieceTokens = options.pieceTokens ?? PIECE_TOKENS;
  const lexed = options.lexed;
  const scanner = new Scanner(lexed ? '' : text);
  let index = 0;
  const next = lexed ? (): IToken | undefined => lexed.tokens[index++] : (): IToken | undefined => scanner.next();
  const builder = new AstBuilder(text);
  const tokens: IToken[] = lexed && keepTokens ? lexed.tokens : [];
  const items: TopLevel[] = [];
  let piece: IToken[] = [];
  /** Set once a piece has a syntax error or brackets go negative: from that piece on, one parse. */
  let whole = false;
  const parsePiece = (): void => {
    pimParser.resetState();
    pimParser.input = piece;
    const cst = pimParser.file();
    if (pimParser.errors.length > 0) whole = true;
    else {
      for (const item of builder.items(cst)) items.push(item);
      piece = [];
    }
  };

  // A piece ends only where a declaration surely ends and the next begins, at bracket depth 0:
  // before `import` or `const`, or before a name right after the `}` that closed a block. There the
  // parser is between two iterations of the `file` rule's loop and decides the same with the next
  // piece's tokens as with the end of input, so an error-free file parses to the same AST in pieces
  // as whole. From the first piece with a syntax error to the end of the file, the tokens go to the
  // parser in one input, so recovery and its messages are those of a parse of the whole file.
  let depth = 0;
  let itemIsBlock = false;
  let atItemStart = true;
  for (let t = next(); t; t = next()) {
    const type = t.tokenType;
    if (depth === 0 && !whole) {
      const isName = type === T.Identifier;
      const startsItem = type === T.Import || type === T.Const || (atItemStart && isName);
      if (startsItem && piece.length >= pieceTokens) parsePiece();
      if (startsItem) itemIsBlock = isName;
      atItemStart = atItemStart && type === T.Comma;
    }
    if (type === T.LCurly || type === T.LBracket || type === T.LParen) depth++;
    else if (type === T.RCurly || type === T.RBracket || type === T.RParen) {
      depth--;
      if (depth === 0 && type === T.RCurly && itemIsBlock) atItemStart = true;
      // Unbalanced brackets: no more cuts, the rest goes to the parser in one.
      if (depth < 0) whole = true;
    }
    piece.push(t);
    if (keepTokens && !lexed) tokens.push(t);
  }

  const diagnostics: Diagnostic[] = lexed ? [...lexed.diagnostics] : scanner.errors.map((e) => lexDiagnostic(e, text, uri));
  for (const t of scanner.errorTokens) {
    const span: Span = { start: t.startOffset, end: t.endOffset! + 1 };
    diagnostics.push(t.tokenType === T.UnterminatedString ? diag('unterminatedString', uri, span) : diag('unterminatedComment', uri, { start: span.start, end: span.start + 2 }));
  }
  const comments: Comment[] =
    lexed?.comments ??
    scanner.comments.map((t) => ({
      kind: t.tokenType === T.DocComment ? 'doc' : t.tokenType === T.BlockComment ? 'block' : 'line',
      text: t.image,
      span: { start: t.startOffset, end: t.endOffset! + 1 },
    }));
  if (!whole) parsePiece();
  if (whole) {
    // The rest of the file in one parse, for Chevrotain's recovery and diagnostics.
    pimParser.resetState();
    pimParser.input = piece;
    const cst = pimParser.file();
    const last = piece[piece.length - 1];
    // Recovery can report the same spot more than once; keep the first per offset.
    const seen = new Set<number>();
    for (const e of pimParser.errors) {
      const d = parseDiagnostic(e, uri, text.length, last);
      if (seen.has(d.span.start)) continue;
      seen.add(d.span.start);
      diagnostics.push(d);
    }
    for (const item of builder.items(cst)) items.push(item);
  }
  // Release the parser's hold on the last input (it would keep its tokens alive).
  pimParser.input = [];
  diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { ast: builder.finish(items, uri, comments), diagnostics, tokens };
}

export { Diagnostics };
