// A GCN's normalized adjacency Â = D^−½ (A + I) D^−½ on crossbars: the aggregation Â·H through the cells.
//
// The design the simulator costs (docs/simulator.md, GNNs: Storage): A + I is binary, so each entry takes one
// cell, programmed to G_on for an edge (or self loop) and left at G_off elsewhere, and the D^−½ scalings are
// applied digitally to the features streamed in and to the sums out. The mapping cuts A + I into b×b blocks
// in its order (the graph's own, or reverse Cuthill–McKee's when it states `reorder: rcm`) and stores every
// block, or only those holding an edge (`skip_zero_blocks`). Per cell: stuck-at faults drawn once per chip
// for each place of each stored block — a stuck-at-one cell where A + I is zero is a spurious edge, of the
// same weight D_i^−½·D_k^−½ a real one would have; a stuck-at-zero cell on an edge drops it — and static
// spread and write noise on the cells at G_on (the spread of cells left at G_off is not modelled). The
// features stream in as `input_bits` fixed point (a per-call scale; signed features as two passes), and every
// read of a block column adds thermal noise σ_I = √(4·k_B·T·Δf·ΣG) of its b cells, moment-matched to a
// Gaussian per output as on the layers' fast path (a lossless ADC: a column of b binary cells sums to at
// most b levels of G_on).

import { inputCycles } from '@pim/ir';
import { inversePermutation, reverseCuthillMcKee } from '../gnn/rcm.js';
import { Rng } from '../util/rng.js';
import type { CrossbarParams } from './crossbar.js';
import { programmedLevel, roundedGaussianVariance, thermalNoiseCurrent } from './physics.js';

/** A sparse matrix in CSR (the GCN's Â and its images). */
export interface Csr {
  n: number;
  rowPtr: Int32Array;
  cols: Int32Array;
  vals: Float32Array;
}

/** What Â's cells share with a weight layer's (the tile's cells, converters, faults and noise), and the mapping's blocking. */
export type AdjacencyParams = Pick<
  CrossbarParams,
  | 'bitsPerCell'
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
> & { block: number; skipZeroBlocks: boolean; reorder: 'none' | 'rcm' };

/**
 * Where A + I sits on the chip, fixed when the graph is mapped: each node's place in the mapping's order and
 * the blocks stored. DropEdge rewrites the cells of these blocks; it does not move or add blocks.
 */
export interface AdjacencyLayout {
  /** pos[node] = its row (and column) in the mapping's order. */
  pos: Int32Array;
  /** order[row] = the node there. */
  order: Int32Array;
  /** Blocks per side, ⌈n / b⌉. */
  side: number;
  /** Stored blocks, I·side + J, ascending. */
  blocks: number[];
}

/** The mapping's order and stored blocks of the graph whose Â is `adj` (a DropEdge version keeps the full graph's). */
export function adjacencyLayout(
  adj: Csr,
  p: Pick<AdjacencyParams, 'block' | 'skipZeroBlocks' | 'reorder'>,
): AdjacencyLayout {
  const n = adj.n;
  // The simulator's RCM (gnn/rcm.ts) on the same pattern, A + I with one entry per edge: the same order.
  const order =
    p.reorder === 'rcm' ? reverseCuthillMcKee(n, adj.rowPtr, adj.cols) : Int32Array.from({ length: n }, (_, i) => i);
  const pos = inversePermutation(order);
  const b = Math.max(1, p.block);
  const side = Math.ceil(n / b);
  let blocks: number[];
  if (p.skipZeroBlocks) {
    const stored = new Set<number>();
    for (let i = 0; i < n; i++)
      for (let e = adj.rowPtr[i]!; e < adj.rowPtr[i + 1]!; e++)
        stored.add(Math.floor(pos[i]! / b) * side + Math.floor(pos[adj.cols[e]!]! / b));
    blocks = [...stored].sort((x, y) => x - y);
  } else blocks = Array.from({ length: side * side }, (_, x) => x);
  return { pos, order, side, blocks };
}

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

