// `simulate(ir, {mapping})`: one mapping's inference pipeline (time, energy, NoC), its training experiments,
// its GNN sparse partition, and the chip's peak figures — a pure function of the IR (and the graph data).
// The sections: resolve the mapping (resolve.ts), walk the layers (walk.ts), route the transfers
// (noc-route.ts), time the pipeline (here), energy per image (energy.ts), assemble the report (here),
// cost the training experiments (training.ts).
import { tilesFor, type IrArchitecture, type IrProgram } from '@pim/ir';
import type { GnnReport, GraphLike } from '../gnn/index.js';
import type { NocResult } from '../noc/traffic.js';
import type { MeasuredWrites } from '../numerics/writes.js';
import { tileModel, type TileModel } from './arch.js';
import { componentShares, imageEnergy, type ImageEnergy } from './energy.js';
import { SimError } from './errors.js';
import { analyzeMappedGraph } from './graph.js';
import { offChipLinks, routeTransfers, type RoutedNoc } from './noc-route.js';
import { overlappedLatency } from './overlap.js';
import { chipPeak } from './peak.js';
import { resolveMapping, type Resolved } from './resolve.js';
import { chipThermal, hotChipWarning } from './thermal.js';
import { trainingCost } from './training.js';
import type { NocSummary, SimReport } from './types.js';
import { prod, walkLayers, type LayerWalk } from './walk.js';

export interface SimulateOptions {
  /** Mapping to simulate; default the first. */
  mapping?: string;
  /** Folder that relative dataset paths are resolved against (the .pim file's folder); default the cwd. */
  dataRoot?: string;
  /** A graph to use instead of loading the model's dataset. */
  graph?: GraphLike;
  /** Fraction of a mapped tile's power it draws while idle, in place of its components' leakage (static power). */
  idleFraction?: number;
  blockSizes?: number[];
  /** Per-link and per-router NoC lists, the 2D/3D counterpart, GNN sweep (default true); off for fast evaluation loops. */
  detail?: boolean;
  /**
   * The trainer's measured writes by training experiment (numerics/writes.ts; `checkpointWrites` reads them
   * from a checkpoint): that experiment's write energy and wear follow them instead of every cell at every update.
   */
  measuredWrites?: Record<string, MeasuredWrites>;
}

// Derived figures are cached per IR object: the simulator treats the IR as immutable (evaluation loops
// build a new IR per design point rather than editing one in place).
const tileCache = new WeakMap<IrArchitecture, { tiles: Map<string, TileModel>; warnings: string[] }>();

function tileModels(arch: IrArchitecture): { tiles: Map<string, TileModel>; warnings: string[] } {
  let c = tileCache.get(arch);
  if (!c) {
    const warnings: string[] = [];
    c = { tiles: new Map(arch.tile_types.map((t) => [t.name, tileModel(arch, t, warnings)])), warnings };
    tileCache.set(arch, c);
  }
  return c;
}

