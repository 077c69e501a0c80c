// Per-layer inference time and energy: crossbar layers (ISAAC pipeline stage), digital layers on the
// tile's units, GPU layers on the roofline, and GCN aggregation on the sparse partition.
import type { IrGpu, IrLayer, IrPlacement } from '@pim/ir';
import type { AdjacencyPlan } from '../gnn/index.js';
import { DIGITAL_UNIT_FOR, type TileModel } from './arch.js';
import { gpuCost } from './gpu.js';
import { mvmCost, type MvmCost } from './mvm.js';
import type { LayerReport } from './types.js';

const prod = (s: number[]): number => {
  let p = 1;
  for (const x of s) p *= x;
  return p;
};

/** Which of the array read and the column conversion sets the step (equal within 0.1%: both). */
/** A crossbar layer's MVM timing figures for its report, given its stage time. */
function mvmTimes(
  cost: MvmCost,
  time: number,
): Pick<LayerReport, 'cycles' | 'read_s' | 'conversion_s' | 'step_s' | 'mvm_s' | 'time_s' | 'latency_s'> {
  return {
    cycles: cost.cycles,
    read_s: cost.read_s,
    conversion_s: cost.conversion_s,
    step_s: cost.step_s,
    mvm_s: cost.mvm_s,
    time_s: time,
    latency_s: time + cost.shift_add_s,
  };
}

export function boundOf(c: MvmCost): string {
  if (Math.abs(c.conversion_s - c.read_s) <= 1e-3 * c.step_s) return 'read=adc';
  return c.conversion_s > c.read_s ? 'adc' : 'read';
}

function addTo(out: Record<string, number>, k: string, j: number): void {
  if (j > 0) out[k] = (out[k] ?? 0) + j;
}

/** Adds the per-MVM energies of `c`, times `n`, to `out` by component kind. */
export function addMvmEnergy(out: Record<string, number>, t: TileModel, c: MvmCost, n: number): number {
  addTo(out, 'crossbar', c.crossbar_j * n);
  addTo(out, 'adc', c.adc_j * n);
  addTo(out, 'dac', c.dac_j * n);
  addTo(out, 'sample_hold', c.sample_hold_j * n);
  // IMA- and tile-level digital parts share their busy-time energy in proportion to their power.
  if (t.unitOtherPower > 0)
    for (const k of t.unitOther) addTo(out, k.kind, (c.unit_other_j * n * k.power_w) / t.unitOtherPower);
  if (t.tileOtherPower > 0)
    for (const k of t.tileOther) addTo(out, k.kind, (c.tile_other_j * n * k.power_w) / t.tileOtherPower);
  addTo(out, 'edram', c.buffer_j * n);
  return (c.crossbar_j + c.adc_j + c.dac_j + c.sample_hold_j + c.unit_other_j + c.tile_other_j + c.buffer_j) * n;
}

export interface CrossbarLayerResult {
  report: LayerReport;
  cost: MvmCost;
  /** Tile-seconds of work per image (for idle power). */
  busy_tile_s: number;
}

export function crossbarLayer(t: TileModel, layer: IrLayer, p: IrPlacement, inputBits: number): CrossbarLayerResult {
  const c = p.crossbar!;
  const w = layer.weights!;
  const cost = mvmCost(t, w.rows, w.cols, c.slices, inputBits, c.replication);
  const energy: Record<string, number> = {};
  const total = addMvmEnergy(energy, t, cost, layer.mvms);
  const compute = Math.ceil(layer.mvms / c.replication) * cost.mvm_s;
  // The eDRAM buffers of the layer's tiles must stream its inputs and outputs within the stage.
  const bufferTime = t.bufferBandwidth > 0 ? (cost.buffer_bits * layer.mvms) / (c.tiles * t.bufferBandwidth) : 0;
  const time = Math.max(compute, bufferTime);
  return {
    cost,
    busy_tile_s: layer.mvms * cost.mvm_s * cost.tiles,
    report: {
      index: layer.index,
      name: layer.name,
      kind: layer.kind,
      engine: 'crossbar',
      partition: p.partition,
      target: p.target,
      mvms: layer.mvms,
      replication: c.replication,
      crossbars: c.crossbars_total,
      tiles: c.tiles,
      ...mvmTimes(cost, time),
      bound: bufferTime > compute ? 'buffer' : boundOf(cost),
      energy_j: total,
      energy_by_kind: energy,
      ops: 2 * layer.macs,
      buffer_bits: cost.buffer_bits * layer.mvms,
    },
  };
}

/** Elements a digital layer processes per image (pooling reads its whole input). */
function digitalElements(layer: IrLayer): number {
  if (layer.kind === 'maxpool' || layer.kind === 'avgpool') return prod(layer.input_shape);
  if (layer.kind === 'flatten' || layer.kind === 'dropout') return 0;
  return prod(layer.output_shape);
}

