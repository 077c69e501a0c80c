// Hand-built IR programs for the trainer's benchmarks, experiments and tests, written to compiler/src/ir/types.ts
// without the compiler (which the trainer must not depend on at run time). Only the fields the trainer reads
// carry real values; per-layer shape and cost figures are left empty.

import { LENET5_LAYERS } from '../sim/reference-ir.js';
import type { AttrValue, Engine, IrArchitecture, IrDataset, IrDevice, IrExperiment, IrLayer, IrMapping, IrModel, IrProgram } from '@pim/ir';

export interface DeviceSpec {
  bitsPerCell?: number;
  rOn?: number;
  rOff?: number;
  variation?: number;
  stuckAtZero?: number;
  stuckAtOne?: number;
  endurance?: number;
}

export function device(name: string, d: DeviceSpec = {}): IrDevice {
  const bits = d.bitsPerCell ?? 2;
  const rOn = d.rOn ?? 100e3;
  const rOff = d.rOff ?? 1e6;
  return {
    name,
    technology: 'reram',
    bits_per_cell: bits,
    levels: 2 ** bits,
    r_on_ohm: rOn,
    r_off_ohm: rOff,
    g_on_s: 1 / rOn,
    g_off_s: 1 / rOff,
    read_voltage_v: 0.2,
    read_latency_s: 100e-9,
    write_latency_s: 50e-9,
    write_energy_j: 0.1e-12,
    endurance: d.endurance ?? 1e8,
    variation: d.variation ?? 0,
    stuck_at_zero: d.stuckAtZero ?? 0,
    stuck_at_one: d.stuckAtOne ?? 0,
  };
}

export interface ArchSpec {
  rows?: number;
  cols?: number;
  device: IrDevice;
  adcBits?: number;
  dacBits?: number;
  weightBits?: number;
  inputBits?: number;
}

const zeroComponent = (name: string) => ({ name, kind: 'chip', path: name, count: 1, total_count: 1, shared_by: 1, attributes: {}, power_w: 0, area_m2: 0, own_power_w: 0, own_area_m2: 0, power_source: 'none' as const, area_source: 'none' as const, children: [] });

/** One ReRAM partition of ISAAC-like tiles plus a GPU partition (for batchnorm). */
export function architecture(name: string, a: ArchSpec): IrArchitecture {
  const rows = a.rows ?? 128;
  const cols = a.cols ?? 128;
  return {
    name,
    clock_hz: 1.2e9,
    weight_bits: a.weightBits ?? 16,
    input_bits: a.inputBits ?? 16,
    root: zeroComponent(name),
    partitions: [
      { name: 'dense', kind: 'reram', tier: 0, tiles: ['rtile'], gpus: [] },
      { name: 'gpu', kind: 'gpu', tier: 0, tiles: [], gpus: ['sm'] },
    ],
    tile_types: [
      {
        name: 'rtile',
        path: `${name}.dense.rtile`,
        partition: 'dense',
        count: 168,
        units_per_tile: 12,
        crossbars_per_unit: 8,
        crossbars_per_tile: 96,
        crossbar: { rows, cols, device: a.device.name, bits_per_cell: a.device.bits_per_cell, read_latency_s: 100e-9, power_w: 0.3e-3, area_m2: 25e-12, read_energy_j: 0 },
        adcs_per_unit: 8,
        adc: { resolution_bits: a.adcBits ?? 8, rate_hz: 1.28e9, power_w: 2e-3, area_m2: 1.2e-9, energy_per_conversion_j: 0 },
        dacs_per_unit: 8 * rows,
        dac_bits: a.dacBits ?? 1,
        buffer_bits: 64 * 1024 * 8,
        buffer_access_energy_j: 0,
        buffer_bandwidth_bps: 0,
        power_w: 0,
        area_m2: 0,
      },
    ],
    gpus: [{ name: 'sm', path: `${name}.gpu.sm`, partition: 'gpu', count: 16, peak_flops: 1e12, memory_bandwidth_bps: 200e9, power_w: 5, area_m2: 10e-6 }],
    links: [],
    totals: { power_w: 0, area_m2: 0, crossbars: 16128, tiles: 168, gpus: 16 },
    breakdown: [],
  };
}

