// From the IR to what each layer computes on: the engine of every layer (crossbar, GPU, digital periphery)
// and, for crossbar layers, the numerics parameters from the mapped tile type, its device and the experiment.

import {
  mappingParts,
  tileClockHz,
  TRAINABLE_WEIGHT_BITS,
  tileTypeOf,
  type IrArchitecture,
  type IrDevice,
  type IrAdjacencyPolicy,
  type IrExperiment,
  type IrMapping,
  type IrPlacement,
  type IrProgram,
  type IrTileType,
} from '@pim/ir';
import type { AdjacencyParams } from '../numerics/adjacency.js';
import type { CrossbarParams } from '../numerics/crossbar.js';
import { readNoiseBandwidth } from '../numerics/physics.js';

export class TrainConfigError extends Error {
  override name = 'TrainConfigError';
}

/**
 * A training whose loss stopped being a finite number (NaN or ±Infinity): every later step and the
 * reported accuracy would be of a dead network, so the training stops at the step that diverged.
 */
export class TrainDivergedError extends Error {
  override name = 'TrainDivergedError';
  constructor(
    readonly experiment: string,
    readonly epoch: number,
    readonly step: number,
    readonly loss: number,
    /** The checkpoint file the training would have written (left as it was). */
    checkpoint?: string,
  ) {
    super(
      `experiment '${experiment}': training diverged in epoch ${epoch} (the loss became ${loss} at step ${step}); lower the learning rate, clip the weights (mitigate { clip: … }) or give the numerics more bits${checkpoint ? `; no checkpoint written for it, '${checkpoint}' left as it was` : ''}`,
    );
  }
}

export interface LayerHardware {
  engine: 'crossbar' | 'gpu' | 'digital';
  /** The partition's kind: activations are fixed point on ReRAM and digital partitions, fp32 on the GPU. */
  partitionKind: 'reram' | 'gpu' | 'digital';
  /** Crossbar layers only (absent when the numerics are ideal). */
  crossbar?: Omit<CrossbarParams, 'weightRange'>;
  /** GCN layers whose Â blocks the mapping places on crossbars. */
  adjacency?: AdjacencyParams;
}

function findDevice(ir: IrProgram, name: string, where: string): IrDevice {
  const d = ir.devices.find((x) => x.name === name);
  if (!d) throw new TrainConfigError(`${where}: device '${name}' is not in the IR`);
  return d;
}

/**
 * The read noise bandwidth: the experiment's stated `frequency`, else the design's (the clock and the ADC's
 * sampling rate, physics.ts: readNoiseBandwidth) — so the clock reaches accuracy through the noise.
 */
export function noiseBandwidth(arch: IrArchitecture, tile: IrTileType, exp: IrExperiment): number {
  const stated = exp.noise?.frequency_hz;
  if (stated !== undefined && stated > 0) return stated;
  return readNoiseBandwidth(tileClockHz(arch, tile), tile.adc?.rate_hz ?? 0);
}

