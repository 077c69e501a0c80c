export * from './ast.js';
export * from './diagnostics.js';
export { LIMITS } from './limits.js';
export { capDiagnostics, firstAtOrAfter, parse, type ParseOptions, type ParseResult } from './parse.js';
export { countLineBreaks, LineIndex, lineStartOf, type LineCol } from './source.js';
export { children, walk, nodePath } from './walk.js';
export { KEYWORDS, isKeyword, allTokens } from './tokens.js';
export { tokenize, referenceLexer } from './lexer.js';
export * as tokens from './tokens.js';
