// Hand-built IR that follows compiler/src/ir/types.ts exactly: the ISAAC chip from the seed's component
// table, a small heterogeneous 3D chip, and LeNet-5 / VGG-16 (CIFAR) / VGG-11-BN / GCN-2 models with
// mappings. The simulator's tests and benchmark run on it so they do not depend on the compiler, and it
// documents what the simulator expects the compiler to emit.
import type {
  AttrValue,
  IrAdcSpec,
  IrArchitecture,
  IrComponent,
  IrCrossbarSpec,
  IrDevice,
  IrGpu,
  IrLayer,
  IrMapping,
  IrModel,
  IrNoc,
  IrPartition,
  IrPlacement,
  IrProgram,
  IrTileType,
  IrInput,
  IrExperiment,
  IrDataset,
} from '@pim/ir';
import { findKind } from '@pim/ir';

const mW = 1e-3;
const uW = 1e-6;
const mm2 = 1e-6;
const ns = 1e-9;

export interface ComponentSpec {
  name: string;
  kind: string;
  count?: number;
  shared_by?: number;
  attributes?: Record<string, AttrValue>;
  /** Stated power/area of ONE copy of this node alone (before shared_by). */
  power_w?: number;
  area_m2?: number;
  energy_j?: number;
  latency_s?: number;
  children?: ComponentSpec[];
}

/** Builds an IrComponent tree, summing children the way the compiler does (figures per ONE copy). */
export function buildComponent(spec: ComponentSpec, parentPath = '', parentTotal = 1): IrComponent {
  const count = spec.count ?? 1;
  const shared = spec.shared_by ?? 1;
  const path = parentPath ? `${parentPath}.${spec.name}` : spec.name;
  const total = parentTotal * count;
  const children = (spec.children ?? []).map((c) => buildComponent(c, path, total));
  const ownP = (spec.power_w ?? 0) / shared;
  const ownA = (spec.area_m2 ?? 0) / shared;
  const power = ownP + children.reduce((s, c) => s + c.power_w * c.count, 0);
  const area = ownA + children.reduce((s, c) => s + c.area_m2 * c.count, 0);
  const comp: IrComponent = {
    name: spec.name,
    kind: spec.kind,
    path,
    count,
    total_count: total,
    shared_by: shared,
    attributes: spec.attributes ?? {},
    power_w: power,
    area_m2: area,
    own_power_w: ownP,
    own_area_m2: ownA,
    power_source: spec.power_w !== undefined ? 'stated' : children.length ? 'children' : 'none',
    area_source: spec.area_m2 !== undefined ? 'stated' : children.length ? 'children' : 'none',
    children,
  };
  if (spec.energy_j !== undefined) comp.energy_j = spec.energy_j;
  if (spec.latency_s !== undefined) comp.latency_s = spec.latency_s;
  return comp;
}

function breakdownOf(root: IrComponent): IrArchitecture['breakdown'] {
  const m = new Map<string, { count: number; power_w: number; area_m2: number }>();
  const walk = (c: IrComponent): void => {
    if (c.own_power_w > 0 || c.own_area_m2 > 0 || c.children.length === 0) {
      const e = m.get(c.kind) ?? { count: 0, power_w: 0, area_m2: 0 };
      e.count += c.total_count;
      e.power_w += c.own_power_w * c.total_count;
      e.area_m2 += c.own_area_m2 * c.total_count;
      m.set(c.kind, e);
    }
    c.children.forEach(walk);
  };
  walk(root);
  return [...m.entries()].map(([kind, v]) => ({ kind, ...v }));
}

export const reram2b: IrDevice = {
  name: 'reram2b',
  technology: 'reram',
  bits_per_cell: 2,
  levels: 4,
  r_on_ohm: 100e3,
  r_off_ohm: 1e6,
  g_on_s: 1e-5,
  g_off_s: 1e-6,
  read_voltage_v: 0.2,
  read_latency_s: 100 * ns,
  write_latency_s: 50 * ns,
  write_energy_j: 0.1e-12,
  endurance: 1e8,
  variation: 0.02,
  stuck_at_zero: 0.001,
  stuck_at_one: 0.0005,
};

