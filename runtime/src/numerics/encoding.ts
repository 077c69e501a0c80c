// How a signed fixed-point weight q ∈ [−(2^(W−1)−1), 2^(W−1)−1] becomes cell levels: the two schemes in use.
//
// - offset: one column per slice holds u = q + 2^(W−1) ∈ [1, 2^W−1]; the digital periphery subtracts
//   2^(W−1)·Σx (exact: the inputs are digital). S = ⌈W/c⌉ slices, S columns per output (ISAAC).
// - differential: two columns per slice, G+ holding the digits of max(q, 0) and G− those of max(−q, 0);
//   the periphery subtracts the converted G− partial sums from the G+ ones. |q| needs W−1 bits, so
//   S = ⌈(W−1)/c⌉ slices and 2S columns per output. Small weights leave the high slices' cells at level 0,
//   so their column sums are small — what a calibrated ADC range exploits.
//
// Cells are grouped by column group g: offset g = j (slice j); differential g = j for G+ and S + j for G−.
// Group g's converted sums enter the output with sign(g)·2^(c·slice(g)).
//
// Inputs stream in as `input_bits` fixed point with a per-call scale (fixedPointScale), the same for a
// weight layer and the GCN's aggregation.

import { weightColumns, weightSlices, type WeightEncoding } from '@pim/ir';

export type Encoding = WeightEncoding;

export const ENCODINGS: readonly Encoding[] = ['offset', 'differential'];

/** Bit slices of one weight (the IR's geometry: one definition for the compiler's counts and the cells). */
export const slicesPerWeight = (encoding: Encoding, weightBits: number, bitsPerCell: number): number =>
  weightSlices(weightBits, bitsPerCell, encoding);

/** Crossbar columns one output occupies: S (offset) or 2S (differential). */
export const columnsPerOutput = (encoding: Encoding, weightBits: number, bitsPerCell: number): number =>
  weightColumns(weightBits, bitsPerCell, encoding);

export interface CellEncoding {
  readonly encoding: Encoding;
  readonly bitsPerCell: number;
  readonly slices: number;
  /** Column groups per output: S or 2S. */
  readonly groups: number;
  /** Subtracted digitally per unit of Σx: 2^(W−1) for offset, 0 for differential. */
  readonly offset: number;
  /** Per group: sign(g)·2^(c·slice(g)), the factor its converted sums are added with. */
  readonly factor: Float64Array;
  /** Fills `out` (length `groups`) with the cell digits of the integer weight q. */
  digits(q: number, out: Int32Array): void;
}

export function cellEncoding(encoding: Encoding, weightBits: number, bitsPerCell: number): CellEncoding {
  const slices = slicesPerWeight(encoding, weightBits, bitsPerCell);
  const differential = encoding === 'differential';
  const groups = differential ? 2 * slices : slices;
  const mask = 2 ** bitsPerCell - 1;
  const c = bitsPerCell;
  const factor = new Float64Array(groups);
  for (let g = 0; g < groups; g++) factor[g] = (g < slices ? 1 : -1) * 2 ** (c * (g % slices));
  const offset = differential ? 0 : 2 ** (weightBits - 1);
  return {
    encoding,
    bitsPerCell,
    slices,
    groups,
    offset,
    factor,
    digits(q, out) {
      // u: what the (G+) cells store, m: the G− cells' magnitude. Integer shifts where the weight fits
      // 31 bits (every c·j < W ≤ 31): several times faster than division in the loop that reprograms
      // the cells after every step.
      const u = differential ? (q > 0 ? q : 0) : q + offset;
      const m = differential && q < 0 ? -q : 0;
      if (weightBits <= 31) {
        for (let j = 0; j < slices; j++) {
          out[j] = (u >>> (c * j)) & mask;
          if (differential) out[slices + j] = (m >>> (c * j)) & mask;
        }
      } else {
        for (let j = 0; j < slices; j++) {
          out[j] = Math.floor(u / 2 ** (c * j)) & mask;
          if (differential) out[slices + j] = Math.floor(m / 2 ** (c * j)) & mask;
        }
      }
    },
  };
}

/**
 * The per-call scale of `bits`-bit fixed-point inputs whose values span [lo, hi]: signed (one bit less of
 * magnitude) when any is below 0. An all-zero input still goes through (sx = 1), so the output keeps its shape.
 */
export function fixedPointScale(lo: number, hi: number, bits: number): { signed: boolean; sx: number } {
  const signed = lo < 0;
  const amax = Math.max(Math.abs(lo), Math.abs(hi));
  return { signed, sx: amax > 0 ? amax / (signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1) : 1 };
}
