// @pim/ir: the contract between the compiler and everything that reads its output. Depends on ajv only,
// so the runtime (and any other reader of the IR) needs nothing of the compiler.
export * from './types.js';
export { loadIr, validateIr, compileWithAjv, IrError, IR_SCHEMA_URL } from './validate.js';
export * from './geometry.js';
export * from './placement.js';
export * from './components.js';
export * from './defaults.js';
export * from './timing.js';
export * from './layers.js';
