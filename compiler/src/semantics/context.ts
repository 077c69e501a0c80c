// State shared by the checking passes of one compilation: symbols, classes, constants, and the
// sinks for diagnostics, references and hover information.
import type { Attribute, Block, ConstDecl, Diagnostic, Expr, Member, Span } from '@pim/grammar';
import {
  OverrideError,
  type AttributeInfo,
  type BlockInfo,
  type PimSymbol,
  type Reference,
  type SourceFile,
} from '../api.js';
import { DeferredMap } from './deferred-map.js';
import type { Instance } from './instance.js';
import type { AttrType } from './types.js';
import type { Value } from './values.js';

export type Namespace = 'component' | 'declaration';

export interface AttrDef {
  name: string;
  type: AttrType;
  required: boolean;
  default?: Expr;
  /** File of the default expression (the class's file). */
  uri: string;
  doc?: string;
  /** The class that declared it (may be an ancestor). */
  owner: string;
  keySpan: Span;
}

export interface ClassDef {
  name: string;
  namespace: Namespace;
  base?: string;
  /** Own and inherited attributes; an override replaces the inherited one. */
  attrs: Map<string, AttrDef>;
  /** Self first, then ancestors. */
  lineage: string[];
  doc?: string;
  uri: string;
  node: Block;
  builtin: boolean;
}

export interface ConstEntry {
  decl: ConstDecl;
  uri: string;
  value?: Value;
  evaluating?: boolean;
}

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly references: Reference[] = [];
  /** Hover data, recorded with `defer`: only the editor reads it. */
  readonly attributeInfo = new DeferredMap<Attribute, AttributeInfo>();
  readonly blockInfo = new DeferredMap<Block, BlockInfo>();
  readonly classes: Record<Namespace, Map<string, ClassDef>> = {
    component: new Map(),
    declaration: new Map(),
  };
  readonly consts = new Map<string, ConstEntry>();
  /** Values of the parts of class defaults that read no name, by expression (EvalEnv.closedValues). */
  readonly closedDefaults = new Map<Expr, Value>();
  /** Design-point overrides (CompileOptions.overrides) by the path of the instance they apply to. */
  private readonly overridesByOwner = new Map<string, Map<string, number | string | boolean>>();
  /** The path each owner's override map belongs to. */
  private readonly ownerOfOverrides = new Map<ReadonlyMap<string, unknown>, string>();
  /** Overrides applied to an instance, by full path: the rest named nothing. */
  readonly usedOverrides = new Set<string>();
  /**
   * Each device, architecture and component instance by its path (an override's or a `vary` path's
   * owner), for the exploration pass to check a `vary` value by the rules of the instance's values.
   */
  readonly instances = new Map<string, Instance>();

  constructor(
    readonly files: Map<string, SourceFile>,
    /** Top-level declarations by name. */
    readonly symbols: Map<string, PimSymbol>,
    /** Nested declarations (components, layers) by qualified name. */
    readonly nested: Map<string, PimSymbol>,
  ) {}

  setOverrides(overrides: readonly { path: string; value: number | string | boolean }[]): void {
    for (const o of overrides) {
      const dot = o.path.lastIndexOf('.');
      if (dot <= 0) throw new OverrideError(`compile: override '${o.path}' names no attribute (give owner.attribute)`);
      const owner = o.path.slice(0, dot);
      let m = this.overridesByOwner.get(owner);
      if (!m) {
        this.overridesByOwner.set(owner, (m = new Map()));
        this.ownerOfOverrides.set(m, owner);
      }
      m.set(o.path.slice(dot + 1), o.value);
    }
  }

  /** The overrides of the instance at `path` (a device, an architecture, or a component's path). */
  overridesAt(path: string): ReadonlyMap<string, number | string | boolean> | undefined {
    return this.overridesByOwner.size === 0 ? undefined : this.overridesByOwner.get(path);
  }

  /** Records which of an instance's overrides name attributes of its class. */
  markOverridesUsed(overrides: ReadonlyMap<string, unknown>, isAttribute: (name: string) => boolean): void {
    const owner = this.ownerOfOverrides.get(overrides);
    if (owner !== undefined)
      for (const attr of overrides.keys()) if (isAttribute(attr)) this.usedOverrides.add(`${owner}.${attr}`);
  }

  report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  reference(file: string, span: Span, target: PimSymbol): void {
    this.references.push({ file, span, target });
  }

  hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }

  /** Is `kind` (in namespace ns) the class `ancestor` or derived from it? */
  isA(ns: Namespace, kind: string, ancestor: string): boolean {
    return this.classes[ns].get(kind)?.lineage.includes(ancestor) ?? false;
  }

  /** An architecture's name, then those of the architectures it extends, nearest first (cycles cut). */
  architectureChain(arch: string): string[] {
    const chain: string[] = [];
    for (let a: string | undefined = arch; a && !chain.includes(a);) {
      chain.push(a);
      const node: Block | ConstDecl | undefined = this.symbols.get(a)?.node;
      a = node?.type === 'Block' ? node.base?.name : undefined;
    }
    return chain;
  }

  /** The declaration of a component by its path below an architecture (`t.ima`), found where it is written: in the architecture or one it extends. */
  componentSymbol(arch: string, below: string): PimSymbol | undefined {
    for (const a of this.architectureChain(arch)) {
      const hit = this.nested.get(`${a}.${below}`);
      if (hit?.kind === 'component') return hit;
    }
    return undefined;
  }

  /** Top-level symbols of one declaration kind (`experiment` = train or run). */
  symbolsOfKind(kind: string): PimSymbol[] {
    return [...this.symbols.values()].filter(
      (s) => s.kind === kind || (kind === 'experiment' && (s.kind === 'train' || s.kind === 'run')),
    );
  }
}

/** How a misplaced member is named in PIM1007 messages. */
export function describeMember(m: Member): string {
  switch (m.type) {
    case 'Block':
      return `a '${m.kind.name}' block`;
    case 'Place':
      return 'a place rule';
    case 'Vary':
      return 'a vary statement';
    case 'Objective':
      return 'an objective';
    case 'Repeat':
      return 'a repeat';
    case 'Attribute':
      return 'an attribute';
  }
}
