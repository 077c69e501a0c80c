// The compact thermal model: die stacks, HotSpot's package, steady-state solve by PCG.
export * from './types.js';
export { DEFAULT_PACKAGE, packageResistances } from './package.js';
export { buildNetwork } from './model.js';
export { conjugateGradient, ConductanceBuilder } from './sparse.js';
export { solveSteady, checkStack, ThermalError } from './solve.js';