/** The crossbar fields of a layer that runs off the crossbars (digital units or GPU). */
const NO_CROSSBARS = {
  replication: 1,
  crossbars: 0,
  tiles: 0,
  cycles: 0,
  read_s: 0,
  conversion_s: 0,
  step_s: 0,
  mvm_s: 0,
} as const;

/**
 * A non-crossbar layer on the tile's digital units, on every tile that hosts the producing layer: a unit
 * whose `executes` lists the layer's kind, at its throughput and energy per operation; else the built-in
 * units (maxpool units for pooling, sigmoid units for activations, shift-and-add for batchnorm folded to
 * scale+shift and residual adds), one element per unit per clock. Flatten and inference dropout are free.
 */
export function digitalLayer(
  layer: IrLayer,
  p: IrPlacement | undefined,
  host: TileModel | undefined,
  hostTiles: number,
  clockHz: number,
  warnings: Set<string>,
): LayerReport {
  const elements = digitalElements(layer);
  const executor = host?.executors.find((e) => e.executes.includes(layer.kind));
  const unitKind = DIGITAL_UNIT_FOR[layer.kind];
  const unit = unitKind && host ? host.digital.get(unitKind) : undefined;
  let time = 0;
  let energy = 0;
  const byKind: Record<string, number> = {};
  if (elements > 0) {
    if (executor) {
      // A unit that declares it executes this kind: its copies on every host tile, at its stated rate.
      time = elements / (executor.count * Math.max(1, hostTiles) * executor.throughput);
      energy = elements * executor.energyPerOp;
      byKind[executor.kind] = energy;
    } else if (unit) {
      const lanes = unit.count * Math.max(1, hostTiles);
      time = elements / (lanes * clockHz);
      energy = (elements * unit.power_w) / clockHz;
      byKind[unitKind!] = energy;
    } else {
      warnings.add(
        `no ${unitKind ?? layer.kind} unit in tile '${host?.tt.name ?? '?'}' for ${layer.kind} layers: modelled as one element per cycle per tile at 0 W`,
      );
      time = elements / (Math.max(1, hostTiles) * clockHz);
    }
  }
  return {
    index: layer.index,
    name: layer.name,
    kind: layer.kind,
    engine: 'digital',
    partition: p?.partition ?? host?.tt.partition ?? '',
    target: p?.target ?? host?.tt.name ?? '',
    mvms: elements,
    ...NO_CROSSBARS,
    time_s: time,
    latency_s: time,
    bound: elements > 0 ? 'digital' : 'none',
    energy_j: energy,
    energy_by_kind: byKind,
    ops: 0,
    buffer_bits: 0,
  };
}

export function gpuLayer(gpu: IrGpu, layer: IrLayer, p: IrPlacement): LayerReport {
  const g = gpuCost(gpu, layer, 'inference');
  return {
    index: layer.index,
    name: layer.name,
    kind: layer.kind,
    engine: 'gpu',
    partition: p.partition,
    target: p.target,
    mvms: 0,
    ...NO_CROSSBARS,
    time_s: g.time_s,
    latency_s: g.time_s,
    bound: g.time_s > 0 ? `gpu-${g.bound}` : 'none',
    energy_j: g.energy_j,
    energy_by_kind: { gpu: g.energy_j },
    ops: g.flops,
    buffer_bits: 0,
    gpu: g,
  };
}

/**
 * Â·(XW) on the sparse partition: every stored block's crossbar multiplies its b inputs for each of the
 * F output features (F MVMs, all blocks in parallel), 1-bit cells of binary A + I.
 */
export function aggregateLayer(
  t: TileModel,
  plan: AdjacencyPlan,
  layer: IrLayer,
  inputBits: number,
): CrossbarLayerResult {
  const cost = mvmCost(t, plan.block, plan.block, 1, inputBits, plan.blocks);
  const energy: Record<string, number> = {};
  const total = addMvmEnergy(energy, t, cost, plan.features_out * plan.blocks);
  const time = plan.features_out * cost.mvm_s;
  return {
    cost,
    busy_tile_s: plan.features_out * plan.blocks * cost.mvm_s * cost.tiles,
    report: {
      index: layer.index,
      name: `${layer.name}.aggregate`,
      kind: 'gcn_aggregate',
      engine: 'aggregate',
      partition: t.tt.partition,
      target: t.tt.name,
      mvms: plan.features_out,
      replication: plan.blocks,
      crossbars: plan.crossbars,
      tiles: plan.tiles,
      ...mvmTimes(cost, time),
      bound: boundOf(cost),
      energy_j: total,
      energy_by_kind: energy,
      // The IR counts the aggregation's MACs in the gcn layer's macs, reported on its weight stage.
      ops: 0,
      buffer_bits: cost.buffer_bits * plan.features_out * plan.blocks,
    },
  };
}
