// Text → AST with syntax diagnostics. Never throws on any input.
import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import type { Comment, PimFile, Span, TopLevel } from './ast.js';
import { AstBuilder } from './builder.js';
import { diag, Diagnostics, type Diagnostic } from './diagnostics.js';
import { ErrorBudgetExceeded, pimParser } from './parser.js';
import { Scanner } from './lexer.js';
import { LIMITS } from './limits.js';
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
  file: 'the file',
  importDecl: 'an import',
  constDecl: 'a constant',
  block: 'a block',
  body: 'a block body',
  attribute: 'an attribute',
  placeStmt: 'a place rule',
  pattern: 'a place pattern',
  patternPart: 'a place pattern',
  varyStmt: 'a vary statement',
  objectiveStmt: 'an objective',
  repeatStmt: 'a repeat',
  qualifiedName: 'a name',
  expression: 'an expression',
  unary: 'an expression',
  exprList: 'a list',
  listLiteral: 'a list',
};

function lexDiagnostic(e: ILexingError, text: string, uri: string): Diagnostic {
  const span: Span = { start: e.offset, end: e.offset + Math.max(1, e.length) };
  const ch = text[e.offset] ?? '';
  if (ch === '"')
    return diag('unterminatedString', uri, { start: e.offset, end: Math.min(text.length, e.offset + e.length) });
  if (text.startsWith('/*', e.offset)) return diag('unterminatedComment', uri, { start: e.offset, end: e.offset + 2 });
  return diag('unexpectedCharacter', uri, span, text.slice(e.offset, e.offset + Math.max(1, e.length)));
}

function parseDiagnostic(
  e: IRecognitionException,
  uri: string,
  textLength: number,
  lastToken: IToken | undefined,
): Diagnostic {
  const tok = e.token;
  const atEof = !tok || tok.tokenType.name === 'EOF' || !Number.isFinite(tok.startOffset);
  const span: Span = atEof
    ? {
        start: lastToken ? lastToken.endOffset! + 1 : textLength,
        end: lastToken ? lastToken.endOffset! + 1 : textLength,
      }
    : { start: tok.startOffset, end: tok.endOffset! + 1 };
  const stack = e.context?.ruleStack ?? [];
  const rule = stack[stack.length - 1] ?? 'file';
  const context = RULE_NAMES[rule] ?? rule;
  const expected = expectedFrom(e);
  if (atEof) return diag('unexpectedEnd', uri, span, expected ?? `more of ${context}`);
  if (e.name === 'MismatchedTokenException' && expected && expected !== "'EOF'")
    return diag('expectedToken', uri, span, expected, describe(tok));
  return diag('unexpectedToken', uri, span, describe(tok), context);
}