/** The ISAAC paper's figures (Shafiee et al., ISCA 2016), printed beside ours, never fitted. */
export function publishedFor(arch: IrArchitecture): SimReport['summary']['published'] {
  if (!/isaac/i.test(arch.name)) return undefined;
  return {
    source: 'ISAAC (Shafiee et al., ISCA 2016), seed table',
    peak_ops_per_s: 41.3e12,
    ops_per_s_per_m2: 479e9 / 1e-6,
    area_m2: 85.4e-6,
    power_w: 65.8,
  };
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

interface Io {
  bits: number;
  time: number;
  bandwidth: number;
  energy: number;
}

/** Off-chip I/O over the links (HyperTransport): the image in on the first chip's links, the result out. */
function offChipIo(r: Resolved, chips: number): Io {
  const { model, mapping } = r;
  const links = offChipLinks(r.arch);
  const outBits = prod(model.output_shape) * mapping.input_bits;
  const inBits =
    model.input.kind === 'tensor'
      ? prod(model.input.shape) * mapping.input_bits
      : model.input.nodes * model.input.features * mapping.input_bits;
  const bandwidth = links.bandwidth / chips;
  const bits = inBits + outBits;
  const time = bandwidth > 0 ? bits / bandwidth : 0;
  return { bits, time, bandwidth, energy: (links.power / chips) * time };
}

interface Timing {
  period: number;
  bottleneck: string;
  latency: number;
  latencyOverlapped: number;
  nocLatency: number;
}

/** Pipeline: the slowest stage after replication, unless the NoC's hottest link or the I/O is slower. */
function pipelineTiming(r: Resolved, walk: LayerWalk, declared: NocResult | undefined, ioTime: number): Timing {
  let period = 0;
  let bottleneck = 'none';
  for (const s of walk.stages)
    if (s.period_s > period) {
      period = s.period_s;
      bottleneck = `stage ${s.name}`;
    }
  // Layers on one GPU share its cores and its memory: the GPU is busy for their sum every image.
  for (const [name, busy] of walk.gpuBusy)
    if (busy > period) {
      period = busy;
      bottleneck = `gpu ${name}`;
    }
  if (declared && declared.contended_time_s > period) {
    period = declared.contended_time_s;
    bottleneck = declared.bottleneck.port === 'link' ? 'noc hottest link' : `noc ${declared.bottleneck.port} port`;
  }
  if (ioTime > period) {
    period = ioTime;
    bottleneck = 'off-chip links';
  }
  const nocLatency = declared?.latency_s ?? 0;
  const latency = walk.stages.reduce((s, st) => s + st.latency_s, 0) + nocLatency + ioTime;
  const latencyOverlapped = overlappedLatency(r.model, walk.stages) + nocLatency + ioTime;
  return { period, bottleneck, latency, latencyOverlapped, nocLatency };
}

function summarizeNoc(n: NocResult | undefined, conc: number[], t: Timing, e: ImageEnergy): NocSummary | undefined {
  return (
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
      contended_time_s: n.contended_time_s,
      bottleneck: n.bottleneck,
      offchip_bits: n.offchip_bits,
      latency_share: t.latency > 0 ? n.latency_s / (t.latency - t.nocLatency + n.latency_s) : 0,
      energy_share: e.total > 0 ? n.energy_j / (e.total - e.noc + n.energy_j) : 0,
      groups: n.groups,
      routers_load: n.routers_load,
      links: n.links,
    }
  );
}

/**
 * GPU partition: the NoC latency of the transfers in and out of it (TSVs in 3D), and each GPU's use of its
 * peak FLOP/s and memory bandwidth over the pipeline period (≤ 100%: its layers' times add up within it).
 */
function gpuUse(r: Resolved, walk: LayerWalk, declared: NocResult | undefined, period: number): void {
  if (walk.gpuPlan.layers.length === 0) return;
  const plan = walk.gpuPlan;
  plan.utilisation = [...walk.gpuBusy.entries()].map(([name, busy]) => {
    const g = r.gpus.get(name)!;
    const mine = plan.layers.filter((l) => l.gpu === name);
    const flops = mine.reduce((s, l) => s + l.cost.flops, 0);
    const bytes = mine.reduce((s, l) => s + l.cost.bytes, 0);
    return {
      gpu: name,
      busy_s: busy,
      compute: period > 0 ? flops / (period * g.peak_flops * g.count) : 0,
      memory: period > 0 ? (bytes * 8) / (period * g.memory_bandwidth_bps * g.count) : 0,
    };
  });
  if (!declared) return;
  const crossing = new Set(walk.transfers.filter((t) => t.gpu).map((t) => t.group));
  plan.transfer_latency_s = declared.groups.filter((g) => crossing.has(g.group)).reduce((s, g) => s + g.latency_s, 0);
}

/** DropLayer on the NoC: the V→E flows scaled to the bits DropLayer leaves. */
function dropLayerNoc(gnn: GnnReport | null, declared: NocResult | undefined): void {
  if (!gnn || !declared) return;
  for (const d of gnn.droplayer) {
    const g = declared.groups.find((x) => x.group === `${d.layer} V→E`);
    if (!g || !(d.base_bits > 0)) continue;
    // Every port's bits scale with the flow's, so its contended time does too.
    const k = d.both_bits / d.base_bits;
    d.noc = {
      energy_j: g.energy_j,
      energy_dropped_j: g.energy_j * k,
      latency_s: g.latency_s,
      latency_dropped_s: g.latency_s - g.contended_s * (1 - k),
    };
  }
}

