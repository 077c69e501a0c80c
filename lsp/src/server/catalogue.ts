// What can be written where: block kinds, their attributes and the units. The compiler's class table
// is authoritative; when there is no compiler (or no successful compilation yet) the prelude's `.pim`
// sources are parsed directly, so completion works on a document that does not parse.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DECLARATION_KINDS, parse, type Block } from '@pim/grammar';
import type { ClassAttributeInfo, ClassInfo } from './compiler-types.js';

export { DECLARATION_KINDS };

/** Units offered when the compiler does not list them, most used first. */
export const FALLBACK_UNITS = [
  'GHz',
  'MHz',
  'kHz',
  'Hz',
  'ns',
  'us',
  'ms',
  's',
  'ps',
  'cycle',
  'cycles',
  'mW',
  'uW',
  'W',
  'nW',
  'pJ',
  'fJ',
  'nJ',
  'uJ',
  'J',
  'mm2',
  'um2',
  'm2',
  'bit',
  'B',
  'KB',
  'MB',
  'GB',
  'GB/s',
  'MB/s',
  'Gbps',
  'kOhm',
  'MOhm',
  'Ohm',
  'uS',
  'V',
  'mV',
  'A',
  'uA',
  'K',
  'C',
  '%',
  'epochs',
  'TFLOPS',
  'GSps',
  'nm',
  'um',
  'mm',
];

function preludeDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  // Bundled next to the server (VS Code extension), or from the compiler package (workspace).
  const candidates = [join(here, 'prelude'), join(here, '..', 'prelude')];
  try {
    const req = createRequire(import.meta.url);
    candidates.push(join(dirname(req.resolve('@pim/compiler/package.json')), 'prelude'));
  } catch {
    // not resolvable from a bundle
  }
  return candidates.find((c) => existsSync(c));
}

function categoryOf(file: string, name: string): ClassInfo['category'] {
  if ((DECLARATION_KINDS as readonly string[]).includes(name)) return 'declaration';
  if (/component/.test(file)) return 'component';
  if (/layer/.test(file)) return 'layer';
  return 'section';
}

/** Reads `class` declarations from prelude sources: attributes with their written type and default. */
export function classesFromSource(files: { path: string; text: string }[]): Map<string, ClassInfo> {
  const out = new Map<string, ClassInfo & { base?: string }>();
  for (const f of files) {
    const ast = parse(f.text, f.path).ast;
    for (const item of ast.items) {
      if (item.type !== 'Block' || item.kind.name !== 'class' || !item.name) continue;
      const attributes: ClassAttributeInfo[] = [];
      for (const m of item.body ?? []) {
        if (m.type !== 'Attribute') continue;
        const a: ClassAttributeInfo = { name: m.key.name, type: f.text.slice(m.value.span.start, m.value.span.end) };
        if (m.default) a.default = f.text.slice(m.default.span.start, m.default.span.end);
        if (m.doc) a.doc = m.doc;
        attributes.push(a);
      }
      const info: ClassInfo & { base?: string } = {
        name: item.name.name,
        category: categoryOf(f.path, item.name.name),
        attributes,
        builtin: true,
        file: f.path,
        nameSpan: item.name.span,
      };
      if (item.doc) info.doc = item.doc;
      if ((item as Block).base) info.base = (item as Block).base!.name;
      out.set(info.name, info);
    }
  }
  // Inherited attributes follow the class's own (a class may override one).
  for (const c of out.values()) {
    const seen = new Set(c.attributes.map((a) => a.name));
    let base = c.base;
    const visited = new Set<string>([c.name]);
    while (base && !visited.has(base)) {
      visited.add(base);
      const b = out.get(base);
      if (!b) break;
      for (const a of b.attributes) {
        if (seen.has(a.name)) continue;
        seen.add(a.name);
        c.attributes.push(a);
      }
      base = b.base;
    }
  }
  return out;
}

let preludeClasses: Map<string, ClassInfo> | undefined;

