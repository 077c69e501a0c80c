// A GCN's normalized adjacency Â on crossbars: the aggregation Â·H through the same numerics as a weight layer.
//
// Â is non-negative, so its entries need only G+ columns: q = round(â / s_a), s_a = max(â) / (2^(W−1) − 1),
// sliced into ⌈(W−1)/c⌉ cells of c bits. The mapping cuts Â into b×b blocks (only the blocks holding a
// non-zero when `skip_zero_blocks`); a block's column i holds row i of Â over that block's b inputs. Per cell:
// stuck-at faults drawn once per chip, static spread and write noise as for weights (Â is written once, when
// the graph is loaded or DropEdge changes it). Stuck-at-one cells where Â is zero add spurious entries; the
// spread of cells left at G_off is not modelled. The features H stream in as `input_bits` fixed point (a
// per-call scale; signed features as two passes), and every read of a block column adds thermal noise
// σ_I = √(4·k_B·T·Δf·ΣG) of its b cells, moment-matched to a Gaussian per output as on the layers' fast path
// (lossless ADC). Blocks are cut in the graph's own node order.

import { inputCycles } from '@pim/ir';
import { Rng } from '../util/rng.js';
import type { CrossbarParams } from './crossbar.js';
import { cellEncoding } from './encoding.js';
import { roundedGaussianVariance, thermalNoiseCurrent } from './physics.js';

/** A sparse matrix in CSR (the GCN's Â and its images). */
export interface Csr {
  n: number;
  rowPtr: Int32Array;
  cols: Int32Array;
  vals: Float32Array;
}

/** What Â's cells share with a weight layer's (the tile's cells, converters, faults and noise), and its blocking. */
export type AdjacencyParams = Pick<
  CrossbarParams,
  | 'bitsPerCell'
  | 'weightBits'
  | 'inputBits'
  | 'dacBits'
  | 'gOn'
  | 'gOff'
  | 'readVoltage'
  | 'writeNoise'
  | 'spread'
  | 'stuckAtZero'
  | 'stuckAtOne'
  | 'temperatureK'
  | 'bandwidthHz'
> & { block: number; skipZeroBlocks: boolean };

/** CSR of COO triples (duplicates summed by the consumer's spmm: kept as separate entries). */
function csrOf(n: number, rows: number[], cols: number[], vals: number[]): Csr {
  const rowPtr = new Int32Array(n + 1);
  for (const r of rows) rowPtr[r + 1]!++;
  for (let i = 0; i < n; i++) rowPtr[i + 1]! += rowPtr[i]!;
  const fill = rowPtr.slice(0, n);
  const c = new Int32Array(rows.length);
  const v = new Float32Array(rows.length);
  rows.forEach((r, e) => {
    const p = fill[r]!++;
    c[p] = cols[e]!;
    v[p] = vals[e]!;
  });
  return { n, rowPtr, cols: c, vals: v };
}

export class AdjacencyCrossbar {
  /** Â as the cells hold it (faults, spread, write noise, spurious entries), in value units. */
  readonly eff: Csr;
  /** Its transpose (for the backward pass: the cells are not symmetric once imperfect). */
  readonly effT: Csr;
  /** Output noise σ per node for an unsigned and a signed feature pass, in units of s_a per input integer step. */
  readonly noiseStd: { unsigned: Float32Array; signed: Float32Array } | undefined;
  readonly scale: number;
  readonly storedBlocks: number;