/** An ISAAC-style IMA: `xbars` crossbars rows×cols with one ADC each, 1-bit DACs on every row. */
function imaSpec(xbars: number, rows: number, cols: number, count: number, scale = 1): ComponentSpec {
  return {
    name: 'ima',
    kind: 'ima',
    count,
    children: [
      { name: 'crossbar', kind: 'crossbar', count: xbars, attributes: { rows, cols, cell: 'reram2b' }, power_w: 0.3 * mW * scale, area_m2: 0.000025 * mm2 * scale, latency_s: 100 * ns, energy_j: 0.3 * mW * scale * 100 * ns },
      { name: 'adc', kind: 'adc', count: xbars, attributes: { resolution: 8, rate: 1.28e9 }, power_w: 2 * mW, area_m2: 0.0012 * mm2, energy_j: (2 * mW) / 1.28e9 },
      { name: 'dac', kind: 'dac', count: xbars * rows, attributes: { resolution: 1 }, power_w: (4 * mW) / (8 * 128), area_m2: (0.00017 * mm2) / (8 * 128) },
      { name: 'sample_hold', kind: 'sample_hold', count: xbars * cols, power_w: (10 * uW) / (8 * 128), area_m2: (0.00004 * mm2) / (8 * 128) },
      { name: 'shift_add', kind: 'shift_add', count: 4, power_w: 0.05 * mW, area_m2: 0.00006 * mm2 },
      { name: 'input', kind: 'register', attributes: { capacity: 2 * 1024 * 8 }, power_w: 1.24 * mW, area_m2: 0.0021 * mm2 },
      { name: 'output', kind: 'register', attributes: { capacity: 256 * 8 }, power_w: 0.23 * mW, area_m2: 0.00077 * mm2 },
    ],
  };
}

/** ISAAC tile peripherals from the seed's table (router shared by 4 tiles). */
function tilePeripherals(): ComponentSpec[] {
  return [
    { name: 'buffer', kind: 'edram', attributes: { capacity: 64 * 1024 * 8, banks: 2, bus_width: 256 }, power_w: 20.7 * mW, area_m2: 0.083 * mm2 },
    { name: 'bus', kind: 'bus', attributes: { wires: 384 }, power_w: 7 * mW, area_m2: 0.09 * mm2 },
    { name: 'router', kind: 'router', shared_by: 4, attributes: { flit: 32, ports: 8 }, power_w: 42 * mW, area_m2: 0.151 * mm2 },
    { name: 'sigmoid', kind: 'sigmoid', count: 2, power_w: 0.26 * mW, area_m2: 0.0003 * mm2 },
    { name: 'shift_add', kind: 'shift_add', power_w: 0.05 * mW, area_m2: 0.00006 * mm2 },
    { name: 'maxpool', kind: 'maxpool', power_w: 0.4 * mW, area_m2: 0.00024 * mm2 },
    { name: 'output', kind: 'register', attributes: { capacity: 3 * 1024 * 8 }, power_w: 1.68 * mW, area_m2: 0.0032 * mm2 },
  ];
}

