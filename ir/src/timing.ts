// Timing of one matrix-vector multiplication on a tile type's crossbars: ISAAC-style bit-serial inputs,
// each step the array read or the column conversion by shared ADCs, whichever is longer. The one place
// for this rule: the simulator times every crossbar layer with it (and adds energies), and the
// compiler's balanced replication weighs each stage's rounds of MVMs by it (mvmTimeSteps: for every
// number of copies at once). Only the flattened tile type is needed (crossbar size and read time, ADCs
// per unit and their rate, DAC bits).
import { inputCycles, tileMatrix } from './geometry.js';
import type { IrTileType } from './types.js';

/** Consecutive crossbars [start, start + size) of an IMA and the whole ADCs that convert their columns. */
export interface AdcGroup {
  start: number;
  size: number;
  adcs: number;
}

/**
 * An IMA's n crossbars and A ADCs in whole groups: with fewer ADCs than crossbars each ADC serves
 * ⌈n/A⌉ or ⌊n/A⌋ consecutive crossbars (the larger groups first: adc[3] on 8 crossbars → 3, 3, 2); else
 * each crossbar has ⌈A/n⌉ or ⌊A/n⌋ ADCs of its own. An ADC converts one column at a time, so it cannot
 * be shared fractionally: the busiest group, not the average, sets the step.
 */
export function adcGroups(crossbars: number, adcs: number): AdcGroup[] {
  const n = Math.max(1, Math.round(crossbars));
  const a = Math.max(1, Math.round(adcs));
  const groups: AdcGroup[] = [];
  if (a < n) {
    for (let k = 0, start = 0; k < a; k++) {
      const size = Math.floor(n / a) + (k < n % a ? 1 : 0);
      groups.push({ start, size, adcs: 1 });
      start += size;
    }
  } else for (let j = 0; j < n; j++) groups.push({ start: j, size: 1, adcs: Math.floor(a / n) + (j < a % n ? 1 : 0) });
  return groups;
}

/** A tile type's ADC groups (adcGroups of its crossbars and ADCs per unit). */
export function tileAdcGroups(tt: IrTileType): AdcGroup[] {
  return adcGroups(Math.max(1, tt.crossbars_per_unit), tt.adcs_per_unit);
}

/** Crossbars beyond this are not scanned for the busiest ADC group: the pattern repeats long before. */
const MAX_SCAN = 1 << 16;

/** What one step of a layer's crossbars waits for: its busiest ADC group's columns and ADCs. */
export interface AdcLoad {
  cols: number;
  adcs: number;
}

/**
 * Columns the busiest ADC group converts per step, over the crossbars that share it, and the ADCs that
 * share that load. An IMA's crossbars share its ADCs in whole groups of consecutive crossbars
 * (`adcGroups`, whose last group ends at the IMA's size); the layer's `copies` take consecutive
 * crossbars from an IMA's first, row tile after row tile with the column tiles inside (the last column
 * tile holds the remaining N·S − (colTiles − 1)·C columns), so a group converts the used columns of
 * every crossbar in it, whichever copy it belongs to (copies work on different MVMs at once). The
 * busiest group is the one whose ADCs take longest (the first of equals). More copies never lighten it:
 * every group's load grows with the crossbars scanned. `onCopy(c, load)`: the busiest group from c
 * copies on, at one copy and at each c the scan reaches where it changes (mvmTimeSteps).
 */
export function busiestAdcGroup(
  groups: readonly AdcGroup[],
  crossbarCols: number,
  cols: number,
  rowTiles: number,
  colTiles: number,
  copies: number,
  onCopy?: (copies: number, load: AdcLoad) => void,
): AdcLoad {
  const last = groups[groups.length - 1];
  const n = last ? last.start + last.size : 1;
  const lastCols = cols - (colTiles - 1) * crossbarCols;
  const perCopy = rowTiles * colTiles;
  // A crossbar's columns depend on its index mod perCopy, and IMA k starts at k·n, so whole IMAs repeat
  // every lcm(n, perCopy) crossbars; a later IMA, whole or the copies' last, part one, is no busier than
  // the one it repeats. So the crossbars are scanned in order up to there, each group's running sum
  // against the busiest so far (two numbers, not an object a crossbar: scans run to 65,536).
  const scan = Math.min(perCopy * Math.max(1, copies), MAX_SCAN, (n / gcd(n, perCopy)) * perCopy);
  let busiestCols = 0;
  let busiestAdcs = 1;
  let changed = true;
  let g = 0;
  let sum = 0;
  for (let i = 0, place = 0; i < scan; i++, place = place + 1 === n ? 0 : place + 1) {
    if (place === 0) {
      g = 0;
      sum = 0;
    } else if (place === groups[g]!.start + groups[g]!.size) {
      g++;
      sum = 0;
    }
    sum += (i % perCopy) % colTiles === colTiles - 1 ? lastCols : crossbarCols;
    const adcs = groups[g]?.adcs ?? 1;
    if (sum * busiestAdcs > busiestCols * adcs) {
      busiestCols = sum;
      busiestAdcs = adcs;
      changed = true;
    }
    if (onCopy && changed && (i + 1) % perCopy === 0) {
      onCopy((i + 1) / perCopy, { cols: busiestCols, adcs: busiestAdcs });
      changed = false;
    }
  }
  // Scanning stopped inside a copy (MAX_SCAN): that copy and every later one have this load.
  if (onCopy && changed && scan % perCopy > 0)
    onCopy(Math.ceil(scan / perCopy), { cols: busiestCols, adcs: busiestAdcs });
  return { cols: busiestCols, adcs: busiestAdcs };
}

