// The models and mapping passes for the tests. @pim/compiler does not export them (the compiler's
// public API is compile()), so they are loaded from the compiler's build output; the types come from
// the referenced project, the code from compiler/dist at run time.
import type * as ModelsPass from '../../compiler/src/passes/models.js';
import type * as MappingPass from '../../compiler/src/passes/mapping.js';

const dist = (file: string): string => new URL(`../../../compiler/dist/passes/${file}`, import.meta.url).href;

export const models = (await import(dist('models.js'))) as typeof ModelsPass;
export const mappingPass = (await import(dist('mapping.js'))) as typeof MappingPass;
