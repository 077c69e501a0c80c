// Loads the compiler lazily and runs it for the server. Where the compiler cannot be loaded (an
// installation without it), every feature falls back to the parser alone.
import type { LayerSchemaLike } from './catalogue.js';
import type { CompileFn, CompileOptions, FunctionSignature, Program } from './compiler-types.js';

interface CompilerModule {
  compile?: CompileFn;
  allUnits?: () => string[];
  OBJECTIVES?: readonly string[];
  LAYER_KINDS?: Record<string, LayerSchemaLike>;
  NAMED_DIMENSIONS?: Record<string, unknown>;
  unitsFor?: (dim: never) => string[];
  BUILTIN_FUNCTIONS?: readonly FunctionSignature[];
}

let loaded: Promise<CompilerModule> | undefined;

export function loadCompiler(): Promise<CompilerModule> {
  loaded ??= import('@pim/compiler').then(
    (m) => m as unknown as CompilerModule,
    () => ({}) as CompilerModule,
  );
  return loaded;
}

export class CompilerService {
  private compileFn: CompileFn | undefined;
  private units: string[] | undefined;
  /** Set when the compiler itself failed; reported once through `onInternalError`. */
  lastError: string | undefined;

  private constructor(mod: CompilerModule) {
    this.compileFn = typeof mod.compile === 'function' ? mod.compile : undefined;
    this.units = typeof mod.allUnits === 'function' ? mod.allUnits() : undefined;
    this.objectives = Array.isArray(mod.OBJECTIVES) ? [...mod.OBJECTIVES] : undefined;
    this.layerKinds = mod.LAYER_KINDS;
    this.functions = Array.isArray(mod.BUILTIN_FUNCTIONS) ? mod.BUILTIN_FUNCTIONS : [];
    const dims = mod.NAMED_DIMENSIONS;
    const unitsFor = mod.unitsFor;
    this.unitsForType = (type) => {
      const dim = dims?.[type];
      return dim && unitsFor ? unitsFor(dim as never) : undefined;
    };
  }

  /** The compiler's layer kinds and their attributes. */
  readonly layerKinds: Record<string, LayerSchemaLike> | undefined;
  /** Units of a named dimension (`frequency` → Hz, kHz, …), when the compiler knows it. */
  readonly unitsForType: (type: string) => string[] | undefined;

  /** The built-in functions with their parameters (none without a compiler). */
  readonly functions: readonly FunctionSignature[];

  /** Names allowed after `minimize` / `maximize`. */
  readonly objectives: string[] | undefined;

  static async create(): Promise<CompilerService> {
    return new CompilerService(await loadCompiler());
  }

  get available(): boolean {
    return this.compileFn !== undefined;
  }

  /** Unit names the compiler accepts, when it says. */
  get unitNames(): string[] | undefined {
    return this.units;
  }

  /** Compiles an entry file; undefined when no compiler is available or it threw (a compiler bug). */
  compile(entry: string, options: CompileOptions): Promise<Program | undefined> {
    return this.run(entry, { ...options, checkOnly: true });
  }

  /** The same with the IR lowered (for figures the runtime computes from it, e.g. temperatures). */
  compileWithIr(entry: string, options: CompileOptions): Promise<Program | undefined> {
    return this.run(entry, { ...options, checkOnly: false });
  }

  private async run(entry: string, options: CompileOptions): Promise<Program | undefined> {
    if (!this.compileFn) return undefined;
    try {
      return await this.compileFn(entry, options);
    } catch (e) {
      this.lastError = (e as Error).stack ?? String(e);
      return undefined;
    }
  }
}
