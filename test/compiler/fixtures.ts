// Inputs for the models and mapping passes' unit tests: model specs (LeNet-5, VGG-16, a residual block, a
// 2-layer GCN on Cora) with synthetic spans — every layer gets its own, so tests can check that a diagnostic
// points at the right layer — and architectures (ISAAC-like, a 3D heterogeneous dense/sparse/GPU system,
// small ones for capacity tests) written in `.pim` and compiled.
import type { Span } from '@pim/grammar';
import { compile, type IrArchitecture, type IrModel, type IrTileType } from '@pim/compiler';
import type { LayerAttr, LayerSpec, ModelInputSpec, ModelSpec, RepeatSpec } from '../../compiler/src/passes/models.js';
import type { MappingSpec, PlaceRuleSpec } from '../../compiler/src/passes/mapping.js';

// ── Model specs ──────────────────────────────────────────────────────────────────────────────────

/** Layer definition shorthand: [kind, name?, attrs?] or a repeat. */
export type LayerDef = [string, string?, Record<string, LayerAttr>?] | { repeat: number; body: LayerDef[] };

/** Builds specs with distinct synthetic spans: item k spans [100k, 100k + 50), its name [100k + 10, 100k + 20). */
export class SpecBuilder {
  private next = 1;
  constructor(readonly uri = 'model.pim') {}

  span(): Span {
    const start = this.next++ * 100;
    return { start, end: start + 50 };
  }

  layer(kind: string, name?: string, attrs: Record<string, LayerAttr> = {}): LayerSpec {
    const span = this.span();
    const l: LayerSpec = { kind, attrs, span, uri: this.uri };
    if (name !== undefined) {
      l.name = name;
      l.nameSpan = { start: span.start + 10, end: span.start + 20 };
    }
    return l;
  }

  repeat(count: number, body: (LayerSpec | RepeatSpec)[]): RepeatSpec {
    return { kind: 'repeat', count, body, span: this.span(), uri: this.uri };
  }

  body(defs: LayerDef[]): (LayerSpec | RepeatSpec)[] {
    return defs.map((d) =>
      Array.isArray(d) ? this.layer(d[0], d[1], d[2] ?? {}) : this.repeat(d.repeat, this.body(d.body)),
    );
  }

  model(name: string, input: ModelInputSpec | undefined, defs: LayerDef[]): ModelSpec {
    const span = this.span();
    return { name, uri: this.uri, span, ...(input ? { input } : {}), body: this.body(defs) };
  }
}

/** LeNet-5 as in the language sketch (c1 pads by 2 so that 28×28 stays 28×28). */
export function lenet5(b = new SpecBuilder()): ModelSpec {
  return b.model('lenet5', { kind: 'tensor', shape: [1, 28, 28], classes: 10 }, [
    ['conv', 'c1', { out: 6, kernel: 5, padding: 2 }],
    ['relu'],
    ['maxpool', undefined, { size: 2 }],
    ['conv', 'c2', { out: 16, kernel: 5 }],
    ['relu'],
    ['maxpool', undefined, { size: 2 }],
    ['flatten'],
    ['linear', 'f1', { out: 120 }],
    ['relu'],
    ['linear', 'f2', { out: 84 }],
    ['relu'],
    ['linear', 'f3', { out: 10 }],
  ]);
}

/** VGG-16 (configuration D) on 224×224 RGB, its stacks written with `repeat`. */
export function vgg16(b = new SpecBuilder()): ModelSpec {
  const stack = (name: string, out: number, n: number): LayerDef => ({
    repeat: n,
    body: [['conv', name, { out, kernel: 3, padding: 1 }], ['relu']],
  });
  return b.model('vgg16', { kind: 'tensor', shape: [3, 224, 224], classes: 1000 }, [
    stack('b1', 64, 2),
    ['maxpool', 'p1', { size: 2 }],
    stack('b2', 128, 2),
    ['maxpool', 'p2', { size: 2 }],
    stack('b3', 256, 3),
    ['maxpool', 'p3', { size: 2 }],
    stack('b4', 512, 3),
    ['maxpool', 'p4', { size: 2 }],
    stack('b5', 512, 3),
    ['maxpool', 'p5', { size: 2 }],
    ['flatten'],
    ['linear', 'fc6', { out: 4096 }],
    ['relu'],
    ['dropout', undefined, { rate: 0.5 }],
    ['linear', 'fc7', { out: 4096 }],
    ['relu'],
    ['dropout', undefined, { rate: 0.5 }],
    ['linear', 'fc8', { out: 1000 }],
  ]);
}

