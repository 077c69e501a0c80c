// `simulate(ir, {mapping})`: one mapping's inference pipeline (time, energy, NoC), its training experiments,
// its GNN sparse partition, and the chip's peak figures — a pure function of the IR (and the graph data).
import type { IrArchitecture, IrLayer, IrProgram } from '@pim/compiler';
import type { GnnReport, GraphLike } from '../gnn/index.js';
import { counterpart, meshFromIr, type Mesh } from '../noc/mesh.js';
import { placeUnits, type UnitPlacement } from '../noc/place.js';
import { routeFlows, type Flow, type NocResult } from '../noc/traffic.js';
import { tileModel, type TileModel } from './arch.js';
import { analyzeMappedGraph } from './graph.js';
import { chipPeak } from './peak.js';
import { overlappedLatency } from './overlap.js';
import { SimError } from './errors.js';
import { aggregateLayer, crossbarLayer, digitalLayer, gpuLayer } from './inference.js';
import { resolveMapping, type Resolved } from './resolve.js';
import { trainingCost } from './training.js';
import type { LayerReport, NocSummary, SimReport, StageReport } from './types.js';

export interface SimulateOptions {
  /** Mapping to simulate; default the first. */
  mapping?: string;
  /** Folder that relative dataset paths are resolved against (the .pim file's folder); default the cwd. */
  dataRoot?: string;
  /** A graph to use instead of loading the model's dataset. */
  graph?: GraphLike;
  /** Fraction of a mapped tile's power it draws while idle (leakage, eDRAM refresh); default 0.1. */
  idleFraction?: number;
  blockSizes?: number[];
  /** Per-link and per-router NoC lists, the 2D/3D counterpart, GNN sweep (default true); off for fast evaluation loops. */
  detail?: boolean;
}

export const DEFAULT_IDLE_FRACTION = 0.1;

// Derived figures are cached per IR object: the simulator treats the IR as immutable (evaluation loops
// build a new IR per design point rather than editing one in place).
const tileCache = new WeakMap<IrArchitecture, { tiles: Map<string, TileModel>; warnings: string[] }>();
const unitCache = new WeakMap<IrArchitecture, Map<string, { mesh: Mesh; units: UnitPlacement }>>();

function placedMesh(arch: IrArchitecture, key: string, make: () => Mesh, useTiers: boolean): { mesh: Mesh; units: UnitPlacement } {
  let m = unitCache.get(arch);
  if (!m) unitCache.set(arch, (m = new Map()));
  let e = m.get(key);
  if (!e) {
    const mesh = make();
    m.set(key, (e = { mesh, units: placeUnits(arch, mesh, useTiers) }));
  }
  return e;
}

function tileModels(arch: IrArchitecture): { tiles: Map<string, TileModel>; warnings: string[] } {
  let c = tileCache.get(arch);
  if (!c) {
    const warnings: string[] = [];
    c = { tiles: new Map(arch.tile_types.map((t) => [t.name, tileModel(arch, t, warnings)])), warnings };
    tileCache.set(arch, c);
  }
  return c;
}

const prod = (s: number[]): number => {
  let p = 1;
  for (const x of s) p *= x;
  return p;
};

/** The ISAAC paper's figures (as quoted by the seed and models.md), printed beside ours, never fitted. */
export function publishedFor(arch: IrArchitecture): SimReport['summary']['published'] {
  if (!/isaac/i.test(arch.name)) return undefined;
  return { source: 'ISAAC (Shafiee et al., ISCA 2016), seed table', peak_ops_per_s: 41.3e12, ops_per_s_per_m2: 479e9 / 1e-6, area_m2: 85.4e-6, power_w: 65.8 };
}

const resolvedCache = new WeakMap<IrProgram, Map<string, Resolved>>();

function resolved(ir: IrProgram, mapping: string | undefined): Resolved {
  let m = resolvedCache.get(ir);
  if (!m) resolvedCache.set(ir, (m = new Map()));
  const key = mapping ?? '';
  let r = m.get(key);
  if (!r) m.set(key, (r = resolveMapping(ir, mapping)));
  return r;
}