interface Parts {
  r: Resolved;
  tiles: Map<string, TileModel>;
  walk: LayerWalk;
  noc: RoutedNoc;
  io: Io;
  timing: Timing;
  energy: ImageEnergy;
  gnn: GnnReport | null;
  chips: number;
  idleFraction: number | undefined;
  peak: ReturnType<typeof chipPeak>;
}

function summary(x: Parts): SimReport['summary'] {
  const { r, walk, timing, energy, tiles } = x;
  const { arch, model } = r;
  const { peakXbar, peakGpu } = x.peak;
  const peak = peakXbar + peakGpu;
  const area = arch.totals.area_m2;
  const power = arch.totals.power_w;
  const opsPerInference = 2 * model.totals.macs;
  const throughput = timing.period > 0 ? 1 / timing.period : 0;
  return {
    peak_ops_per_s: peak,
    peak_crossbar_ops_per_s: peakXbar,
    peak_gpu_flops: peakGpu,
    ops_per_s_per_m2: area > 0 ? peak / area : 0,
    ops_per_w: power > 0 ? peak / power : 0,
    area_m2: area,
    power_w: power,
    crossbars: arch.totals.crossbars,
    crossbars_used: walk.layers.reduce((s, l) => s + l.crossbars, 0),
    tiles: arch.totals.tiles,
    tiles_used: [...walk.cursor.entries()].reduce(
      (a, [name, n]) => a + tilesFor(n, tiles.get(name)!.tt.crossbars_per_tile),
      0,
    ),
    latency_s: timing.latency,
    latency_overlapped_s: timing.latencyOverlapped,
    period_s: timing.period,
    throughput_per_s: throughput,
    bottleneck: timing.bottleneck,
    energy_per_inference_j: energy.total,
    ops_per_inference: opsPerInference,
    effective_ops_per_s: opsPerInference * throughput,
  };
}

function assembleReport(ir: IrProgram, x: Parts): SimReport {
  const { r, walk, noc, io, timing, energy, chips } = x;
  const { arch, mapping } = r;
  const declaredSummary = summarizeNoc(noc.declared, noc.declaredConc, timing, energy);
  const otherSummary = summarizeNoc(noc.other, noc.otherConc, timing, energy);
  const report: SimReport = {
    tool: 'pim simulate',
    ir_version: ir.ir_version,
    mapping: mapping.name,
    model: r.model.name,
    architecture: arch.name,
    chips,
    summary: summary(x),
    chip: {
      clock_hz: arch.clock_hz,
      tile_types: x.peak.tileTypes,
      gpus: arch.gpus.map((g) => ({
        name: g.name,
        count: g.count,
        peak_flops: g.peak_flops,
        memory_bandwidth_bps: g.memory_bandwidth_bps,
        power_w: g.power_w,
      })),
      breakdown: arch.breakdown,
    },
    layers: walk.layers,
    stages: walk.stages,
    components: componentShares(energy),
    energy: {
      compute_j: energy.compute,
      buffer_j: energy.buffer,
      noc_j: energy.noc,
      io_j: energy.io,
      idle_j: energy.idle,
      static_power_w: energy.staticPower,
      ...(x.idleFraction !== undefined ? { idle_fraction: x.idleFraction } : {}),
    },
    io: { bits: io.bits, time_s: io.time, bandwidth_bps: io.bandwidth },
    noc: declaredSummary ? { declared: declaredSummary, counterpart: otherSummary ?? null } : null,
    gpu: walk.gpuPlan.layers.length > 0 ? walk.gpuPlan : null,
    training: [],
    gnn: x.gnn,
    warnings: [],
  };
  const pub = chips === 1 ? publishedFor(arch) : undefined;
  if (pub) report.summary.published = pub;
  return report;
}

/** Weights and adjacency together must fit the tile types the mapping uses. */
function checkCapacity(r: Resolved, walk: LayerWalk): void {
  for (const [name, used] of walk.cursor) {
    const tt = r.tileTypes.get(name)!;
    const have = tt.count * tt.crossbars_per_tile;
    if (used > have)
      throw new SimError(
        `mappings[${r.mapping.name}]`,
        `needs ${used} crossbars of tile type '${name}' (weights and adjacency together), but the architecture has ${have}`,
      );
  }
}

