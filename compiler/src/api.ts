// The compiler's public API: what the CLI, the LSP and the runtime consume.
import type { Attribute, Block, ConstDecl, Diagnostic, LineIndex, PimFile, Span } from '@pim/grammar';
import type { SourceRead } from '@pim/grammar/files';
import type { IrLayer, IrOverride, IrPlacement, IrProgram } from '@pim/ir';

/** File access, so the LSP can serve unsaved buffers and tests can use in-memory files. */
export interface CompilerHost {
  /**
   * Contents of an absolute path, or undefined when it cannot be read, or why it is not a source
   * (`readSource` of `@pim/grammar/files`: a special file, or one over the size limit).
   */
  readFile(path: string): string | undefined | Exclude<SourceRead, { text: string }>;
}

export interface SourceFile {
  /** Absolute path (the LSP maps URIs to paths). */
  path: string;
  text: string;
  ast: PimFile;
  lineIndex: LineIndex;
  /** Syntax diagnostics of this file alone. */
  parseDiagnostics: Diagnostic[];
}

export type SymbolKind =
  | 'const'
  | 'device'
  | 'class'
  | 'architecture'
  | 'model'
  | 'dataset'
  | 'mapping'
  | 'train'
  | 'run'
  | 'explore'
  | 'layer'
  | 'component';

export interface PimSymbol {
  name: string;
  /** Qualified name for nested symbols (`isaac.isaac_tile`, `lenet5.c1`); equals `name` at top level. */
  qualifiedName: string;
  kind: SymbolKind;
  file: string;
  node: Block | ConstDecl;
  nameSpan: Span;
  doc?: string;
  /** Qualified name of the enclosing symbol, for nested ones. */
  container?: string;
}

export interface Reference {
  file: string;
  span: Span;
  target: PimSymbol;
}

export interface ClassAttributeInfo {
  name: string;
  /** Display form of the type: a dimension (`frequency`), `count`, `bool`, `string`, `device`, `one_of(mesh, mesh3d)` … */
  type: string;
  /** Display form of the default, when the class has one. */
  default?: string;
  doc?: string;
}

export interface ClassInfo {
  name: string;
  /** `component` (hardware), `layer`, or `section` (blocks inside train/run/explore, e.g. `faults`). */
  category: 'component' | 'layer' | 'section' | 'declaration';
  doc?: string;
  attributes: ClassAttributeInfo[];
  /** From the prelude (true) or declared by the user. */
  builtin: boolean;
  file?: string;
  nameSpan?: Span;
}

export interface AttributeInfo {
  /** The class that types the attribute. */
  owner: string;
  type: string;
  /** The value in SI as shown to a person, e.g. `1.2e9 Hz`. */
  display: string;
  /** The SI value when numeric. */
  si?: number;
  doc?: string;
}

export interface BlockInfo {
  kind: string;
  path: string;
  count: number;
  total_count: number;
  /** One copy, children included. */
  power_w?: number;
  area_m2?: number;
  power_source?: string;
  area_source?: string;
  layer?: IrLayer;
  placements?: { mapping: string; placement: IrPlacement }[];
}

export interface SemanticInfo {
  attributes: Map<Attribute, AttributeInfo>;
  blocks: Map<Block, BlockInfo>;
}

export interface Program {
  entry: string;
  files: Map<string, SourceFile>;
  /** Global (top-level) names. */
  symbols: Map<string, PimSymbol>;
  /** Nested declarations (layers, components), by qualified name. */
  nested: Map<string, PimSymbol>;
  references: Reference[];
  classes: Map<string, ClassInfo>;
  info: SemanticInfo;
  /** All diagnostics of all files, sorted. */
  diagnostics: Diagnostic[];
  /** Present when no diagnostic is an error. */
  ir?: IrProgram;
}

export interface CompileOptions {
  host?: CompilerHost;
  /** Parsed files to reuse when their text is unchanged (the LSP's per-document cache). */
  cache?: Map<string, SourceFile>;
  /** Stop after checking; skip building the IR. */
  checkOnly?: boolean;
  /**
   * One design point of an exploration: attribute values that replace what the program states or
   * defaults, by dotted path as in IR `explorations[].parameters[].path` (`rram8.t.ima.crossbar.rows`,
   * `cell8b.bits_per_cell`, `rram8.clock`), values in SI units as there. Everything derived from an
   * attribute (estimates, mapping, totals) follows it. A path that names no attribute, or a value of
   * the wrong type, throws: the caller passes paths the exploration pass has checked.
   */
  overrides?: readonly Override[];
}

export type Override = IrOverride;

/** An override (a design point) that names nothing or has the wrong type: the caller's mistake, thrown. */
export class OverrideError extends Error {}