/** D^−½ of Â = D^−½ (A + I) D^−½: the square root of its diagonal, the self loop's 1/d. */
function inverseSqrtDegrees(adj: Csr): Float32Array {
  const out = new Float32Array(adj.n);
  for (let i = 0; i < adj.n; i++) {
    for (let e = adj.rowPtr[i]!; e < adj.rowPtr[i + 1]!; e++) if (adj.cols[e] === i) out[i] = Math.sqrt(adj.vals[e]!);
    if (!(out[i]! > 0)) throw new Error(`adjacency: node ${i} has no self loop in Â (Â = D^−½ (A + I) D^−½)`);
  }
  return out;
}

/**
 * The stuck cells of one stored block, drawn from the chip's seed and the block's place (so a block keeps its
 * faults whatever is written to it): in-block index r·b + c → 1 stuck at G_off, 2 stuck at G_on.
 */
function blockFaults(
  p: AdjacencyParams,
  seed: number,
  I: number,
  J: number,
  rowsIn: number,
  colsIn: number,
): Map<number, number> {
  const out = new Map<number, number>();
  if (!(p.stuckAtZero > 0 || p.stuckAtOne > 0)) return out;
  const rng = new Rng((seed ^ Math.imul(I + 1, 0x85ebca6b) ^ Math.imul(J + 1, 0xc2b2ae35)) >>> 0);
  const b = Math.max(1, p.block);
  // A Poisson number of each kind over the block's cells, at uniform places (SA0 first where both fall).
  for (const [kind, rate] of [
    [1, p.stuckAtZero],
    [2, p.stuckAtOne],
  ] as const) {
    const lambda = rowsIn * colsIn * Math.min(1, rate);
    if (rate >= 1) {
      for (let r = 0; r < rowsIn; r++)
        for (let c = 0; c < colsIn; c++) if (!out.has(r * b + c)) out.set(r * b + c, kind);
      continue;
    }
    for (let t = -Math.log(1 - rng.next()); t < lambda; t -= Math.log(1 - rng.next())) {
      const at = rng.int(rowsIn) * b + rng.int(colsIn);
      if (!out.has(at)) out.set(at, kind);
    }
  }
  return out;
}

export class AdjacencyCrossbar {
  /** A + I as the cells hold it, in edge units (1: a healthy edge at G_on; faults, spread, write noise, spurious edges). */
  readonly cells: Csr;
  /** Its transpose (for the backward pass: the cells are not symmetric once imperfect). */
  readonly cellsT: Csr;
  /** D^−½ of the written Â, applied digitally to the features in and to the sums out. */
  readonly dinv: Float32Array;
  /** Output noise σ per node for an unsigned and a signed feature pass, in edge units per input integer step (before D^−½). */
  readonly noiseStd: { unsigned: Float32Array; signed: Float32Array } | undefined;
  readonly storedBlocks: number;

