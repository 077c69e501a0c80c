// Hand-built inputs for the models and mapping passes: model specs (LeNet-5, VGG-16, a residual block,
// a 2-layer GCN on Cora) and IrArchitecture objects following compiler/src/ir/types.ts (ISAAC-like,
// a 3D heterogeneous dense/sparse/GPU system, and small ones for capacity tests). Spans are synthetic:
// every layer gets its own, so tests can check that a diagnostic points at the right layer.
import type { Span } from '@pim/grammar';
import type { IrArchitecture, IrComponent, IrGpu, IrModel, IrPartition, IrTileType } from '@pim/compiler';
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

export interface TileOptions {
  name: string;
  partition?: string;
  count: number;
  units_per_tile?: number;
  crossbars_per_unit: number;
  /** Omit rows to build a tile without crossbars (digital units only). */
  rows?: number;
  cols?: number;
  bits_per_cell?: number;
  device?: string;
  power_w?: number;
  area_m2?: number;
}

/** A tile type shaped like ISAAC's by default (ADC 8 bit at 1.28 GS/s, 1-bit DACs, 64 KB eDRAM). */
export function tileType(o: TileOptions): IrTileType {
  const units = o.units_per_tile ?? 1;
  const t: IrTileType = {
    name: o.name,
    path: `arch.${o.name}`,
    partition: o.partition ?? 'main',
    count: o.count,
    units_per_tile: units,
    crossbars_per_unit: o.rows === undefined ? 0 : o.crossbars_per_unit,
    crossbars_per_tile: o.rows === undefined ? 0 : units * o.crossbars_per_unit,
    adcs_per_unit: o.rows === undefined ? 0 : o.crossbars_per_unit,
    adc: {
      resolution_bits: 8,
      rate_hz: 1.28e9,
      power_w: 2e-3,
      area_m2: 0.0012e-6,
      energy_per_conversion_j: 2e-3 / 1.28e9,
    },
    dacs_per_unit: o.rows === undefined ? 0 : o.crossbars_per_unit * o.rows,
    dac_bits: 1,
    buffer_bits: 64 * 1024 * 8,
    buffer_access_energy_j: 20.7e-3 / 1.2e9,
    buffer_bandwidth_bps: 256 * 1.2e9,
    power_w: o.power_w ?? 0.33,
    area_m2: o.area_m2 ?? 0.372e-6,
  };
  if (o.rows !== undefined) {
    t.crossbar = {
      rows: o.rows,
      cols: o.cols ?? o.rows,
      device: o.device ?? 'reram2b',
      bits_per_cell: o.bits_per_cell ?? 2,
      read_latency_s: 100e-9,
      power_w: 0.3e-3,
      area_m2: 25e-12,
      read_energy_j: 0.3e-3 * 100e-9,
    };
  }
  return t;
}

export function gpu(name: string, count: number, partition = 'gpu'): IrGpu {
  return {
    name,
    path: `arch.${partition}.${name}`,
    partition,
    count,
    peak_flops: 1e12,
    memory_bandwidth_bps: 200e9 * 8,
    power_w: 5,
    area_m2: 10e-6,
  };
}

function leaf(name: string, kind: string, count: number, path: string, power_w: number, area_m2: number): IrComponent {
  return {
    name,
    kind,
    path,
    count,
    total_count: count,
    shared_by: 1,
    attributes: {},
    power_w,
    area_m2,
    own_power_w: power_w,
    own_area_m2: area_m2,
    power_source: 'stated',
    area_source: 'stated',
    children: [],
  };
}

/** An IrArchitecture from partitions of tile types and GPUs; totals and the component tree are summed. */
export function architecture(
  name: string,
  parts: { name: string; tier?: number; tiles?: IrTileType[]; gpus?: IrGpu[] }[],
  clock_hz = 1.2e9,
): IrArchitecture {
  const tileTypes = parts.flatMap((p) =>
    (p.tiles ?? []).map((t) => ({ ...t, partition: p.name, path: `${name}.${t.name}` })),
  );
  const gpus = parts.flatMap((p) =>
    (p.gpus ?? []).map((g) => ({ ...g, partition: p.name, path: `${name}.${g.name}` })),
  );
  const partitions: IrPartition[] = parts.map((p, i) => ({
    name: p.name,
    kind: (p.tiles ?? []).some((t) => t.crossbar) ? 'reram' : (p.gpus ?? []).length > 0 ? 'gpu' : 'digital',
    tier: p.tier ?? i,
    tiles: (p.tiles ?? []).map((t) => t.name),
    gpus: (p.gpus ?? []).map((g) => g.name),
  }));
  const children = [
    ...tileTypes.map((t) => leaf(t.name, 'tile', t.count, t.path, t.power_w, t.area_m2)),
    ...gpus.map((g) => leaf(g.name, 'gpu', g.count, g.path, g.power_w, g.area_m2)),
  ];
  const power = children.reduce((s, c) => s + c.count * c.power_w, 0);
  const area = children.reduce((s, c) => s + c.count * c.area_m2, 0);
  const root: IrComponent = {
    ...leaf(name, 'architecture', 1, name, power, area),
    own_power_w: 0,
    own_area_m2: 0,
    power_source: 'children',
    area_source: 'children',
    children,
  };
  return {
    name,
    clock_hz,
    weight_bits: 16,
    input_bits: 16,
    root,
    partitions,
    tile_types: tileTypes,
    gpus,
    links: [],
    totals: {
      power_w: power,
      area_m2: area,
      crossbars: tileTypes.reduce((s, t) => s + t.count * t.crossbars_per_tile, 0),
      tiles: tileTypes.reduce((s, t) => s + t.count, 0),
      gpus: gpus.reduce((s, g) => s + g.count, 0),
    },
    breakdown: [],
  };
}

/** ISAAC: 168 tiles × 12 IMAs × 8 crossbars of 128×128 2-bit ReRAM cells = 16,128 crossbars. */
export function isaac(): IrArchitecture {
  return architecture('isaac', [
    {
      name: 'main',
      tiles: [tileType({ name: 'isaac_tile', count: 168, units_per_tile: 12, crossbars_per_unit: 8, rows: 128 })],
    },
  ]);
}

/** ISAAC with a GPU partition added (for batchnorm). */
export function isaacWithGpu(): IrArchitecture {
  return architecture('isaac_gpu', [
    {
      name: 'main',
      tiles: [tileType({ name: 'isaac_tile', count: 168, units_per_tile: 12, crossbars_per_unit: 8, rows: 128 })],
    },
    { name: 'gpu', gpus: [gpu('sm', 16)] },
  ]);
}

/** The sketch's hetero3d: dense 128×128 tiles, sparse 16×16 tiles, a GPU partition. */
export function hetero3d(): IrArchitecture {
  return architecture(
    'hetero3d',
    [
      {
        name: 'dense',
        tiles: [tileType({ name: 'rtile', count: 64, units_per_tile: 8, crossbars_per_unit: 8, rows: 128 })],
      },
      {
        name: 'sparse',
        tiles: [tileType({ name: 'stile', count: 32, units_per_tile: 8, crossbars_per_unit: 64, rows: 16 })],
      },
      { name: 'gpu', gpus: [gpu('sm', 16)] },
    ],
    1e9,
  );
}

/** One partition `main` with `count` tiles of `perTile` 128×128 2-bit crossbars. */
export function small(count: number, perTile: number, name = 'small'): IrArchitecture {
  return architecture(name, [
    { name: 'main', tiles: [tileType({ name: 'tiny_tile', count, crossbars_per_unit: perTile, rows: 128 })] },
  ]);
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
