export * from './ast.js';
export * from './diagnostics.js';
export { parse, type ParseResult } from './parse.js';
export { LineIndex, type LineCol } from './source.js';
export { children, walk, nodePath } from './walk.js';
export { KEYWORDS, isKeyword, allTokens, pimLexer } from './tokens.js';
export * as tokens from './tokens.js';