  constructor(
    adj: Csr,
    readonly params: AdjacencyParams,
    seed: number,
    /** The mapped graph's layout (adjacencyLayout of the full Â); by default that of `adj`. */
    layout: AdjacencyLayout = adjacencyLayout(adj, params),
  ) {
    const p = params;
    const n = adj.n;
    const b = Math.max(1, p.block);
    const { pos, order, side } = layout;
    this.dinv = inverseSqrtDegrees(adj);
    this.storedBlocks = layout.blocks.length;
    const L1 = 2 ** p.bitsPerCell - 1;
    const dG = (p.gOn - p.gOff) / L1;
    const base = p.gOff / dG;
    const writes = new Rng(seed).fork(2);
    const rows: number[] = [];
    const cols: number[] = [];
    const vals: number[] = [];
    // Σ of levels per (node i, block column J): the block column's conductance, for the thermal noise.
    const levSum = new Map<number, number>();
    const add = (i: number, k: number, lev: number): void => {
      rows.push(i);
      cols.push(k);
      vals.push(lev / L1);
      const key = i * side + Math.floor(pos[k]! / b);
      levSum.set(key, (levSum.get(key) ?? 0) + lev);
    };
    // Edges of A + I by block, so each block's faults are drawn once.
    const edges = new Map<number, number[]>();
    for (let i = 0; i < n; i++)
      for (let e = adj.rowPtr[i]!; e < adj.rowPtr[i + 1]!; e++) {
        const k = adj.cols[e]!;
        const blk = Math.floor(pos[i]! / b) * side + Math.floor(pos[k]! / b);
        let list = edges.get(blk);
        if (!list) edges.set(blk, (list = []));
        list.push(i, k);
      }
    for (const blk of layout.blocks) {
      const [I, J] = [Math.floor(blk / side), blk % side];
      const rowsIn = Math.min(b, n - I * b);
      const colsIn = Math.min(b, n - J * b);
      const faults = blockFaults(p, seed, I, J, rowsIn, colsIn);
      const list = edges.get(blk) ?? [];
      const onEdge = new Set<number>();
      for (let x = 0; x < list.length; x += 2) {
        const [i, k] = [list[x]!, list[x + 1]!];
        const at = (pos[i]! - I * b) * b + (pos[k]! - J * b);
        onEdge.add(at);
        const stuck = faults.get(at);
        if (stuck === 1) continue;
        if (stuck === 2) {
          add(i, k, L1);
          continue;
        }
        const delta = p.spread > 0 ? p.spread * cellNormal(seed, blk, at) : 0;
        const eps = p.writeNoise > 0 ? p.writeNoise * writes.normal() : 0;
        add(i, k, programmedLevel(L1, base, delta, eps));
      }
      // Stuck-at-one cells where A + I is zero: spurious edges.
      for (const [at, stuck] of faults)
        if (stuck === 2 && !onEdge.has(at)) add(order[I * b + Math.floor(at / b)]!, order[J * b + (at % b)]!, L1);
    }
    const stored = new Set(layout.blocks);
    for (const blk of edges.keys())
      if (!stored.has(blk))
        throw new Error(`adjacency: Â has an entry in block ${blk}, which the mapped graph does not store`);
    this.cells = csrOf(n, rows, cols, vals);
    this.cellsT = csrOf(n, cols, rows, vals);
    this.noiseStd = p.temperatureK > 0 && p.bandwidthHz > 0 ? this.thermal(levSum, layout, n, dG, L1) : undefined;
  }

  /** Â as the chip computes it, D^−½ · cells · D^−½ (in Â's units; for inspection). */
  effective(): Csr {
    const { n, rowPtr, cols, vals } = this.cells;
    const v = Float32Array.from(vals);
    for (let i = 0; i < n; i++)
      for (let e = rowPtr[i]!; e < rowPtr[i + 1]!; e++) v[e] = this.dinv[i]! * vals[e]! * this.dinv[cols[e]!]!;
    return { n, rowPtr, cols, vals: v };
  }

  /** Per-node output σ: every stored block column's rounded per-read noise, over the input chunks. */
  private thermal(
    levSum: Map<number, number>,
    layout: AdjacencyLayout,
    n: number,
    dG: number,
    L1: number,
  ): { unsigned: Float32Array; signed: Float32Array } {
    const p = this.params;
    const b = Math.max(1, p.block);
    const { side, order } = layout;
    const vUnit = p.readVoltage / (2 ** p.dacBits - 1);
    const perPass = new Float64Array(n);
    for (const blk of layout.blocks) {
      const [I, J] = [Math.floor(blk / side), blk % side];
      const rowsIn = Math.min(b, n - J * b);
      for (let r = I * b; r < Math.min(n, I * b + b); r++) {
        const i = order[r]!;
        const sigma =
          thermalNoiseCurrent(rowsIn * p.gOff + (levSum.get(i * side + J) ?? 0) * dG, p.temperatureK, p.bandwidthHz) /
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
    // Level units to edge units: an edge is L1 levels.
    return {
      unsigned: Float32Array.from(perPass, (v) => Math.sqrt(v * gu) / L1),
      signed: Float32Array.from(perPass, (v) => Math.sqrt(2 * v * gs) / L1),
    };
  }
}

/** A standard normal fixed by (seed, block, place): a cell's static spread, the same at every rewrite. */
function cellNormal(seed: number, blk: number, at: number): number {
  const rng = new Rng((seed ^ Math.imul(blk + 1, 0x27d4eb2f) ^ Math.imul(at + 1, 0x165667b1)) >>> 0);
  return rng.normal();
}