function tileType(tile: IrComponent, partition: string, clock: number): IrTileType {
  const ima = findKind(tile, 'ima');
  const unit = ima ?? tile;
  const xbar = findKind(unit, 'crossbar')!;
  const adc = findKind(unit, 'adc');
  const dac = findKind(unit, 'dac');
  const buf = findKind(tile, 'edram') ?? findKind(tile, 'sram');
  const busWidth = Number(buf?.attributes['bus_width'] ?? 256);
  const units = ima ? ima.count : 1;
  const crossbar: IrCrossbarSpec = {
    rows: Number(xbar.attributes['rows']),
    cols: Number(xbar.attributes['cols']),
    device: 'reram2b',
    bits_per_cell: 2,
    read_latency_s: xbar.latency_s ?? reram2b.read_latency_s,
    power_w: xbar.power_w,
    area_m2: xbar.area_m2,
    read_energy_j: xbar.energy_j ?? 0,
  };
  const tt: IrTileType = {
    name: tile.name,
    path: tile.path,
    partition,
    count: tile.total_count,
    units_per_tile: units,
    crossbars_per_unit: xbar.count,
    crossbars_per_tile: units * xbar.count,
    crossbar,
    adcs_per_unit: adc?.count ?? 0,
    dacs_per_unit: dac?.count ?? 0,
    dac_bits: Number(dac?.attributes['resolution'] ?? 1),
    buffer_bits: Number(buf?.attributes['capacity'] ?? 0),
    buffer_access_energy_j: buf ? buf.power_w / clock : 0,
    buffer_bandwidth_bps: busWidth * clock,
    power_w: tile.power_w,
    area_m2: tile.area_m2,
  };
  if (adc) {
    const spec: IrAdcSpec = {
      resolution_bits: Number(adc.attributes['resolution']),
      rate_hz: Number(adc.attributes['rate']),
      power_w: adc.power_w,
      area_m2: adc.area_m2,
      energy_per_conversion_j: adc.energy_j ?? adc.power_w / Number(adc.attributes['rate']),
    };
    tt.adc = spec;
  }
  return tt;
}

/** The ISAAC chip: 168 tiles × 12 IMAs × 8 crossbars 128×128, 4 HyperTransport links, 14×12 mesh. */
export function isaacArchitecture(): IrArchitecture {
  const clock = 1.2e9;
  const root = buildComponent({
    name: 'isaac',
    kind: 'architecture',
    children: [
      { name: 'isaac_tile', kind: 'tile', count: 168, children: [...tilePeripherals(), imaSpec(8, 128, 128, 12)] },
      { name: 'hypertransport', kind: 'link', count: 4, attributes: { frequency: 1.6e9, bandwidth: 6.4e9 * 8 }, power_w: 2.6, area_m2: 5.72 * mm2 },
    ],
  });
  const tile = root.children[0]!;
  const tt = tileType(tile, 'main', clock);
  const noc: IrNoc = {
    topology: 'mesh',
    dims: [14, 12],
    flit_bits: 32,
    hop_latency_s: 1 / clock,
    tiers: [],
    tsv_latency_s: 0,
    link_bandwidth_bps: 32 * clock,
    // 42 mW router / (8 ports × 32 bit × 1.2 GHz) = 0.137 pJ per bit per hop.
    energy_per_bit_hop_j: 0.042 / (8 * 32 * clock),
    router_power_w: 0.042,
  };
  return {
    name: 'isaac',
    clock_hz: clock,
    weight_bits: 16,
    input_bits: 16,
    root,
    partitions: [{ name: 'main', kind: 'reram', tier: 0, tiles: ['isaac_tile'], gpus: [] }],
    tile_types: [tt],
    gpus: [],
    noc,
    links: [{ name: 'hypertransport', count: 4, bandwidth_bps: 6.4e9 * 8, frequency_hz: 1.6e9, power_w: 2.6, area_m2: 5.72 * mm2 }],
    totals: { power_w: root.power_w, area_m2: root.area_m2, crossbars: 168 * 96, tiles: 168, gpus: 0 },
    breakdown: breakdownOf(root),
  };
}