function trainingReports(
  ir: IrProgram,
  x: Parts,
  warnings: Set<string>,
  measured: SimulateOptions['measuredWrites'],
): SimReport['training'] {
  const { r, walk, gnn } = x;
  const out: SimReport['training'] = [];
  for (const exp of ir.experiments) {
    if (exp.kind !== 'train' || exp.mapping !== r.mapping.name) continue;
    const dropped = (gnn?.droplayer ?? []).filter((d) => d.experiment === exp.name && d.noc);
    out.push(
      trainingCost({
        ir,
        exp,
        layers: walk.layers,
        stages: walk.stages,
        irLayers: r.model.layers,
        placements: r.placements,
        tiles: x.tiles,
        gpus: r.gpus,
        inputBits: r.mapping.input_bits,
        // DropLayer thins the V→E flows while training (dropout and DropEdge are off at inference).
        nocEnergyPerInference:
          x.energy.noc - dropped.reduce((s, d) => s + d.noc!.energy_j - d.noc!.energy_dropped_j, 0),
        nocTimePerInference:
          x.timing.nocLatency - dropped.reduce((s, d) => s + d.noc!.latency_s - d.noc!.latency_dropped_s, 0),
        nocPeriod: x.noc.declared?.contended_time_s ?? 0,
        staticPower: x.energy.staticPower,
        graph: r.model.input.kind === 'graph',
        warnings,
        ...(measured?.[exp.name] ? { measuredWrites: measured[exp.name] } : {}),
      }),
    );
  }
  return out;
}

/** Measured writes name training experiments of the simulated mapping: checked before any work is done. */
function checkMeasuredWrites(ir: IrProgram, r: Resolved, measured: SimulateOptions['measuredWrites']): void {
  for (const name of Object.keys(measured ?? {}))
    if (!ir.experiments.some((e) => e.name === name && e.kind === 'train' && e.mapping === r.mapping.name))
      throw new SimError(
        `experiments[${name}]`,
        `measured writes given, but it is not a training experiment of mapping '${r.mapping.name}'`,
      );
}

export function simulate(ir: IrProgram, opts: SimulateOptions = {}): SimReport {
  const r = typeof ir === 'object' && ir !== null ? resolved(ir, opts.mapping) : resolveMapping(ir, opts.mapping);
  checkMeasuredWrites(ir, r, opts.measuredWrites);
  const { arch, model } = r;
  const detail = opts.detail !== false;
  const idleFraction = opts.idleFraction;
  const tm = tileModels(arch);
  const tiles = tm.tiles;
  const warnings = new Set<string>([...tm.warnings, ...r.warnings]);
  const chips =
    typeof arch.root.attributes['chips'] === 'number' ? Math.max(1, arch.root.attributes['chips'] as number) : 1;

  // GNN: the adjacency plan decides how many sparse tiles the aggregation takes.
  const gnn: GnnReport | null =
    model.input.kind === 'graph' && (r.adjacency.size > 0 || detail)
      ? analyzeMappedGraph(r, tiles, { ...opts, detail })
      : null;
  const walk = walkLayers(r, tiles, gnn, warnings);
  const noc = routeTransfers(arch, chips, walk.hosts, walk.transfers, detail, warnings);
  const io = offChipIo(r, chips);
  const timing = pipelineTiming(r, walk, noc.declared, io.time);
  const energy = imageEnergy(r, walk, noc.declared?.energy_j ?? 0, io.energy, timing.period, idleFraction);
  gpuUse(r, walk, noc.declared, timing.period);
  dropLayerNoc(gnn, noc.declared);

  const peak = chipPeak(arch, tiles, r.mapping.weight_bits, r.mapping.input_bits);
  const parts: Parts = { r, tiles, walk, noc, io, timing, energy, gnn, chips, idleFraction, peak };
  const report = assembleReport(ir, parts);
  checkCapacity(r, walk);
  report.training = trainingReports(ir, parts, warnings, opts.measuredWrites);
  const thermal = chipThermal({
    r,
    walk,
    period: timing.period,
    nocEnergy: energy.noc,
    idleHosts: energy.idleHosts,
    idleFraction,
    ...(noc.declaredPlacement ? { placed: noc.declaredPlacement } : {}),
  });
  if (thermal) {
    report.thermal = thermal;
    const hot = hotChipWarning(arch.name, thermal.peak_k, thermal.chips?.hottest);
    if (hot) warnings.add(hot);
  }
  report.warnings = [...warnings];
  return report;
}
