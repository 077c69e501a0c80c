// Cost of one matrix-vector multiplication of a K×N weight matrix (S bit slices) on one copy of its
// crossbars: its timing (bit-serial inputs, column conversion by shared ADCs) from @pim/ir's mvmTiming,
// which the compiler's balanced replication also weighs stages by; here its energies and shift-and-add.
import { mvmTiming } from '@pim/ir';
import type { TileModel } from './arch.js';

export interface MvmCost {
  /** ⌈input_bits / dac_bits⌉ input cycles. */
  cycles: number;
  rowTiles: number;
  colTiles: number;
  crossbars: number;
  /** Array read time, conversion time of the busiest crossbar's columns, and the step (their max). */
  read_s: number;
  conversion_s: number;
  step_s: number;
  /** cycles × step: the interval between MVMs on one copy. */
  mvm_s: number;
  /** Shift-and-add tail after the last step: ⌈log2(S)⌉ + 1 clock cycles (slices, then the input-bit sum). */
  shift_add_s: number;
  /** Energy per MVM by component kind. */
  crossbar_j: number;
  adc_j: number;
  dac_j: number;
  sample_hold_j: number;
  /** IMA-level digital (shift-add, registers): their power × the IMAs' busy time. */
  unit_other_j: number;
  /** Tile-level glue (bus, output register, tile shift-add): power × busy time of the copy's share of tiles. */
  tile_other_j: number;
  /** eDRAM traffic: K inputs read + N outputs written, input_bits each. */
  buffer_bits: number;
  buffer_j: number;
  /** IMAs one copy occupies (crossbars / crossbars per IMA; fractional when it shares an IMA). */
  imas: number;
  /** Tiles one copy occupies (crossbars / crossbars per tile). */
  tiles: number;
}

/** One MVM on tile type `t` (its shift-and-add at the tile's clock); `copies`: the layer's replicated copies (they may share ADCs with each other). */
export function mvmCost(t: TileModel, K: number, N: number, slices: number, inputBits: number, copies = 1): MvmCost {
  const timing = mvmTiming(t.tt, K, N, slices, inputBits, copies, t.adcGroups);
  const { cycles, rowTiles, colTiles, crossbars, cols, step_s: step, mvm_s: mvm } = timing;
  // Cells driven and sensed, as a fraction of full arrays: a partly filled array reads partly.
  const cellFraction = (K * cols) / (t.rows * t.cols);
  // The copy's share of IMAs: replicated copies and small layers pack several to an IMA.
  const imas = crossbars / Math.max(1, t.tt.crossbars_per_unit);
  const tiles = crossbars / Math.max(1, t.tt.crossbars_per_tile);
  const bufferBits = (K + N) * inputBits;
  return {
    cycles,
    rowTiles,
    colTiles,
    crossbars,
    read_s: timing.read_s,
    conversion_s: timing.conversion_s,
    step_s: step,
    mvm_s: mvm,
    shift_add_s: (Math.ceil(Math.log2(Math.max(1, slices))) + 1) / t.clock,
    crossbar_j: cycles * t.xbarReadEnergy * cellFraction,
    adc_j: cycles * rowTiles * cols * t.adcEnergy,
    dac_j: cycles * colTiles * K * t.dacPower * step,
    sample_hold_j: cycles * rowTiles * cols * t.shPower * step,
    unit_other_j: t.unitOtherPower * imas * mvm,
    tile_other_j: t.tileOtherPower * tiles * mvm,
    buffer_bits: bufferBits,
    buffer_j: bufferBits * t.bufferEnergyPerBit,
    imas,
    tiles,
  };
}