const TOKEN_WORDS: Record<string, string> = {
  Identifier: 'a name',
  Quantity: 'a number',
  StringLiteral: 'a string',
  LCurly: "'{'",
  RCurly: "'}'",
  LBracket: "'['",
  RBracket: "']'",
  LParen: "'('",
  RParen: "')'",
  Colon: "':'",
  Comma: "','",
  Equals: "'='",
  On: "'on'",
  In: "'in'",
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
    pimParser.errorBudget = LIMITS.recoveryErrors;
    pimParser.input = piece;
    let cst;
    try {
      cst = pimParser.file();
    } catch (e) {
      // Recovery from many errors in one declaration ran out of stack: parseRecovering takes over.
      if (!(e instanceof RangeError || e instanceof ErrorBudgetExceeded)) throw e;
      whole = true;
      return;
    }
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
  /** Brackets open inside a skipped too-deep bracket (0: not skipping). */
  let skipping = 0;
  /** The first token left out of the parser's input after a syntax error (see below). */
  let unparsed: IToken | undefined;
  let count = 0;
  const limitDiagnostics: Diagnostic[] = [];
  for (let t = next(); t; t = next()) {
    const type = t.tokenType;
    if (++count > LIMITS.tokens) {
      limitDiagnostics.push(diag('tooManyTokens', uri, { start: t.startOffset, end: t.endOffset! + 1 }, LIMITS.tokens));
      break;
    }
    if (keepTokens && !lexed) tokens.push(t);
    const opens = type === T.LCurly || type === T.LBracket || type === T.LParen;
    const closes = type === T.RCurly || type === T.RBracket || type === T.RParen;
    // Text nested deeper than the limit never reaches the parser, whose recursion follows nesting.
    if (skipping > 0) {
      skipping += opens ? 1 : closes ? -1 : 0;
      continue;
    }
    if (opens && depth >= LIMITS.nesting) {
      if (!limitDiagnostics.some((d) => d.code === Diagnostics.nestingTooDeep.code)) {
        limitDiagnostics.push(
          diag('nestingTooDeep', uri, { start: t.startOffset, end: t.endOffset! + 1 }, LIMITS.nesting),
        );
      }
      whole = true;
      skipping = 1;
      continue;
    }
    if (depth === 0 && !whole) {
      const isName = type === T.Identifier;
      const startsItem = type === T.Import || type === T.Const || (atItemStart && isName);
      if (startsItem && piece.length >= pieceTokens) parsePiece();
      if (startsItem) itemIsBlock = isName;
      atItemStart = atItemStart && type === T.Comma;
    }
    if (opens) depth++;
    else if (closes) {
      depth--;
      if (depth === 0 && type === T.RCurly && itemIsBlock) atItemStart = true;
      // Unbalanced brackets: no more cuts, the rest goes to the parser in one.
      if (depth < 0) whole = true;
    }
    // The parser takes at most `LIMITS.inputTokens` in one input (a declaration that long, or all
    // after a syntax error): the rest is not kept; the scan goes on for lexical errors and editors.
    if (piece.length >= LIMITS.inputTokens) {
      whole = true;
      unparsed ??= t;
      continue;
    }
    piece.push(t);
  }

  const { diagnostics, comments, uncounted } = lexOutcome(scanner, lexed, text, uri);
  if (!whole) parsePiece();
  if (whole) {
    const cst = parseRest(piece, unparsed, uri, text.length, diagnostics, limitDiagnostics);
    for (const item of builder.items(cst)) items.push(item);
  }
  // Release the parser's hold on the last input (it would keep its tokens alive).
  pimParser.input = [];
  for (const span of builder.tooDeep)
    limitDiagnostics.push(diag('expressionTooDeep', uri, span, LIMITS.expressionDepth));
  // One stable sort: diagnostics at the same offset keep their order, the limit ones last.
  for (const d of limitDiagnostics) diagnostics.push(d);
  diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { ast: builder.finish(items, uri, comments), diagnostics: capDiagnostics(diagnostics, uncounted), tokens };
}

/** The lexing diagnostics (capped: the rest only counted) and the comments of a scan, or of `lexed`. */
function lexOutcome(
  scanner: Scanner,
  lexed: ParseOptions['lexed'],
  text: string,
  uri: string,
): { diagnostics: Diagnostic[]; comments: Comment[]; uncounted: number } {
  // Lexical errors past the diagnostic limit are only counted (a binary file has one every few bytes).
  const lexErrors =
    scanner.errors.length > LIMITS.diagnostics ? scanner.errors.slice(0, LIMITS.diagnostics + 1) : scanner.errors;
  const uncounted = scanner.errors.length - lexErrors.length;
  const diagnostics: Diagnostic[] = lexed ? [...lexed.diagnostics] : lexErrors.map((e) => lexDiagnostic(e, text, uri));
  for (const t of scanner.errorTokens) {
    const span: Span = { start: t.startOffset, end: t.endOffset! + 1 };
    diagnostics.push(
      t.tokenType === T.UnterminatedString
        ? diag('unterminatedString', uri, span)
        : diag('unterminatedComment', uri, { start: span.start, end: span.start + 2 }),
    );
  }
  const comments: Comment[] =
    lexed?.comments ??
    scanner.comments.map((t) => ({
      kind: t.tokenType === T.DocComment ? 'doc' : t.tokenType === T.BlockComment ? 'block' : 'line',
      text: t.image,
      span: { start: t.startOffset, end: t.endOffset! + 1 },
    }));
  return { diagnostics, comments, uncounted };
}