  constructor(
    adj: Csr,
    readonly params: AdjacencyParams,
    seed: number,
  ) {
    const p = params;
    // The G+ columns of the differential encoding (groups 0 … S−1): Â has no negative entry.
    const enc = cellEncoding('differential', p.weightBits, p.bitsPerCell);
    const S = enc.slices;
    const digits = new Int32Array(enc.groups);
    const L1 = 2 ** p.bitsPerCell - 1;
    const qmax = 2 ** (p.weightBits - 1) - 1;
    let vmax = 0;
    for (const v of adj.vals) vmax = Math.max(vmax, Math.abs(v));
    this.scale = vmax > 0 ? vmax / qmax : 1;
    const dG = (p.gOn - p.gOff) / L1;
    const base = p.gOff / dG;
    const rng = new Rng(seed);
    const chip = rng.fork(1);
    const noise = rng.fork(2);
    const n = adj.n;
    const b = Math.max(1, p.block);
    const nb = Math.ceil(n / b);
    const stored = new Set<number>();
    const rows: number[] = [];
    const cols: number[] = [];
    const vals: number[] = [];
    // Σ of levels per (node i, block J, slice j): the block column's conductance, for the thermal noise.
    const levSum = new Map<number, Float64Array>();
    const cell = (d: number): number => {
      const u = chip.next();
      if (u < p.stuckAtZero) return 0;
      if (u < p.stuckAtZero + p.stuckAtOne) return L1;
      const delta = p.spread > 0 ? p.spread * noise.normal() : 0;
      const eps = p.writeNoise > 0 ? p.writeNoise * noise.normal() : 0;
      return delta === 0 && eps === 0 ? d : (base + d) * (1 + delta) * (1 + eps) - base;
    };
    for (let i = 0; i < n; i++)
      for (let e = adj.rowPtr[i]!; e < adj.rowPtr[i + 1]!; e++) {
        const k = adj.cols[e]!;
        const q = Math.min(qmax, Math.round(Math.abs(adj.vals[e]!) / this.scale));
        const key = i * nb + Math.floor(k / b);
        stored.add(Math.floor(i / b) * nb + Math.floor(k / b));
        let sums = levSum.get(key);
        if (!sums) levSum.set(key, (sums = new Float64Array(S)));
        let qeff = 0;
        enc.digits(q, digits);
        for (let j = 0; j < S; j++) {
          const lev = cell(digits[j]!);
          qeff += enc.factor[j]! * lev;
          sums[j]! += lev;
        }
        rows.push(i);
        cols.push(k);
        vals.push(qeff * this.scale);
      }
    const blockList = p.skipZeroBlocks ? [...stored] : Array.from({ length: nb * nb }, (_, x) => x);
    this.storedBlocks = blockList.length;
    // Stuck-at-one cells where Â is zero: a Poisson number per stored block, at random places and slices.
    for (const blk of blockList) {
      if (!(p.stuckAtOne > 0)) break;
      const [I, J] = [Math.floor(blk / nb), blk % nb];
      const rowsIn = Math.min(b, n - I * b);
      const colsIn = Math.min(b, n - J * b);
      let count = 0;
      for (
        let t = -Math.log(1 - chip.next()), lambda = rowsIn * colsIn * S * p.stuckAtOne;
        t < lambda;
        t -= Math.log(1 - chip.next())
      )
        count++;
      for (let c = 0; c < count; c++) {
        const i = I * b + chip.int(rowsIn);
        const j = chip.int(S);
        rows.push(i);
        cols.push(J * b + chip.int(colsIn));
        vals.push(enc.factor[j]! * L1 * this.scale);
        const key = i * nb + J;
        if (!levSum.has(key)) levSum.set(key, new Float64Array(S));
        levSum.get(key)![j]! += L1;
      }
    }
    this.eff = csrOf(n, rows, cols, vals);
    this.effT = csrOf(n, cols, rows, vals);
    this.noiseStd = p.temperatureK > 0 && p.bandwidthHz > 0 ? this.thermal(levSum, blockList, nb, S, dG) : undefined;
  }

  /** Per-node output σ: every stored block column's rounded per-read noise, over slices and input chunks. */
  private thermal(
    levSum: Map<number, Float64Array>,
    blocks: number[],
    nb: number,
    S: number,
    dG: number,
  ): { unsigned: Float32Array; signed: Float32Array } {
    const p = this.params;
    const b = Math.max(1, p.block);
    const vUnit = p.readVoltage / (2 ** p.dacBits - 1);
    const perRow = new Float64Array(nb);
    for (const blk of blocks) perRow[Math.floor(blk / nb)]!++;
    const perPass = new Float64Array(this.eff.n);
    const empty = new Float64Array(S);
    for (const blk of blocks) {
      const [I, J] = [Math.floor(blk / nb), blk % nb];
      const rowsIn = Math.min(b, this.eff.n - J * b);
      for (let i = I * b; i < Math.min(this.eff.n, I * b + b); i++) {
        const sums = levSum.get(i * nb + J) ?? empty;
        for (let j = 0; j < S; j++) {
          const sigma =
            thermalNoiseCurrent(rowsIn * p.gOff + sums[j]! * dG, p.temperatureK, p.bandwidthHz) / (vUnit * dG);
          perPass[i]! += 4 ** (p.bitsPerCell * j) * roundedGaussianVariance(sigma);
        }
      }
    }
    const gain = (bits: number): number => {
      let s = 0;
      for (let t = 0; t < inputCycles(bits, p.dacBits); t++) s += 4 ** (p.dacBits * t);
      return s;
    };
    const gu = gain(p.inputBits);
    const gs = gain(p.inputBits - 1);
    return {
      unsigned: Float32Array.from(perPass, (v) => Math.sqrt(v * gu)),
      signed: Float32Array.from(perPass, (v) => Math.sqrt(2 * v * gs)),
    };
  }
}