/** A ResNet-style stem and two residual blocks: each block adds its input (`r0` of the block before). */
export function residual(b = new SpecBuilder()): ModelSpec {
  return b.model('resblocks', { kind: 'tensor', shape: [3, 32, 32], classes: 10 }, [
    ['conv', 'stem', { out: 16, kernel: 3, padding: 1 }],
    ['batchnorm', 'bn0'],
    ['relu', 'r0'],
    {
      repeat: 2,
      body: [
        ['conv', 'a', { out: 16, kernel: 3, padding: 'same' }],
        ['batchnorm', 'bna'],
        ['relu'],
        ['conv', 'b', { out: 16, kernel: 3, padding: 1 }],
        ['batchnorm', 'bnb'],
        ['add', 'sum', { from: 'r0' }],
        ['relu', 'r0'],
      ],
    },
    ['avgpool', 'gap', { size: 32 }],
    ['flatten'],
    ['linear', 'fc', { out: 10 }],
  ]);
}

export const CORA = { dataset: 'cora', nodes: 2708, features: 1433, classes: 7, edges: 5278 } as const;

/** The 2-layer GCN of Kipf & Welling on a Cora-sized graph (edges optional: aggregation MACs need them). */
export function gcn2(b = new SpecBuilder(), withEdges = true): ModelSpec {
  const { edges, ...rest } = CORA;
  return b.model('gcn2', { kind: 'graph', ...rest, ...(withEdges ? { edges } : {}) }, [
    ['gcn', 'g1', { out: 16 }],
    ['relu'],
    ['dropout', undefined, { rate: 0.5 }],
    ['gcn', 'g2', { out: 7 }],
  ]);
}

// ── Architectures ────────────────────────────────────────────────────────────────────────────────

/** A tile type in `.pim` terms: `units` IMAs of `perUnit` crossbars rows×rows (none: digital units only). */
export interface TileOptions {
  name: string;
  count: number;
  units?: number;
  perUnit: number;
  rows?: number;
}

/** A partition of tile types and GPUs (name and count). */
export interface PartitionOptions {
  name: string;
  tiles?: TileOptions[];
  gpus?: { name: string; count: number }[];
}

/** ISAAC-shaped: an 8-bit ADC per crossbar, 1-bit DACs on every row, a 64 KB eDRAM; a maxpool unit when digital. */
function tileText(t: TileOptions): string {
  if (!t.perUnit) return `tile ${t.name}[${t.count}] { maxpool }`;
  const rows = t.rows ?? 128;
  const ima = `crossbar[${t.perUnit}] { rows: ${rows}, cols: ${rows}, cell: reram2b }\n adc[${t.perUnit}]\n dac[${t.perUnit} * ${rows}]`;
  return `tile ${t.name}[${t.count}] {\n edram buffer { capacity: 64 KB }\n ima[${t.units ?? 1}] {\n ${ima}\n }\n }`;
}

/**
 * The architecture `name` with these partitions, written in `.pim` and compiled by the real compiler (the
 * mapping pass's unit tests take the IR the compiler gives it, not hand-built IR).
 */
export function architecture(name: string, parts: PartitionOptions[], clock = '1.2 GHz'): IrArchitecture {
  const body = parts.map(
    (p) =>
      `partition ${p.name} {\n${[...(p.tiles ?? []).map(tileText), ...(p.gpus ?? []).map((g) => `gpu ${g.name}[${g.count}]`)].join('\n')}\n}`,
  );
  const text = `device reram2b { bits_per_cell: 2 }\narchitecture ${name} {\n clock: ${clock}\n${body.join('\n')}\n}\n`;
  let arch = compiledArchitectures.get(text);
  if (!arch) {
    arch = deepFreeze(compileArchitecture(text));
    compiledArchitectures.set(text, arch);
  }
  return arch;
}