export function simulate(ir: IrProgram, opts: SimulateOptions = {}): SimReport {
  const r = typeof ir === 'object' && ir !== null ? resolved(ir, opts.mapping) : resolveMapping(ir, opts.mapping);
  const { arch, model, mapping } = r;
  const detail = opts.detail !== false;
  const idleFraction = opts.idleFraction ?? DEFAULT_IDLE_FRACTION;
  const clock = arch.clock_hz;
  const tm = tileModels(arch);
  const tiles = tm.tiles;
  const warnings = new Set<string>([...tm.warnings, ...r.warnings]);
  const inputBits = mapping.input_bits;

  // GNN: the adjacency plan decides how many sparse tiles the aggregation takes.
  const graphModel = model.input.kind === 'graph';
  const gnn: GnnReport | null = graphModel && (r.adjacency.size > 0 || detail) ? analyzeMappedGraph(r, tiles, { ...opts, detail }) : null;

  // Crossbars per layer, consecutively per tile type, so small layers share a tile as the compiler packs
  // them; a layer's tiles are those its crossbars fall in (the NoC places a type's tiles along a snake).
  const cursor = new Map<string, number>();
  const take = (tt: string, crossbars: number): [number, number] => {
    const per = tiles.get(tt)!.tt.crossbars_per_tile || 1;
    const start = cursor.get(tt) ?? 0;
    cursor.set(tt, start + crossbars);
    const first = Math.floor(start / per);
    const last = Math.floor((start + Math.max(1, crossbars) - 1) / per);
    return [first, last - first + 1];
  };
  const chips = typeof arch.root.attributes['chips'] === 'number' ? Math.max(1, arch.root.attributes['chips'] as number) : 1;

  const layers: LayerReport[] = [];
  const stages: StageReport[] = [];
  const busy: { tile?: TileModel; tiles: number; busy_tile_s: number }[] = [];
  /** Busy time per image of each GPU partition (its cores work on one layer at a time). */
  const gpuBusy = new Map<string, number>();
  const hostsOf: { kind: 'tile' | 'gpu' | 'io'; name: string; start: number; count: number }[] = [];
  const hostOfLayer = new Map<string, number>();
  interface Transfer {
    from: number;
    to: number;
    bits: number;
    group: string;
    manyToFew?: boolean;
    gpu?: boolean;
  }
  const transfers: Transfer[] = [];
  hostsOf.push({ kind: 'io', name: 'io', start: 0, count: 1 });
  let cur = 0;
  let curTile: TileModel | undefined;
  let curTiles = 0;
  let stage: StageReport | undefined;
  const gpuPlan: NonNullable<SimReport['gpu']> = { layers: [], transfer_bits: 0, transfer_latency_s: 0 };
  const actBits = (l: IrLayer): number => prod(l.input_shape) * inputBits;
  const newStage = (name: string): StageReport => {
    const s = { name, layers: [], period_s: 0, latency_s: 0 };
    stages.push(s);
    return s;
  };
  const joinStage = (s: StageReport, rep: LayerReport): void => {
    s.layers.push(rep.name);
    s.period_s = Math.max(s.period_s, rep.time_s);
    s.latency_s += rep.latency_s;
  };
  const moveTo = (host: number, bits: number, label: string, manyToFew = false): void => {
    if (host !== cur) {
      const gpu = hostsOf[cur]!.kind === 'gpu' || hostsOf[host]!.kind === 'gpu';
      transfers.push({ from: cur, to: host, bits, group: hostsOf[cur]!.kind === 'io' ? 'input' : label, manyToFew, gpu });
      // Partition crossings to and from the GPU (over TSVs in a stacked chip).
      if (gpu) gpuPlan.transfer_bits += bits;
    }
    cur = host;
  };

  for (const layer of model.layers) {
    const p = r.placements[layer.index];
    if (p?.engine === 'crossbar') {
      const t = tiles.get(p.target)!;
      const res = crossbarLayer(t, layer, p, inputBits, clock);
      const [start, count] = take(p.target, p.crossbar!.crossbars_total);
      hostsOf.push({ kind: 'tile', name: p.target, start, count });
      const h = hostsOf.length - 1;
      moveTo(h, actBits(layer), `→${layer.name}`);
      hostOfLayer.set(layer.name, h);
      layers.push(res.report);
      busy.push({ tile: t, tiles: p.crossbar!.crossbars_total / (t.tt.crossbars_per_tile || 1), busy_tile_s: res.busy_tile_s });
      stage = newStage(layer.name);
      joinStage(stage, res.report);
      curTile = t;
      curTiles = count;
      const plan = gnn?.layers.find((a) => a.layer === layer.name);
      if (plan) {
        const st = tiles.get(plan.target)!;
        const agg = aggregateLayer(st, plan, layer, inputBits, clock);
        const [as, ac] = take(plan.target, plan.crossbars);
        hostsOf.push({ kind: 'tile', name: plan.target, start: as, count: ac });
        // V→E: each stored block's crossbar receives the rows of XW it needs.
        moveTo(hostsOf.length - 1, plan.rows_needed * plan.features_out * inputBits, `${layer.name} V→E`, true);
        hostOfLayer.set(agg.report.name, cur);
        layers.push(agg.report);
        busy.push({ tile: st, tiles: plan.crossbars / (st.tt.crossbars_per_tile || 1), busy_tile_s: agg.busy_tile_s });
        stage = newStage(agg.report.name);
        joinStage(stage, agg.report);
        curTile = st;
        curTiles = ac;
      }
    } else if (p?.engine === 'gpu') {
      const g = r.gpus.get(p.target)!;
      const rep = gpuLayer(g, layer, p);
      const onGpu = hostsOf[cur]?.kind === 'gpu' && hostsOf[cur]!.name === g.name;
      if (!onGpu) hostsOf.push({ kind: 'gpu', name: g.name, start: 0, count: g.count });
      moveTo(onGpu ? cur : hostsOf.length - 1, actBits(layer), `→${layer.name}`);
      hostOfLayer.set(layer.name, cur);
      layers.push(rep);
      gpuPlan.layers.push({ name: layer.name, kind: layer.kind, cost: rep.gpu! });
      gpuBusy.set(g.name, (gpuBusy.get(g.name) ?? 0) + rep.time_s);
      stage = newStage(layer.name);
      joinStage(stage, rep);
      curTile = undefined;
      curTiles = 0;
    } else {
      // Digital layers run beside their producer; a layer that opens the model runs on its target tile.
      if (cur === 0 && p) {
        const t = tiles.get(p.target);
        if (t) {
          const [start] = take(p.target, 0);
          hostsOf.push({ kind: 'tile', name: p.target, start, count: 1 });
          moveTo(hostsOf.length - 1, actBits(layer), `→${layer.name}`);
          curTile = t;
          curTiles = 1;
        }
      }
      // A GPU host runs its digital neighbours on the GPU: the roofline covers them.
      if (hostsOf[cur]?.kind === 'gpu') {
        const g = r.gpus.get(hostsOf[cur]!.name)!;
        const gr = gpuLayer(g, layer, { layer: layer.name, index: layer.index, kind: layer.kind, engine: 'gpu', partition: g.partition, target: g.name });
        layers.push(gr);
        gpuPlan.layers.push({ name: layer.name, kind: layer.kind, cost: gr.gpu! });
        gpuBusy.set(g.name, (gpuBusy.get(g.name) ?? 0) + gr.time_s);
        if (!stage) stage = newStage(layer.name);
        joinStage(stage, gr);
      } else {
        const rep = digitalLayer(layer, p, curTile, curTiles, clock, warnings);
        layers.push(rep);
        if (!stage) stage = newStage(layer.name);
        joinStage(stage, rep);
      }
      hostOfLayer.set(layer.name, cur);
      if (layer.kind === 'add' && layer.from) {
        const src = hostOfLayer.get(layer.from);
        if (src === undefined) throw new SimError(`models[${model.name}].layers[${layer.name}].from`, `names '${layer.from}', which is not an earlier layer`);
        if (src !== cur) transfers.push({ from: src, to: cur, bits: prod(layer.output_shape) * inputBits, group: `${layer.from}⇢${layer.name}` });
      }
    }
  }
  const outBits = prod(model.output_shape) * inputBits;
  const inBits = model.input.kind === 'tensor' ? prod(model.input.shape) * inputBits : model.input.nodes * model.input.features * inputBits;
  if (cur !== 0) {
    const gpu = hostsOf[cur]!.kind === 'gpu';
    transfers.push({ from: cur, to: 0, bits: outBits, group: 'output', gpu });
    if (gpu) gpuPlan.transfer_bits += outBits;
  }

  // NoC: the declared topology, and its 2D/3D counterpart with the same routers.
  const noc = arch.noc;
  let declared: NocResult | undefined;
  let other: NocResult | undefined;
  let declaredMesh: Mesh | undefined;
  const buildFlows = (units: UnitPlacement): { flows: Flow[]; concentration: number[] } => {
    const nodesOf = (h: number): ArrayLike<number> => {
      const host = hostsOf[h]!;
      if (host.kind === 'io') return [units.ioNode];
      const all = host.kind === 'gpu' ? units.gpuNodes.get(host.name)! : units.tileNodes.get(host.name)!;
      return all.subarray(Math.min(host.start, all.length - 1), Math.min(all.length, host.start + Math.max(1, host.count)));
    };
    return {
      flows: transfers.map((t) => ({ group: t.group, src: nodesOf(t.from), dst: nodesOf(t.to), bits: t.bits, manyToFew: t.manyToFew === true })),
      concentration: units.concentration,
    };
  };
  let declaredConc: number[] = [];
  let otherConc: number[] = [];
  const linkBwAll = arch.links.reduce((s, l) => s + l.bandwidth_bps * l.count, 0);
  const linkPowerAll = arch.links.reduce((s, l) => s + l.power_w * l.count, 0);
  if (noc && noc.topology !== undefined) {
    // Chips form a chain; each chip's links are split between its two neighbours.
    const chipLinks = chips > 1 && linkBwAll > 0 ? { chips, bandwidth: linkBwAll / chips / 2, latency: noc.hop_latency_s, energyPerBit: linkPowerAll / linkBwAll } : undefined;
    if (chips > 1 && !chipLinks) warnings.add(`architecture '${arch.name}' has ${chips} chips but no off-chip links: chips treated as one mesh`);
    const d = placedMesh(arch, 'declared', () => meshFromIr(noc, chipLinks), true);
    declaredMesh = d.mesh;
    const f = buildFlows(d.units);
    declaredConc = f.concentration;
    declared = routeFlows(declaredMesh, f.flows, detail);
    if (detail && declaredMesh.chips === 1 && (noc.topology === 'mesh' || noc.topology === 'mesh3d')) {
      const dm = declaredMesh;
      const c = placedMesh(arch, 'counterpart', () => counterpart(dm), false);
      const g = buildFlows(c.units);
      otherConc = g.concentration;
      other = routeFlows(c.mesh, g.flows, detail);
    }
  } else warnings.add(`architecture '${arch.name}' declares no noc: on-chip transfers are not costed`);

  // Off-chip I/O over the links (HyperTransport): the image in, the result out.
  // Inputs arrive on the first chip's links.
  const ioBw = linkBwAll / chips;
  const ioPower = linkPowerAll / chips;
  const ioBits = inBits + outBits;
  const ioTime = ioBw > 0 ? ioBits / ioBw : 0;

  // Pipeline: the slowest stage after replication, unless the NoC's hottest link or the I/O is slower.
  let period = 0;
  let bottleneck = 'none';
  for (const s of stages)
    if (s.period_s > period) {
      period = s.period_s;
      bottleneck = `stage ${s.name}`;
    }
  if (declared && declared.hottest_link_time_s > period) {
    period = declared.hottest_link_time_s;
    bottleneck = 'noc hottest link';
  }
  if (ioTime > period) {
    period = ioTime;
    bottleneck = 'off-chip links';
  }
  const nocLatency = declared?.latency_s ?? 0;
  const latency = stages.reduce((s, st) => s + st.latency_s, 0) + nocLatency + ioTime;
  const latencyOverlapped = overlappedLatency(model, stages) + nocLatency + ioTime;

  // Energy per inference.
  const components = new Map<string, number>();
  const addKind = (k: string, j: number): void => {
    if (j > 0) components.set(k, (components.get(k) ?? 0) + j);
  };
  let compute = 0;
  let buffer = 0;
  for (const l of layers) {
    const e = l.energy_by_kind;
    for (const k in e) addKind(k, e[k]!);
    compute += l.energy_j;
    buffer += l.energy_by_kind['edram'] ?? 0;
  }
  compute -= buffer;
  const nocEnergy = declared?.energy_j ?? 0;
  addKind('noc', nocEnergy);
  const ioEnergy = ioPower * ioTime;
  addKind('link', ioEnergy);
  let idle = 0;
  for (const b of busy) {
    // Rounding leaves ~1e-23 J on a tile busy the whole period: below 1e-9 of its time, it is not idle.
    const free = b.tiles * period - b.busy_tile_s;
    if (b.tile && free > 1e-9 * b.tiles * period) idle += free * b.tile.power * idleFraction;
    // b.tiles counts the crossbars' share of tiles (layers may share a tile).
  }
  for (const [name, t] of gpuBusy) {
    const g = r.gpus.get(name)!;
    idle += Math.max(0, period - t) * g.power_w * g.count * idleFraction;
  }
  addKind('idle', idle);
  const energy = compute + buffer + nocEnergy + ioEnergy + idle;

  // Chip peak and totals.
  const { tileTypes, peakXbar, peakGpu } = chipPeak(arch, tiles, mapping.weight_bits, inputBits);
  const peak = peakXbar + peakGpu;
  const area = arch.totals.area_m2;
  const power = arch.totals.power_w;
  const opsPerInference = 2 * model.totals.macs;
  const throughput = period > 0 ? 1 / period : 0;

  const summarizeNoc = (n: NocResult | undefined, conc: number[]): NocSummary | undefined =>
    n && {
      topology: n.topology,
      dims: n.dims,
      routers: n.routers,
      concentration: conc,
      total_bits: n.total_bits,
      avg_hops: n.avg_hops,
      energy_j: n.energy_j,
      latency_s: n.latency_s,
      hottest: n.hottest,
      hottest_link_time_s: n.hottest_link_time_s,
      offchip_bits: n.offchip_bits,
      latency_share: latency > 0 ? n.latency_s / (latency - nocLatency + n.latency_s) : 0,
      energy_share: energy > 0 ? n.energy_j / (energy - nocEnergy + n.energy_j) : 0,
      groups: n.groups,
      routers_load: n.routers_load,
      links: n.links,
    };
  const declaredSummary = summarizeNoc(declared, declaredConc);
  const otherSummary = summarizeNoc(other, otherConc);

  // GPU partition: transfers in and out of it over the NoC (TSVs in 3D).
  if (gpuPlan.layers.length > 0 && declared) {
    const crossing = new Set(transfers.filter((t) => t.gpu).map((t) => t.group));
    gpuPlan.transfer_latency_s = declared.groups.filter((g) => crossing.has(g.group)).reduce((s, g) => s + g.latency_s, 0);
  }

  // DropLayer on the NoC: the V→E flows scaled to the bits DropLayer leaves.
  if (gnn && declared && declaredMesh) {
    for (const d of gnn.droplayer) {
      const g = declared.groups.find((x) => x.group === `${d.layer} V→E`);
      if (!g || !(d.base_bits > 0)) continue;
      const k = d.both_bits / d.base_bits;
      const serial = g.hottest_link_bits / declaredMesh.linkBandwidth;
      d.noc = { energy_j: g.energy_j, energy_dropped_j: g.energy_j * k, latency_s: g.latency_s, latency_dropped_s: g.latency_s - serial + serial * k };
    }
  }

  const report: SimReport = {
    tool: 'pim simulate',
    ir_version: ir.ir_version,
    mapping: mapping.name,
    model: model.name,
    architecture: arch.name,
    chips,
    summary: {
      peak_ops_per_s: peak,
      peak_crossbar_ops_per_s: peakXbar,
      peak_gpu_flops: peakGpu,
      ops_per_s_per_m2: area > 0 ? peak / area : 0,
      ops_per_w: power > 0 ? peak / power : 0,
      area_m2: area,
      power_w: power,
      crossbars: arch.totals.crossbars,
      crossbars_used: layers.reduce((s, l) => s + l.crossbars, 0),
      tiles: arch.totals.tiles,
      tiles_used: [...cursor.entries()].reduce((a, [name, n]) => a + Math.ceil(n / (tiles.get(name)!.tt.crossbars_per_tile || 1)), 0),
      latency_s: latency,
      latency_overlapped_s: latencyOverlapped,
      period_s: period,
      throughput_per_s: throughput,
      bottleneck,
      energy_per_inference_j: energy,
      ops_per_inference: opsPerInference,
      effective_ops_per_s: opsPerInference * throughput,
    },
    chip: {
      clock_hz: clock,
      tile_types: tileTypes,
      gpus: arch.gpus.map((g) => ({ name: g.name, count: g.count, peak_flops: g.peak_flops, memory_bandwidth_bps: g.memory_bandwidth_bps, power_w: g.power_w })),
      breakdown: arch.breakdown,
    },
    layers,
    stages,
    components: [...components.entries()].map(([kind, j]) => ({ kind, energy_j: j, share: energy > 0 ? j / energy : 0 })).sort((a, b) => b.energy_j - a.energy_j),
    energy: { compute_j: compute, buffer_j: buffer, noc_j: nocEnergy, io_j: ioEnergy, idle_j: idle, idle_fraction: idleFraction },
    io: { bits: ioBits, time_s: ioTime, bandwidth_bps: ioBw },
    noc: declaredSummary ? { declared: declaredSummary, counterpart: otherSummary ?? null } : null,
    gpu: gpuPlan.layers.length > 0 ? gpuPlan : null,
    training: [],
    gnn,
    warnings: [],
  };
  const pub = chips === 1 ? publishedFor(arch) : undefined;
  if (pub) report.summary.published = pub;
  for (const [name, used] of cursor) {
    const tt = r.tileTypes.get(name)!;
    const have = tt.count * tt.crossbars_per_tile;
    if (used > have) throw new SimError(`mappings[${mapping.name}]`, `needs ${used} crossbars of tile type '${name}' (weights and adjacency together), but the architecture has ${have}`);
  }
  for (const exp of ir.experiments) {
    if (exp.kind !== 'train' || exp.mapping !== mapping.name) continue;
    report.training.push(
      trainingCost({
        ir,
        exp,
        layers,
        stages,
        irLayers: model.layers,
        placements: r.placements,
        tiles,
        gpus: r.gpus,
        inputBits,
        // DropLayer thins the V→E flows while training (dropout and DropEdge are off at inference).
        nocEnergyPerInference: nocEnergy - (gnn?.droplayer ?? []).filter((d) => d.experiment === exp.name && d.noc).reduce((s, d) => s + d.noc!.energy_j - d.noc!.energy_dropped_j, 0),
        graph: graphModel,
        warnings,
      }),
    );
  }
  report.warnings = [...warnings];
  return report;
}