/** A heterogeneous 3D chip: 96 dense tiles of 12 IMAs × 8 crossbars 128×128, 32 sparse tiles of 8 IMAs × 64 crossbars 16×16, 16 GPU cores; sparse 16×16 tiles and GPU cores on three tiers. */
export function hetero3dArchitecture(): IrArchitecture {
  const clock = 1e9;
  const root = buildComponent({
    name: 'hetero3d',
    kind: 'architecture',
    children: [
      { name: 'rtile', kind: 'tile', count: 96, children: [...tilePeripherals(), imaSpec(8, 128, 128, 12)] },
      { name: 'stile', kind: 'tile', count: 32, children: [...tilePeripherals(), imaSpec(64, 16, 16, 8, (16 * 16) / (128 * 128))] },
      { name: 'sm', kind: 'gpu', count: 16, attributes: { peak: 1e12, memory_bandwidth: 200e9 * 8 }, power_w: 5, area_m2: 10 * mm2 },
    ],
  });
  const [rt, st, sm] = root.children as [IrComponent, IrComponent, IrComponent];
  const tileTypes = [tileType(rt, 'dense', clock), tileType(st, 'sparse', clock)];
  const gpu: IrGpu = { name: 'sm', path: sm.path, partition: 'gpu', count: 16, peak_flops: 1e12, memory_bandwidth_bps: 200e9 * 8, power_w: 5, area_m2: 10 * mm2 };
  const partitions: IrPartition[] = [
    { name: 'dense', kind: 'reram', tier: 0, tiles: ['rtile'], gpus: [] },
    { name: 'sparse', kind: 'reram', tier: 1, tiles: ['stile'], gpus: [] },
    { name: 'gpu', kind: 'gpu', tier: 2, tiles: [], gpus: ['sm'] },
  ];
  return {
    name: 'hetero3d',
    clock_hz: clock,
    weight_bits: 16,
    input_bits: 16,
    root,
    partitions,
    tile_types: tileTypes,
    gpus: [gpu],
    noc: {
      topology: 'mesh3d',
      dims: [4, 4, 3],
      flit_bits: 32,
      hop_latency_s: 1 / clock,
      tiers: ['dense', 'sparse', 'gpu'],
      tsv_latency_s: 1 / clock,
      link_bandwidth_bps: 32 * clock,
      energy_per_bit_hop_j: 0.042 / (8 * 32 * clock),
      router_power_w: 0.042,
    },
    links: [],
    totals: { power_w: root.power_w, area_m2: root.area_m2, crossbars: tileTypes.reduce((s, t) => s + t.count * t.crossbars_per_tile, 0), tiles: 96 + 32, gpus: 16 },
    breakdown: breakdownOf(root),
  };
}

// ---- models -------------------------------------------------------------------------------------

type LayerSpec =
  | { kind: 'conv'; name?: string; out: number; kernel: number; padding?: number; stride?: number }
  | { kind: 'linear'; name?: string; out: number }
  | { kind: 'maxpool'; size: number }
  | { kind: 'relu' | 'flatten' | 'batchnorm' | 'dropout' | 'softmax'; name?: string }
  | { kind: 'gcn'; name?: string; out: number };

/** Shape inference for the layer kinds the reference models use (the compiler does this in general). */
export function buildModel(name: string, input: IrInput, specs: LayerSpec[]): IrModel {
  let shape = input.kind === 'tensor' ? input.shape.slice() : [input.nodes, input.features];
  const layers: IrLayer[] = [];
  specs.forEach((s, index) => {
    const inShape = shape.slice();
    const lname = ('name' in s && s.name) || `${s.kind}_${index}`;
    const layer: IrLayer = { index, name: lname, kind: s.kind, attributes: {}, input_shape: inShape, output_shape: [], macs: 0, params: 0, mvms: 0 };
    switch (s.kind) {
      case 'conv': {
        const [c, h, w] = inShape as [number, number, number];
        const p = s.padding ?? 0;
        const st = s.stride ?? 1;
        const oh = Math.floor((h + 2 * p - s.kernel) / st) + 1;
        const ow = Math.floor((w + 2 * p - s.kernel) / st) + 1;
        shape = [s.out, oh, ow];
        const k = c * s.kernel * s.kernel;
        layer.attributes = { out: s.out, kernel: s.kernel, padding: p, stride: st };
        layer.weights = { rows: k, cols: s.out };
        layer.mvms = oh * ow;
        layer.macs = k * s.out * oh * ow;
        layer.params = k * s.out + s.out;
        break;
      }
      case 'linear': {
        const k = inShape.reduce((a, b) => a * b, 1);
        shape = [s.out];
        layer.attributes = { out: s.out };
        layer.weights = { rows: k, cols: s.out };
        layer.mvms = 1;
        layer.macs = k * s.out;
        layer.params = k * s.out + s.out;
        break;
      }
      case 'gcn': {
        if (input.kind !== 'graph') throw new Error('gcn needs a graph input');
        const [n, f] = inShape as [number, number];
        shape = [n, s.out];
        layer.attributes = { out: s.out };
        layer.weights = { rows: f, cols: s.out };
        layer.mvms = n;
        const nnz = input.edges !== undefined ? 2 * input.edges + n : n;
        layer.macs = n * f * s.out + nnz * s.out;
        layer.params = f * s.out + s.out;
        break;
      }
      case 'maxpool': {
        const [c, h, w] = inShape as [number, number, number];
        shape = [c, Math.floor(h / s.size), Math.floor(w / s.size)];
        layer.attributes = { size: s.size };
        break;
      }
      case 'flatten':
        shape = [inShape.reduce((a, b) => a * b, 1)];
        break;
      case 'batchnorm':
        layer.params = 2 * inShape[0]!;
        break;
      default:
        break;
    }
    layer.output_shape = shape.slice();
    layers.push(layer);
  });
  const weightLayers = layers.filter((l) => l.weights).length;
  return {
    name,
    input,
    layers,
    output_shape: shape,
    totals: { macs: layers.reduce((s, l) => s + l.macs, 0), params: layers.reduce((s, l) => s + l.params, 0), weight_layers: weightLayers },
  };
}