/** Architectures compiled so far, by text (a test asks for ISAAC dozens of times); frozen, as every test shares them. */
const compiledArchitectures = new Map<string, IrArchitecture>();

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

function compileArchitecture(text: string): IrArchitecture {
  const entry = '/fixtures/architecture.pim';
  const p = compile(entry, { host: { readFile: (f) => (f === entry ? text : undefined) } });
  const errors = p.diagnostics.filter((d) => d.severity === 'error');
  if (!p.ir || errors.length) throw new Error(`${text}\ndoes not compile: ${errors.map((d) => d.message).join('; ')}`);
  return p.ir.architectures[0]!;
}

/** ISAAC: 168 tiles × 12 IMAs × 8 crossbars of 128×128 2-bit ReRAM cells = 16,128 crossbars. */
export function isaac(): IrArchitecture {
  return architecture('isaac', [{ name: 'main', tiles: [{ name: 'isaac_tile', count: 168, units: 12, perUnit: 8 }] }]);
}

/** ISAAC with a GPU partition added (for batchnorm). */
export function isaacWithGpu(): IrArchitecture {
  return architecture('isaac_gpu', [
    { name: 'main', tiles: [{ name: 'isaac_tile', count: 168, units: 12, perUnit: 8 }] },
    { name: 'gpu', gpus: [{ name: 'sm', count: 16 }] },
  ]);
}

/** The sketch's hetero3d: dense 128×128 tiles, sparse 16×16 tiles, a GPU partition. */
export function hetero3d(): IrArchitecture {
  return architecture(
    'hetero3d',
    [
      { name: 'dense', tiles: [{ name: 'rtile', count: 64, units: 8, perUnit: 8 }] },
      { name: 'sparse', tiles: [{ name: 'stile', count: 32, units: 8, perUnit: 64, rows: 16 }] },
      { name: 'gpu', gpus: [{ name: 'sm', count: 16 }] },
    ],
    '1 GHz',
  );
}

/** One partition `main` with `count` tiles of `perTile` 128×128 2-bit crossbars. */
export function small(count: number, perTile: number, name = 'small'): IrArchitecture {
  return architecture(name, [{ name: 'main', tiles: [{ name: 'tiny_tile', count, perUnit: perTile }] }]);
}

export const bitsPerCell = (t: IrTileType): number => t.crossbar?.bits_per_cell ?? 1;

// ── Mapping specs ────────────────────────────────────────────────────────────────────────────────

/** Place rules with synthetic spans: rule k spans [10000 + 100k, …), pattern i at +10i, `on` at +80. */
export function rules(
  defs: { targets: string[]; on: string; options?: Record<string, LayerAttr> }[],
  uri = 'map.pim',
): PlaceRuleSpec[] {
  return defs.map((d, k) => {
    const start = 10_000 + 100 * k;
    return {
      targets: d.targets,
      on: d.on,
      options: d.options ?? {},
      span: { start, end: start + 95 },
      targetSpans: d.targets.map((_, i) => ({ start: start + 10 * (i + 1), end: start + 10 * (i + 1) + 5 })),
      onSpan: { start: start + 80, end: start + 85 },
      uri,
    };
  });
}

export function mapping(
  model: IrModel,
  arch: IrArchitecture,
  placeRules: PlaceRuleSpec[],
  opts: { replicate?: MappingSpec['replicate']; weight_bits?: number; input_bits?: number; name?: string } = {},
): MappingSpec {
  return {
    name: opts.name ?? `${model.name}_on_${arch.name}`,
    uri: 'map.pim',
    span: { start: 9_000, end: 9_900 },
    nameSpan: { start: 9_008, end: 9_020 },
    model,
    architecture: arch,
    bitsPerCell,
    weight_bits: opts.weight_bits ?? 16,
    input_bits: opts.input_bits ?? 16,
    replicate: opts.replicate ?? 'none',
    rules: placeRules,
  };
}