/** The prelude's classes, parsed once. */
export function fallbackClasses(): Map<string, ClassInfo> {
  if (preludeClasses) return preludeClasses;
  const dir = preludeDir();
  const files: { path: string; text: string }[] = [];
  if (dir) {
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.pim'))
      .sort()) {
      try {
        files.push({ path: join(dir, name), text: readFileSync(join(dir, name), 'utf8') });
      } catch {
        // unreadable prelude file: skip it
      }
    }
  }
  preludeClasses = classesFromSource(files);
  return preludeClasses;
}

/** `one_of(a, b, c)` → [a, b, c]. */
export function choicesOf(type: string): string[] | undefined {
  const m = /one_of\(([^)]*)\)/.exec(type);
  return m
    ? m[1]!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

/** `ref(device)` / `required(ref(model))` → `device`. */
export function refKindOf(type: string): string | undefined {
  return /ref\((\w+)\)/.exec(type)?.[1];
}

/** A layer kind as the compiler describes it (`LAYER_KINDS`). */
export interface LayerSchemaLike {
  doc?: string;
  attrs: Record<string, { type: { type: string }; required?: boolean; default?: unknown; doc?: string }>;
}

export function layerClasses(kinds: Record<string, LayerSchemaLike> | undefined): Map<string, ClassInfo> {
  const out = new Map<string, ClassInfo>();
  for (const [name, schema] of Object.entries(kinds ?? {})) {
    const attributes: ClassAttributeInfo[] = Object.entries(schema.attrs).map(([attr, a]) => {
      const info: ClassAttributeInfo = { name: attr, type: a.required ? `required(${a.type.type})` : a.type.type };
      if (a.default !== undefined && a.default !== null) info.default = String(a.default);
      if (a.doc) info.doc = a.doc;
      return info;
    });
    const info: ClassInfo = { name, category: 'layer', attributes, builtin: true };
    if (schema.doc) info.doc = schema.doc;
    out.set(name, info);
  }
  return out;
}

/**
 * Classes by the context they are written in: the same word can be a component and a layer
 * (`maxpool`), and the compiler keeps declaration classes under `declaration:NAME`.
 */
export class Catalogue {
  constructor(
    private readonly classes: Map<string, ClassInfo>,
    private readonly layers: Map<string, ClassInfo>,
  ) {}

  component(kind: string): ClassInfo | undefined {
    const c = this.classes.get(kind);
    return c && c.category === 'component' ? c : undefined;
  }

  declaration(kind: string): ClassInfo | undefined {
    const c = this.classes.get(`declaration:${kind}`) ?? this.classes.get(kind);
    return c && (c.category === 'declaration' || c.category === 'section') ? c : undefined;
  }

  layer(kind: string): ClassInfo | undefined {
    return this.layers.get(kind);
  }

  /** Any class of that name: declarations first, then components, then layers. */
  any(kind: string): ClassInfo | undefined {
    return this.declaration(kind) ?? this.component(kind) ?? this.layer(kind);
  }

  /** The class of a block, given the top-level kind it sits in (undefined: top level itself). */
  forBlock(kind: string, root: string | undefined, isObject = false): ClassInfo | undefined {
    if (root === undefined) return this.declaration(kind) ?? this.component(kind);
    if (isObject) return this.declaration(kind) ?? this.any(kind);
    if (root === 'architecture') return this.component(kind);
    if (root === 'model') return this.layer(kind);
    if (kind === 'place') return this.declaration('place_options');
    return this.declaration(kind);
  }

  componentKinds(): string[] {
    return [...this.classes.values()]
      .filter((c) => c.category === 'component' && c.name !== 'component' && c.name !== 'architecture')
      .map((c) => c.name);
  }

  layerKinds(): string[] {
    return [...this.layers.keys()];
  }

  /** Sections written as blocks (`faults { … }`): section classes that are not values of a `one_of`. */
  blockSections(): string[] {
    const values = new Set<string>(['graph', 'place_options']);
    for (const c of this.classes.values())
      for (const a of c.attributes) for (const x of choicesOf(a.type) ?? []) values.add(x);
    return [...this.classes.values()].filter((c) => c.category === 'section' && !values.has(c.name)).map((c) => c.name);
  }
}
