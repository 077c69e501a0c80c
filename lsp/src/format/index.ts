export { formatPim, type FormatOptions, type FormatResult } from './format.js';
export { fmtCommand } from './cli.js';
export { astDifference, stripPositions } from './ast-compare.js';
export { default as prettierPlugin } from './plugin.js';
