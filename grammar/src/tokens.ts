// Tokens of `.pim`, kept apart from the parser (Chevrotain's layout). Their patterns define the lexical
// syntax; lexer.ts scans by hand with the same result (and builds Chevrotain's Lexer from these
// definitions as its reference in the tests).
import type { CustomPatternMatcherReturn, TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

/** Words reserved by the grammar; they can never be names or units. */
export const KEYWORDS = [
  'import',
  'const',
  'place',
  'on',
  'vary',
  'in',
  'minimize',
  'maximize',
  'repeat',
  'true',
  'false',
  'extends',
] as const;
const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\uFEFF]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
// Comments go to a token group: the parser never sees them, the formatter and hover do.
export const DocComment = createToken({ name: 'DocComment', pattern: /\/\/\/[^\n\r]*/, group: 'comments' });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: 'comments' });
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: 'comments',
  line_breaks: true,
});

// Unterminated strings and comments lex as one token in the `errors` group so one clear
// diagnostic replaces a cascade of unexpected characters.
export const UnterminatedComment = createToken({
  name: 'UnterminatedComment',
  pattern: /\/\*[\s\S]*/,
  group: 'errors',
  line_breaks: true,
});
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"(?:[^"\\\n\r]|\\.)*/,
  group: 'errors',
});

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

/** The token type of each reserved word (the scanner types words by it). */
export const KEYWORD_TYPES = new Map<string, TokenType>();
function keyword(word: string): TokenType {
  const type = createToken({
    name: word[0]!.toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
  });
  KEYWORD_TYPES.set(word, type);
  return type;
}
export const Import = keyword('import');
export const Const = keyword('const');
export const Place = keyword('place');
export const On = keyword('on');
export const Vary = keyword('vary');
export const In = keyword('in');
export const Minimize = keyword('minimize');
export const Maximize = keyword('maximize');
export const Repeat = keyword('repeat');
export const True = keyword('true');
export const False = keyword('false');
export const Extends = keyword('extends');

const NUMBER_RE = /(?:0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)/y;
// A unit is the word right after a number on the same line: `1.2 GHz`, `6.4 GB/s`, `2 %`.
const UNIT_RE = /[ \t]*(%|[A-Za-zµΩ°][A-Za-z0-9_µΩ]*(?:\/[A-Za-zµΩ][A-Za-z0-9_µΩ]*)*)/y;

/** Matches a number with an optional unit; a keyword after a number is never taken as its unit. */
export function matchQuantity(text: string, offset: number): CustomPatternMatcherReturn | null {
  NUMBER_RE.lastIndex = offset;
  const num = NUMBER_RE.exec(text);
  if (!num) return null;
  let end = offset + num[0].length;
  // `1abc` where the number is followed by an identifier char with no space still lexes as number + unit.
  UNIT_RE.lastIndex = end;
  const unit = UNIT_RE.exec(text);
  if (unit && !KEYWORD_SET.has(unit[1]!)) end += unit[0].length;
  return [text.slice(offset, end)] as unknown as CustomPatternMatcherReturn;
}
export const Quantity = createToken({
  name: 'Quantity',
  pattern: { exec: matchQuantity },
  line_breaks: false,
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.'],
});
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\n\r]|\\.)*"/ });

export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const StarStar = createToken({ name: 'StarStar', pattern: /\*\*/ });
export const Star = createToken({ name: 'Star', pattern: /\*/ });
export const Slash = createToken({ name: 'Slash', pattern: /\// });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Equals = createToken({ name: 'Equals', pattern: /=/ });
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/ });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });

export const allTokens: TokenType[] = [
  WhiteSpace,
  DocComment,
  LineComment,
  BlockComment,
  UnterminatedComment,
  // Quantity before Dot so `.5` is a number; DotDot before Dot.
  Quantity,
  StringLiteral,
  UnterminatedString,
  Import,
  Const,
  Place,
  On,
  Vary,
  In,
  Minimize,
  Maximize,
  Repeat,
  True,
  False,
  Extends,
  Identifier,
  DotDot,
  Dot,
  StarStar,
  Star,
  Slash,
  Plus,
  Minus,
  Colon,
  Comma,
  Equals,
  LCurly,
  RCurly,
  LBracket,
  RBracket,
  LParen,
  RParen,
];

export function isKeyword(word: string): boolean {
  return KEYWORD_SET.has(word);
}