export type LayerSpec = { kind: string; name?: string; from?: string } & Record<string, AttrValue | undefined>;

export function model(name: string, input: IrModel['input'], specs: LayerSpec[]): IrModel {
  const layers: IrLayer[] = specs.map((s, index) => {
    const { kind, name: n, from, ...rest } = s;
    const attributes: Record<string, AttrValue> = {};
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) attributes[k] = v as AttrValue;
    const layer: IrLayer = { index, name: n ?? `${kind}_${index}`, kind, attributes, input_shape: [], output_shape: [], macs: 0, params: 0, mvms: 0 };
    if (from) layer.from = from;
    return layer;
  });
  return { name, input, layers, output_shape: [], totals: { macs: 0, params: 0, weight_layers: layers.filter((l) => ['conv', 'linear', 'gcn'].includes(l.kind)).length } };
}

/** Weight layers on crossbars, batchnorm on the GPU, everything else on the ReRAM tiles' digital periphery. */
export function mapping(name: string, m: IrModel, arch: IrArchitecture): IrMapping {
  return {
    name,
    model: m.name,
    architecture: arch.name,
    weight_bits: arch.weight_bits,
    input_bits: arch.input_bits,
    replicate: 'none',
    placements: m.layers.map((l) => {
      const engine: Engine = ['conv', 'linear', 'gcn'].includes(l.kind) ? 'crossbar' : l.kind === 'batchnorm' ? 'gpu' : 'digital';
      return { layer: l.name, index: l.index, kind: l.kind, engine, partition: engine === 'gpu' ? 'gpu' : 'dense', target: engine === 'gpu' ? 'sm' : 'rtile' };
    }),
    adjacency: [],
    totals: { crossbars_used: 0, crossbars_available: 16128, tiles_used: 0 },
  };
}

export type ExperimentSpec = Partial<Omit<IrExperiment, 'numerics'>> & { numerics?: Partial<IrExperiment['numerics']> };

export function experiment(name: string, mappingName: string, datasetName: string, e: ExperimentSpec = {}): IrExperiment {
  const { numerics, ...rest } = e;
  return {
    kind: 'train',
    name,
    mapping: mappingName,
    dataset: datasetName,
    epochs: 1,
    batch: 32,
    seed: 1,
    optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9, weight_decay: 0, beta1: 0.9, beta2: 0.999 },
    ...rest,
    numerics: { ideal: false, activation_bits: 16, ...numerics },
  };
}

export function program(parts: { devices: IrDevice[]; architectures: IrArchitecture[]; models: IrModel[]; datasets: IrDataset[]; mappings: IrMapping[]; experiments: IrExperiment[] }): IrProgram {
  return { ir_version: '1.0.0', sources: ['<built>'], constants: {}, explorations: [], ...parts };
}

export const LENET5: LayerSpec[] = LENET5_LAYERS;

/** The language sketch's 2-layer GCN (dropout between the layers). */
export function gcn2(classes: number, hidden = 16, dropout = 0.5): LayerSpec[] {
  return [{ kind: 'gcn', name: 'g1', out: hidden }, { kind: 'relu' }, { kind: 'dropout', rate: dropout }, { kind: 'gcn', name: 'g2', out: classes }];
}

export const MNIST_DATASET: IrDataset = { name: 'mnist', source: 'builtin', set: 'mnist', kind: 'image', shape: [1, 28, 28], classes: 10, attributes: {} };

export function planetoidDataset(name: string, path: string, classes: number, features: number): IrDataset {
  return { name, source: 'planetoid', set: name, path, kind: 'graph', shape: [features], classes, attributes: {} };
}
