// Cost of one matrix-vector multiplication of a K×N weight matrix (S bit slices) on one copy of its
// crossbars: ISAAC-style bit-serial inputs, column conversion by shared ADCs, shift-and-add.
import { inputCycles, tileMatrix } from '@pim/ir';
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

/** Crossbars beyond this are not scanned for the busiest ADC group: the pattern repeats long before. */
const MAX_SCAN = 1 << 16;

/**
 * Columns the busiest ADC group converts per step, over the crossbars that share it, and the ADCs that
 * share that load. An IMA's crossbars share its ADCs in whole groups of consecutive crossbars (arch.ts
 * `adcGroups`); the layer's `copies` take consecutive crossbars from an IMA's first, row tile after row
 * tile with the column tiles inside (the last column tile holds the remaining N·S − (colTiles − 1)·C
 * columns), so a group converts the used columns of every crossbar in it, whichever copy it belongs to
 * (copies work on different MVMs at once). The busiest group is the one whose ADCs take longest.
 */
export function busiestAdcGroup(
  t: TileModel,
  cols: number,
  rowTiles: number,
  colTiles: number,
  copies: number,
): { cols: number; adcs: number } {
  const n = Math.max(1, t.tt.crossbars_per_unit);
  const lastCols = cols - (colTiles - 1) * t.cols;
  const perCopy = rowTiles * colTiles;
  const total = Math.min(perCopy * Math.max(1, copies), MAX_SCAN);
  let busiest = { cols: 0, adcs: 1 };
  for (let ima = 0; ima * n < total; ima++)
    for (const g of t.adcGroups) {
      let sum = 0;
      const first = ima * n + g.start;
      for (let i = first; i < Math.min(total, first + g.size); i++)
        sum += (i % perCopy) % colTiles === colTiles - 1 ? lastCols : t.cols;
      if (sum * busiest.adcs > busiest.cols * g.adcs) busiest = { cols: sum, adcs: g.adcs };
    }
  return busiest;
}

/** One MVM on tile type `t` (its shift-and-add at the tile's clock); `copies`: the layer's replicated copies (they may share ADCs with each other). */
export function mvmCost(t: TileModel, K: number, N: number, slices: number, inputBits: number, copies = 1): MvmCost {
  const {
    cols_needed: cols,
    row_tiles: rowTiles,
    col_tiles: colTiles,
    crossbars,
  } = tileMatrix(K, N, slices, t.rows, t.cols);
  const cycles = inputCycles(inputBits, t.dacBits);
  const group = busiestAdcGroup(t, cols, rowTiles, colTiles, copies);
  const conversion = group.cols / (group.adcs * t.adcRate);
  const step = Math.max(t.tRead, conversion);
  const mvm = cycles * step;
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
    read_s: t.tRead,
    conversion_s: conversion,
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
