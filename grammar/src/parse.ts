// Text → AST with syntax diagnostics. Never throws on any input.
import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import type { Comment, PimFile, Span } from './ast.js';
import { AstBuilder } from './builder.js';
import { diag, Diagnostics, type Diagnostic } from './diagnostics.js';
import { pimParser } from './parser.js';
import { pimLexer } from './tokens.js';

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
  member: 'a block body', attribute: 'an attribute', placeStmt: 'a place rule', pattern: 'a place pattern',
  patternPart: 'a place pattern', varyStmt: 'a vary statement', objectiveStmt: 'an objective',
  repeatStmt: 'a repeat', qualifiedName: 'a name', expression: 'an expression', rangeExpr: 'an expression',
  additive: 'an expression', multiplicative: 'an expression', power: 'an expression', unary: 'an expression',
  postfix: 'an expression', exprList: 'a list', primary: 'an expression', listLiteral: 'a list', namePrimary: 'an expression',
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

export function parse(text: string, uri = '<input>'): ParseResult {
  const lexed = pimLexer.tokenize(text);
  const diagnostics: Diagnostic[] = lexed.errors.map((e) => lexDiagnostic(e, text, uri));
  for (const t of lexed.groups['errors'] ?? []) {
    const span: Span = { start: t.startOffset, end: t.endOffset! + 1 };
    diagnostics.push(t.tokenType.name === 'UnterminatedString' ? diag('unterminatedString', uri, span) : diag('unterminatedComment', uri, { start: span.start, end: span.start + 2 }));
  }
  const comments: Comment[] = (lexed.groups['comments'] ?? []).map((t) => ({
    kind: t.tokenType.name === 'DocComment' ? 'doc' : t.tokenType.name === 'BlockComment' ? 'block' : 'line',
    text: t.image,
    span: { start: t.startOffset, end: t.endOffset! + 1 },
  }));
  pimParser.resetState();
  pimParser.input = lexed.tokens;
  const cst = pimParser.file();
  const last = lexed.tokens[lexed.tokens.length - 1];
  // Recovery can report the same spot more than once; keep the first per offset.
  const seen = new Set<number>();
  for (const e of pimParser.errors) {
    const d = parseDiagnostic(e, uri, text.length, last);
    if (seen.has(d.span.start)) continue;
    seen.add(d.span.start);
    diagnostics.push(d);
  }
  const ast = new AstBuilder(text).file(cst, uri, comments);
  diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { ast, diagnostics, tokens: lexed.tokens };
}

export { Diagnostics };
