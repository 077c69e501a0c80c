// The IR (types, schema, validator, loadIr) is the package @pim/ir; re-exported as the compiler's output.
export * from '@pim/ir';
export * from './api.js';
export { compile, designCompiler, sourcesCompiler } from './compile.js';
export { canonicalize } from './passes/lower.js';
export { loadPrelude, makeSourceFile, nodeHost, PRELUDE_FILES } from './passes/load.js';
export { lookupUnit, allUnits, unitsFor } from './units/units.js';
export { NAMED_DIMENSIONS, dimName, siUnitOf, type Dim } from './units/dimension.js';
export { LAYER_KINDS } from './passes/layer-kinds.js';
export { TECHNOLOGIES, type TechnologyFigures } from './semantics/technologies.js';
export { OBJECTIVES } from './passes/explore.js';
export { MAX_EPOCHS } from './passes/experiments.js';
export { BUILTIN_FUNCTIONS, type FunctionSignature } from './semantics/functions.js';