/** LeNet-5 as the seed describes it; the trainer's fixtures (train/ir-builders.ts) use the same list. */
export const LENET5_LAYERS: LayerSpec[] = [
  { kind: 'conv', name: 'c1', out: 6, kernel: 5, padding: 2 },
  { kind: 'relu' },
  { kind: 'maxpool', size: 2 },
  { kind: 'conv', name: 'c2', out: 16, kernel: 5 },
  { kind: 'relu' },
  { kind: 'maxpool', size: 2 },
  { kind: 'flatten' },
  { kind: 'linear', name: 'f1', out: 120 },
  { kind: 'relu' },
  { kind: 'linear', name: 'f2', out: 84 },
  { kind: 'relu' },
  { kind: 'linear', name: 'f3', out: 10 },
];

export function lenet5(): IrModel {
  return buildModel('lenet5', { kind: 'tensor', shape: [1, 28, 28], classes: 10, dataset: 'mnist' }, LENET5_LAYERS);
}

/** VGG-16 for 32×32 CIFAR-10 inputs (13 conv + 512-512-10 classifier), optionally with batchnorm. */
export function vgg(name: string, cfg: (number | 'M')[], bn: boolean): IrModel {
  const specs: LayerSpec[] = [];
  let i = 0;
  for (const c of cfg) {
    if (c === 'M') specs.push({ kind: 'maxpool', size: 2 });
    else {
      specs.push({ kind: 'conv', name: `conv${++i}`, out: c, kernel: 3, padding: 1 });
      if (bn) specs.push({ kind: 'batchnorm', name: `bn${i}` });
      specs.push({ kind: 'relu' });
    }
  }
  specs.push({ kind: 'flatten' }, { kind: 'linear', name: 'fc1', out: 512 }, { kind: 'relu' }, { kind: 'linear', name: 'fc2', out: 512 }, { kind: 'relu' }, { kind: 'linear', name: 'fc3', out: 10 });
  return buildModel(name, { kind: 'tensor', shape: [3, 32, 32], classes: 10, dataset: 'cifar10' }, specs);
}
export const VGG16_CFG: (number | 'M')[] = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];
export const VGG11_CFG: (number | 'M')[] = [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'];

/** NeuroSim's VGG-8 for CIFAR-10: 6 conv layers (128-128-256-256-512-512) and 2 linear (1024, 10). */
export function vgg8(): IrModel {
  const specs: LayerSpec[] = [];
  let i = 0;
  for (const c of [128, 128, 'M', 256, 256, 'M', 512, 512, 'M'] as (number | 'M')[]) {
    if (c === 'M') specs.push({ kind: 'maxpool', size: 2 });
    else specs.push({ kind: 'conv', name: `conv${++i}`, out: c, kernel: 3, padding: 1 }, { kind: 'relu' });
  }
  specs.push({ kind: 'flatten' }, { kind: 'linear', name: 'fc1', out: 1024 }, { kind: 'relu' }, { kind: 'linear', name: 'fc2', out: 10 });
  return buildModel('vgg8', { kind: 'tensor', shape: [3, 32, 32], classes: 10, dataset: 'cifar10' }, specs);
}

export function gcn2(): IrModel {
  return buildModel('gcn2', { kind: 'graph', dataset: 'cora', nodes: 2708, features: 1433, classes: 7, edges: 5278 }, [
    { kind: 'gcn', name: 'g1', out: 16 },
    { kind: 'relu' },
    { kind: 'dropout' },
    { kind: 'gcn', name: 'g2', out: 7 },
  ]);
}

// ---- mappings -----------------------------------------------------------------------------------

/** Crossbar figures of one placement, the way ISAAC maps a K×N weight matrix with S bit slices. */
export function crossbarPlacement(layer: IrLayer, tt: IrTileType, weightBits: number, replication: number): NonNullable<IrPlacement['crossbar']> {
  const xb = tt.crossbar!;
  const slices = Math.ceil(weightBits / xb.bits_per_cell);
  const rowsNeeded = layer.weights!.rows;
  const colsNeeded = layer.weights!.cols * slices;
  const rowTiles = Math.ceil(rowsNeeded / xb.rows);
  const colTiles = Math.ceil(colsNeeded / xb.cols);
  const crossbars = rowTiles * colTiles;
  const total = crossbars * replication;
  return {
    rows_needed: rowsNeeded,
    cols_needed: colsNeeded,
    slices,
    row_tiles: rowTiles,
    col_tiles: colTiles,
    crossbars,
    replication,
    crossbars_total: total,
    tiles: Math.ceil(total / tt.crossbars_per_tile),
    utilization: (rowsNeeded * colsNeeded) / (crossbars * xb.rows * xb.cols),
  };
}

export interface MapOptions {
  name: string;
  /** Replication per weight layer name (default 1). */
  replicate?: Record<string, number>;
  /** Tile type for weight layers; GCN adjacency goes to `adjacencyTarget`. */
  target?: string;
  gpuKinds?: string[];
  adjacency?: { target: string; block: number; skip_zero_blocks: boolean; reorder: 'none' | 'rcm' };
}

/** A mapping: weight layers on crossbars, `gpuKinds` on the first GPU, everything else digital. */
export function buildMapping(model: IrModel, arch: IrArchitecture, opt: MapOptions): IrMapping {
  const tt = arch.tile_types.find((t) => t.name === (opt.target ?? arch.tile_types[0]!.name))!;
  const gpu = arch.gpus[0];
  const placements: IrPlacement[] = [];
  let lastTarget = tt.name;
  let lastPartition = tt.partition;
  for (const l of model.layers) {
    if (l.weights) {
      const rep = opt.replicate?.[l.name] ?? 1;
      placements.push({ layer: l.name, index: l.index, kind: l.kind, engine: 'crossbar', partition: tt.partition, target: tt.name, crossbar: crossbarPlacement(l, tt, arch.weight_bits, rep) });
      lastTarget = tt.name;
      lastPartition = tt.partition;
    } else if (gpu && opt.gpuKinds?.includes(l.kind)) {
      placements.push({ layer: l.name, index: l.index, kind: l.kind, engine: 'gpu', partition: gpu.partition, target: gpu.name });
      lastTarget = gpu.name;
      lastPartition = gpu.partition;
    } else {
      placements.push({ layer: l.name, index: l.index, kind: l.kind, engine: 'digital', partition: lastPartition, target: lastTarget });
    }
  }
  const used = placements.reduce((s, p) => s + (p.crossbar?.crossbars_total ?? 0), 0);
  const tilesUsed = placements.reduce((s, p) => s + (p.crossbar?.tiles ?? 0), 0);
  const adjacency = opt.adjacency
    ? model.layers
        .filter((l) => l.kind === 'gcn')
        .map((l) => {
          const a = opt.adjacency!;
          const t = arch.tile_types.find((x) => x.name === a.target)!;
          return { layer: l.name, partition: t.partition, target: a.target, block: a.block, skip_zero_blocks: a.skip_zero_blocks, reorder: a.reorder };
        })
    : [];
  return {
    name: opt.name,
    model: model.name,
    architecture: arch.name,
    weight_bits: arch.weight_bits,
    input_bits: arch.input_bits,
    replicate: opt.replicate ? 'balanced' : 'none',
    placements,
    adjacency,
    totals: { crossbars_used: used, crossbars_available: arch.totals.crossbars, tiles_used: tilesUsed },
  };
}

function emptyProgram(): IrProgram {
  return { ir_version: '1.0.0', sources: ['reference.pim'], constants: {}, devices: [reram2b], architectures: [], models: [], datasets: [], mappings: [], experiments: [], explorations: [] };
}

/** ISAAC with LeNet-5 (balanced: c1 ×8, c2 ×1), VGG-16 and VGG-8 (CIFAR, no replication), plus a LeNet-5 train experiment. */
export function isaacProgram(): IrProgram {
  const ir = emptyProgram();
  const arch = isaacArchitecture();
  const lenet = lenet5();
  const vgg16 = vgg('vgg16', VGG16_CFG, false);
  const v8 = vgg8();
  ir.architectures.push(arch);
  ir.models.push(lenet, vgg16, v8);
  ir.mappings.push(buildMapping(lenet, arch, { name: 'lenet_on_isaac', replicate: { c1: 8, c2: 1, f1: 1, f2: 1, f3: 1 } }));
  ir.mappings.push(buildMapping(vgg16, arch, { name: 'vgg16_on_isaac' }));
  ir.mappings.push(buildMapping(v8, arch, { name: 'vgg8_on_isaac' }));
  const mnist: IrDataset = { name: 'mnist', source: 'builtin', set: 'mnist', kind: 'image', shape: [1, 28, 28], classes: 10, attributes: {} };
  ir.datasets.push(mnist);
  const train: IrExperiment = { kind: 'train', name: 'lenet_train', mapping: 'lenet_on_isaac', dataset: 'mnist', epochs: 5, batch: 64, seed: 1, numerics: { ideal: true, activation_bits: 16 } };
  ir.experiments.push(train);
  return ir;
}

/** The 3D heterogeneous chip with VGG-11-BN (BN on the GPU tier) and GCN-2 on Cora (adjacency on the sparse tier). */
export function heteroProgram(dataPath = 'data/cora'): IrProgram {
  const ir = emptyProgram();
  const arch = hetero3dArchitecture();
  const vgg11 = vgg('vgg11bn', VGG11_CFG, true);
  const gcn = gcn2();
  ir.architectures.push(arch);
  ir.models.push(vgg11, gcn);
  ir.mappings.push(buildMapping(vgg11, arch, { name: 'vgg_on_hetero', target: 'rtile', gpuKinds: ['batchnorm'] }));
  ir.mappings.push(buildMapping(gcn, arch, { name: 'gcn_on_hetero', target: 'rtile', adjacency: { target: 'stile', block: 16, skip_zero_blocks: true, reorder: 'rcm' } }));
  ir.datasets.push({ name: 'cora', source: 'planetoid', set: 'cora', path: dataPath, kind: 'graph', shape: [2708, 1433], classes: 7, attributes: {} });
  ir.experiments.push({ kind: 'train', name: 'gcn_train', mapping: 'gcn_on_hetero', dataset: 'cora', epochs: 200, batch: 1, seed: 7, droplayer: { dropout: 0.5, dropedge: 0.3 }, numerics: { ideal: true, activation_bits: 16 } });
  ir.experiments.push({ kind: 'train', name: 'vgg_train', mapping: 'vgg_on_hetero', dataset: 'cifar10', epochs: 10, batch: 64, seed: 3, numerics: { ideal: true, activation_bits: 16 } });
  ir.datasets.push({ name: 'cifar10', source: 'synthetic', kind: 'image', shape: [3, 32, 32], classes: 10, attributes: { samples: 50000 } });
  return ir;
}
