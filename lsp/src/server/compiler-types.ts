// The part of the compiler API (compiler/src/api.ts) the language server reads.
import type { CompileOptions, Program } from '@pim/compiler';

export type {
  AttributeInfo,
  BlockInfo,
  ClassAttributeInfo,
  ClassInfo,
  CompilerHost,
  CompileOptions,
  FunctionSignature,
  PimSymbol,
  Program,
  Reference,
  SourceFile,
} from '@pim/compiler';

export type CompileFn = (entry: string, options: CompileOptions) => Program | Promise<Program>;
