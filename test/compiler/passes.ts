// Internal modules of the compiler for the tests. @pim/compiler does not export them (the compiler's
// public API is compile()), so they are loaded from the compiler's build output; the types come from
// the referenced project, the code from compiler/dist at run time.
import type * as ModelsPass from '../../compiler/src/passes/models.js';
import type * as MappingPass from '../../compiler/src/passes/mapping.js';
import type * as UnitsModule from '../../compiler/src/units/units.js';
import type * as DimensionModule from '../../compiler/src/units/dimension.js';
import type * as EvaluateModule from '../../compiler/src/semantics/evaluate.js';

const dist = (file: string): string => new URL(`../../../compiler/dist/${file}`, import.meta.url).href;

export const models = (await import(dist('passes/models.js'))) as typeof ModelsPass;
export const mappingPass = (await import(dist('passes/mapping.js'))) as typeof MappingPass;
/** The unit table, the dimension algebra and the evaluator. */
export const units = (await import(dist('units/units.js'))) as typeof UnitsModule;
export const dimension = (await import(dist('units/dimension.js'))) as typeof DimensionModule;
export const evaluator = (await import(dist('semantics/evaluate.js'))) as typeof EvaluateModule;