export function crossbarParamsFor(
  ir: IrProgram,
  arch: IrArchitecture,
  mapping: IrMapping,
  placement: IrPlacement,
  exp: IrExperiment,
  temperatures?: ReadonlyMap<string, number>,
): Omit<CrossbarParams, 'weightRange'> {
  const where = `mapping '${mapping.name}', layer '${placement.layer}'`;
  const tile = tileTypeOf(arch, placement.target);
  if (!tile?.crossbar)
    throw new TrainConfigError(
      `${where}: target '${placement.target}' is not a tile type with crossbars in architecture '${arch.name}'`,
    );
  const dev = findDevice(ir, tile.crossbar.device, where);
  const weightBits = mapping.weight_bits || arch.weight_bits;
  // The compiler refuses such an experiment (PIM5006); this is for IR from elsewhere.
  const { min, max } = TRAINABLE_WEIGHT_BITS;
  if (!(weightBits >= min && weightBits <= max))
    throw new TrainConfigError(
      `${where}: ${weightBits}-bit weights, but the trainer's crossbar numerics support ${min} to ${max} bits (with 'hardware: false' it trains in ideal fp32)`,
    );
  const num = exp.numerics;
  const adcBits = num.adc_bits ?? tile.adc?.resolution_bits ?? Infinity;
  const stated = num.adc_ranges?.[placement.layer];
  return {
    rows: tile.crossbar.rows,
    cols: tile.crossbar.cols,
    bitsPerCell: tile.crossbar.bits_per_cell || dev.bits_per_cell,
    weightBits,
    inputBits: mapping.input_bits || arch.input_bits,
    dacBits: Math.max(1, tile.dac_bits || 1),
    adcBits,
    adcRange: num.adc_range ?? 'worst_case',
    adcPercentile: num.adc_percentile ?? 1,
    ...(stated ? { adcRanges: stated } : {}),
    flipEncoding: true,
    encoding: mapping.encoding ?? 'offset',
    gOn: dev.g_on_s,
    gOff: dev.g_off_s,
    readVoltage: dev.read_voltage_v,
    writeNoise: exp.noise?.variation ?? dev.variation,
    spread: exp.noise?.spread ?? dev.spread ?? 0,
    stuckAtZero: exp.faults?.stuck_at_zero ?? dev.stuck_at_zero,
    stuckAtOne: exp.faults?.stuck_at_one ?? dev.stuck_at_one,
    endurance: dev.endurance > 0 ? dev.endurance : Infinity,
    temperatureK: temperatures?.get(placement.layer) ?? exp.noise?.temperature_k ?? 0,
    bandwidthHz: exp.noise ? noiseBandwidth(arch, tile, exp) : 0,
  };
}

/**
 * The numerics of a GCN layer's Â when its mapping places the blocks on a crossbar tile: that tile's cells,
 * converters and read bandwidth, the experiment's faults and noise.
 */
function adjacencyParams(
  ir: IrProgram,
  arch: IrArchitecture,
  mapping: IrMapping,
  policy: IrAdjacencyPolicy,
  exp: IrExperiment,
  temperatures?: ReadonlyMap<string, number>,
): AdjacencyParams | undefined {
  const tile = tileTypeOf(arch, policy.target);
  if (!tile?.crossbar) return undefined;
  const placement = {
    layer: policy.layer,
    index: -1,
    kind: 'gcn',
    engine: 'crossbar' as const,
    partition: policy.partition,
    target: policy.target,
  };
  const p = crossbarParamsFor(ir, arch, mapping, placement, exp, temperatures);
  return { ...p, block: policy.block || p.rows, skipZeroBlocks: policy.skip_zero_blocks, reorder: policy.reorder };
}

/** Hardware of every layer of the experiment's model, by layer index. */
export function layerHardware(
  ir: IrProgram,
  exp: IrExperiment,
  temperatures?: ReadonlyMap<string, number>,
): { mapping: IrMapping; arch: IrArchitecture; layers: LayerHardware[] } {
  const { mapping, arch, model } = mappingParts(ir, exp.mapping);
  if (!mapping) throw new TrainConfigError(`experiment '${exp.name}': mapping '${exp.mapping}' is not in the IR`);
  if (!arch)
    throw new TrainConfigError(`mapping '${mapping.name}': architecture '${mapping.architecture}' is not in the IR`);
  if (!model) throw new TrainConfigError(`mapping '${mapping.name}': model '${mapping.model}' is not in the IR`);
  const layers = model.layers.map((layer): LayerHardware => {
    const pl =
      mapping.placements.find((p) => p.index === layer.index) ?? mapping.placements.find((p) => p.layer === layer.name);
    const engine = pl?.engine ?? 'digital';
    const partitionKind =
      arch.partitions.find((p) => p.name === pl?.partition)?.kind ?? (engine === 'gpu' ? 'gpu' : 'reram');
    if (engine !== 'crossbar' || exp.numerics.ideal) return { engine, partitionKind };
    const hw: LayerHardware = {
      engine,
      partitionKind,
      crossbar: crossbarParamsFor(ir, arch, mapping, pl!, exp, temperatures),
    };
    const policy = mapping.adjacency.find((a) => a.layer === layer.name);
    if (policy) {
      const adjacency = adjacencyParams(ir, arch, mapping, policy, exp, temperatures);
      if (adjacency) hw.adjacency = adjacency;
    }
    return hw;
  });
  return { mapping, arch, layers };
}