/**
 * Parses the tokens from the first piece with a syntax error on, in one input with recovery, adding
 * its syntax diagnostics (once per offset) and the recovery limit's; returns the CST.
 */
function parseRest(
  piece: IToken[],
  unparsed: IToken | undefined,
  uri: string,
  textLength: number,
  diagnostics: Diagnostic[],
  limitDiagnostics: Diagnostic[],
): ReturnType<typeof pimParser.file> {
  const { cst, errors, parsed } = parseRecovering(piece);
  const last = piece[parsed - 1];
  // Recovery can report the same spot more than once; keep the first per offset.
  const seen = new Set<number>();
  for (const e of errors) {
    const d = parseDiagnostic(e, uri, textLength, last);
    if (seen.has(d.span.start)) continue;
    seen.add(d.span.start);
    diagnostics.push(d);
  }
  if (parsed < piece.length || unparsed) {
    const t = piece[parsed] ?? unparsed!;
    limitDiagnostics.push(
      diag('recoveryLimit', uri, { start: t.startOffset, end: t.endOffset! + 1 }, LIMITS.inputTokens),
    );
  }
  return cst;
}

/**
 * Parses tokens in one input with Chevrotain's error recovery, at most `LIMITS.inputTokens` of them
 * and up to `LIMITS.recoveryErrors` syntax errors. Recovery inside a repetition recurses once per
 * recovered error and costs time per error, so a file of errors (a JSON file saved as `.pim`) would
 * exhaust the stack or take seconds: past the budget the input is cut before the error that exceeded
 * it (halved when the stack ran out first) and parsed again; the caller reports where parsing stopped.
 */
function parseRecovering(piece: IToken[]): {
  cst: ReturnType<typeof pimParser.file>;
  errors: IRecognitionException[];
  parsed: number;
} {
  let parsed = Math.min(piece.length, LIMITS.inputTokens);
  pimParser.errorBudget = LIMITS.recoveryErrors;
  try {
    for (;;) {
      pimParser.resetState();
      pimParser.input = parsed === piece.length ? piece : piece.slice(0, parsed);
      try {
        const cst = pimParser.file();
        return { cst, errors: pimParser.errors, parsed };
      } catch (e) {
        if (!(e instanceof RangeError || e instanceof ErrorBudgetExceeded) || parsed <= 1) throw e;
        const errors = pimParser.errors;
        const last = e instanceof ErrorBudgetExceeded ? errors[errors.length - 1]?.token : undefined;
        const cut = last && Number.isFinite(last.startOffset) ? firstAtOrAfter(piece, last.startOffset) : -1;
        parsed = cut > 0 && cut < parsed ? cut : Math.floor(parsed / 2);
        // The cut input ends before the error that broke the budget; one more error at its end is fine.
        pimParser.errorBudget = LIMITS.recoveryErrors + 1;
      }
    }
  } finally {
    pimParser.errorBudget = Infinity;
  }
}

/** Index of the first token starting at or after `offset` (tokens sorted by offset). */
export function firstAtOrAfter(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The first `LIMITS.diagnostics` of one file's sorted diagnostics and one that says how many more there
 * are (`uncounted`: more that were dropped before).
 */
export function capDiagnostics(diagnostics: Diagnostic[], uncounted = 0): Diagnostic[] {
  if (diagnostics.length <= LIMITS.diagnostics) return diagnostics;
  const kept = diagnostics.slice(0, LIMITS.diagnostics);
  const next = diagnostics[LIMITS.diagnostics]!;
  // A limit's own diagnostic (PIMx100–x149) is always shown: it says why the rest is missing.
  const limits = diagnostics.slice(LIMITS.diagnostics).filter((d) => /^PIM\d1[0-4]\d$/.test(d.code));
  kept.push(
    diag(
      'tooManyDiagnostics',
      next.uri,
      next.span,
      LIMITS.diagnostics,
      diagnostics.length - LIMITS.diagnostics - limits.length + uncounted,
    ),
  );
  for (const d of limits) kept.push(d);
  return kept;
}
