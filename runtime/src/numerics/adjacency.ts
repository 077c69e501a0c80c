// A GCN's normalized adjacency Â = D^−½ (A + I) D^−½ on crossbars, as the simulator costs it (sim/adjacency.ts,
// docs/simulator.md): the binary pattern A + I in one cell per entry, programmed to the top level (G_on) where
// there is an entry and left at G_off where there is none, with the D^−½ scalings applied digitally to the
// inputs before the DACs and to the outputs after the ADCs (exact). The mapping cuts the pattern into b×b
// blocks (only the blocks holding an entry when `skip_zero_blocks`); a block's column i holds row i over that
// block's b inputs. Per cell: stuck-at faults drawn once per chip, static spread and write noise as for
// weights (Â is written once, when the graph is loaded or DropEdge changes it). A stuck-at-zero cell drops
// an edge; a stuck-at-one cell where there is no entry adds one (scaled as an edge between its nodes); the
// spread of cells left at G_off is not modelled. The scaled features D^−½·H stream in as `input_bits` fixed
// point (a per-call scale; signed features as two passes), and every read of a block column adds thermal
// noise σ_I = √(4·k_B·T·Δf·ΣG) of its b cells, moment-matched to a Gaussian per output as on the layers'
// fast path (lossless ADC). Blocks are cut in the graph's own node order.

import { inputCycles } from '@pim/ir';
import { Rng } from '../util/rng.js';
import type { CrossbarParams } from './crossbar.js';
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
  /** A + I as the cells hold it (faults, spread, write noise, spurious entries), an intact entry 1. */
  readonly cells: Csr;
  /** D^−½ per node: the digital scaling of the inputs (by column) and the outputs (by row). */
  readonly rowScale: Float32Array;
  /** Â as the chip computes it, D^−½ · cells · D^−½, in value units, and its transpose (the backward pass). */
  readonly eff: Csr;
  readonly effT: Csr;
  /** Output noise σ per node for an unsigned and a signed feature pass, in value units per input integer step. */
  readonly noiseStd: { unsigned: Float32Array; signed: Float32Array } | undefined;
  readonly storedBlocks: number;

  /** `adj`: D^−½ (A + I) D^−½ of a binary A (train/graph.ts); its entries' pattern is A + I, a row's count its degree. */
  constructor(
    adj: Csr,
    readonly params: AdjacencyParams,
    seed: number,
  ) {
    const p = params;
    const L1 = 2 ** p.bitsPerCell - 1;
    const dG = (p.gOn - p.gOff) / L1;
    const base = p.gOff / dG;
    const rng = new Rng(seed);
    const chip = rng.fork(1);
    const noise = rng.fork(2);
    const n = adj.n;
    this.rowScale = Float32Array.from(
      { length: n },
      (_, i) => 1 / Math.sqrt(Math.max(1, adj.rowPtr[i + 1]! - adj.rowPtr[i]!)),
    );
    const b = Math.max(1, p.block);
    const nb = Math.ceil(n / b);
    const stored = new Set<number>();
    const rows: number[] = [];
    const cols: number[] = [];
    const vals: number[] = [];
    // Σ of levels per (node i, block J): the block column's conductance, for the thermal noise.
    const levSum = new Map<number, number>();
    const cell = (d: number): number => {
      const u = chip.next();
      if (u < p.stuckAtZero) return 0;
      if (u < p.stuckAtZero + p.stuckAtOne) return L1;
      const delta = p.spread > 0 ? p.spread * noise.normal() : 0;
      const eps = p.writeNoise > 0 ? p.writeNoise * noise.normal() : 0;
      return delta === 0 && eps === 0 ? d : (base + d) * (1 + delta) * (1 + eps) - base;
    };
    const put = (i: number, k: number, lev: number): void => {
      const key = i * nb + Math.floor(k / b);
      levSum.set(key, (levSum.get(key) ?? 0) + lev);
      rows.push(i);
      cols.push(k);
      vals.push(lev / L1);
    };
    for (let i = 0; i < n; i++)
      for (let e = adj.rowPtr[i]!; e < adj.rowPtr[i + 1]!; e++) {
        const k = adj.cols[e]!;
        stored.add(Math.floor(i / b) * nb + Math.floor(k / b));
        put(i, k, cell(L1));
      }
    const blockList = p.skipZeroBlocks ? [...stored] : Array.from({ length: nb * nb }, (_, x) => x);
    this.storedBlocks = blockList.length;
    // Stuck-at-one cells where there is no entry: a Poisson number per stored block, at random places.
    for (const blk of blockList) {
      if (!(p.stuckAtOne > 0)) break;
      const [I, J] = [Math.floor(blk / nb), blk % nb];
      const rowsIn = Math.min(b, n - I * b);
      const colsIn = Math.min(b, n - J * b);
      let count = 0;
      for (
        let t = -Math.log(1 - chip.next()), lambda = rowsIn * colsIn * p.stuckAtOne;
        t < lambda;
        t -= Math.log(1 - chip.next())
      )
        count++;
      for (let c = 0; c < count; c++) put(I * b + chip.int(rowsIn), J * b + chip.int(colsIn), L1);
    }
    this.cells = csrOf(n, rows, cols, vals);
    const s = this.rowScale;
    const scaled = vals.map((v, e) => v * s[rows[e]!]! * s[cols[e]!]!);
    this.eff = csrOf(n, rows, cols, scaled);
    this.effT = csrOf(n, cols, rows, scaled);
    this.noiseStd = p.temperatureK > 0 && p.bandwidthHz > 0 ? this.thermal(levSum, blockList, nb, dG, L1) : undefined;
  }

  /** Per-node output σ: every stored block column's rounded per-read noise over input chunks, scaled as the outputs. */
  private thermal(
    levSum: Map<number, number>,
    blocks: number[],
    nb: number,
    dG: number,
    L1: number,
  ): { unsigned: Float32Array; signed: Float32Array } {
    const p = this.params;
    const b = Math.max(1, p.block);
    const n = this.cells.n;
    const vUnit = p.readVoltage / (2 ** p.dacBits - 1);
    const perPass = new Float64Array(n);
    for (const blk of blocks) {
      const [I, J] = [Math.floor(blk / nb), blk % nb];
      const rowsIn = Math.min(b, n - J * b);
      for (let i = I * b; i < Math.min(n, I * b + b); i++) {
        const sigma =
          thermalNoiseCurrent(rowsIn * p.gOff + (levSum.get(i * nb + J) ?? 0) * dG, p.temperatureK, p.bandwidthHz) /
          (vUnit * dG);
        perPass[i]! += roundedGaussianVariance(sigma);
      }
    }
    const gain = (bits: number): number => {
      let s = 0;
      for (let t = 0; t < inputCycles(bits, p.dacBits); t++) s += 4 ** (p.dacBits * t);
      return s;
    };
    const gu = gain(p.inputBits);
    const gs = gain(p.inputBits - 1);
    // A level is 1/L1 of an entry; the output's digital D^−½ scales its noise too.
    const out = (g: number): Float32Array =>
      Float32Array.from(perPass, (v, i) => (Math.sqrt(v * g) / L1) * this.rowScale[i]!);
    return { unsigned: out(gu), signed: out(2 * gs) };
  }
}