function gcd(a: number, b: number): number {
  while (b > 0) [a, b] = [b, a % b];
  return a;
}

/** The timing of one MVM of a K×N matrix (`slices` columns a weight) on one copy of its crossbars. */
export interface MvmTiming {
  /** ⌈input_bits / dac_bits⌉ input cycles. */
  cycles: number;
  rowTiles: number;
  colTiles: number;
  crossbars: number;
  /** Columns used across the copy (N × slices). */
  cols: number;
  /** Array read time, conversion time of the busiest crossbar's columns, and the step (their max). */
  read_s: number;
  conversion_s: number;
  step_s: number;
  /** cycles × step: the interval between MVMs on one copy. */
  mvm_s: number;
}

/** The layer's crossbar layout on tile type `tt`, what mvmTiming and mvmTimeSteps share. */
function layout(tt: IrTileType, K: number, N: number, slices: number) {
  const crossbarCols = tt.crossbar?.cols ?? 0;
  const m = tileMatrix(K, N, slices, tt.crossbar?.rows ?? 0, crossbarCols);
  return { crossbarCols, cols: m.cols_needed, rowTiles: m.row_tiles, colTiles: m.col_tiles, crossbars: m.crossbars };
}

/** A step's conversion time, the step (the array read or the conversion, whichever is longer) and the MVM (cycles × step). */
function stepTimes(tt: IrTileType, cycles: number, group: AdcLoad) {
  const conversion = group.cols / (group.adcs * (tt.adc?.rate_hz ?? 0));
  const step = Math.max(tt.crossbar?.read_latency_s ?? 0, conversion);
  return { conversion, step, mvm: cycles * step };
}

/**
 * One MVM on tile type `tt` with `copies` of the layer on it (they may share ADCs with each other).
 * The tile type's crossbars, ADC rate and ADC groups must be valid (the simulator checks them); without
 * an ADC rate the conversion takes forever.
 */
export function mvmTiming(
  tt: IrTileType,
  K: number,
  N: number,
  slices: number,
  inputBits: number,
  copies = 1,
  groups: readonly AdcGroup[] = tileAdcGroups(tt),
): MvmTiming {
  const { crossbarCols, cols, rowTiles, colTiles, crossbars } = layout(tt, K, N, slices);
  const cycles = inputCycles(inputBits, Math.max(1, tt.dac_bits));
  const { conversion, step, mvm } = stepTimes(
    tt,
    cycles,
    busiestAdcGroup(groups, crossbarCols, cols, rowTiles, colTiles, copies),
  );
  return {
    cycles,
    rowTiles,
    colTiles,
    crossbars,
    cols,
    read_s: tt.crossbar?.read_latency_s ?? 0,
    conversion_s: conversion,
    step_s: step,
    mvm_s: mvm,
  };
}

/** From `copies` copies on (until the next step's), one MVM takes `mvm_s` (mvmTiming's). */
export interface MvmStep {
  copies: number;
  mvm_s: number;
}

/**
 * One MVM's time (mvmTiming's mvm_s) for every number of copies up to `maxCopies`, from one scan: the
 * copies at which it rises, from one copy on; up to `maxCopies` it is the last step's at or below. It
 * never falls (more copies never lighten the busiest ADC group) and rises only at copies the scan
 * reaches, which stops where the IMAs repeat: few steps, so a search over copy counts (balanced
 * replication) takes each run of copies at one MVM time at once.
 */
export function mvmTimeSteps(
  tt: IrTileType,
  K: number,
  N: number,
  slices: number,
  inputBits: number,
  maxCopies: number,
  groups: readonly AdcGroup[] = tileAdcGroups(tt),
): MvmStep[] {
  const { crossbarCols, cols, rowTiles, colTiles } = layout(tt, K, N, slices);
  const cycles = inputCycles(inputBits, Math.max(1, tt.dac_bits));
  const steps: MvmStep[] = [];
  const add = (copies: number, load: AdcLoad) => {
    const { mvm } = stepTimes(tt, cycles, load);
    // Object.is: a NaN time (no ADC rate and no columns) is one step, not one per copy.
    if (!steps.length || !Object.is(steps[steps.length - 1]!.mvm_s, mvm)) steps.push({ copies, mvm_s: mvm });
  };
  const load = busiestAdcGroup(groups, crossbarCols, cols, rowTiles, colTiles, Math.max(1, maxCopies), add);
  // No crossbar scanned (a layer of none): one copy's time, as mvmTiming gives it.
  if (!steps.length) add(1, load);
  return steps;
}
