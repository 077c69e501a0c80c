// DropLayer (DARe, ICCAD 2021) on the many-to-few vertex→edge flows: dropout zeroes a fraction p of the
// feature values (only non-zeros are sent), DropEdge removes a fraction q of the edges (a block's crossbar
// then needs fewer input rows, and whole blocks can vanish). Self loops stay.
import { Rng } from '../util/rng.js';
import { neighbours, type GraphLike } from './adjacency.js';
import { countBlocks } from './blocks.js';

export interface DropLayerTraffic {
  dropout: number;
  dropedge: number;
  block: number;
  features: number;
  value_bits: number;
  edges_kept: number;
  edges_total: number;
  /** V→E bits per layer pass: Σ over non-zero blocks of rows needed × features × value bits. */
  base_bits: number;
  dropout_bits: number;
  dropedge_bits: number;
  both_bits: number;
  /** base / both. */
  reduction: number;
}

/** Pattern of A + I as CSR (sorted columns). */
export function patternWithSelfLoops(g: GraphLike): { rowPtr: Int32Array; cols: Int32Array } {
  const nb = neighbours(g);
  const n = g.nodes;
  const rowPtr = new Int32Array(n + 1);
  const cols = new Int32Array(nb.cols.length + n);
  let w = 0;
  for (let i = 0; i < n; i++) {
    let selfDone = false;
    for (let k = nb.rowPtr[i]!; k < nb.rowPtr[i + 1]!; k++) {
      const j = nb.cols[k]!;
      if (!selfDone && j > i) {
        cols[w++] = i;
        selfDone = true;
      }
      cols[w++] = j;
    }
    if (!selfDone) cols[w++] = i;
    rowPtr[i + 1] = w;
  }
  return { rowPtr, cols };
}

export function dropLayerTraffic(
  g: GraphLike,
  opts: {
    block: number;
    features: number;
    valueBits: number;
    dropout: number;
    dropedge: number;
    seed: number;
    pos?: Int32Array;
  },
): DropLayerTraffic {
  const { block, features, valueBits, dropout, dropedge, seed, pos } = opts;
  const base = patternWithSelfLoops(g);
  const rng = new Rng(seed);
  const kept: number[] = [];
  const m = g.edges.length / 2;
  for (let k = 0; k < m; k++) if (rng.next() >= dropedge) kept.push(g.edges[2 * k]!, g.edges[2 * k + 1]!);
  const dropped = patternWithSelfLoops({ nodes: g.nodes, edges: Int32Array.from(kept) });
  const rowsBase = countBlocks(g.nodes, base.rowPtr, base.cols, block, pos).rows_needed;
  const rowsDrop = countBlocks(g.nodes, dropped.rowPtr, dropped.cols, block, pos).rows_needed;
  const perRow = features * valueBits;
  const baseBits = rowsBase * perRow;
  const both = rowsDrop * perRow * (1 - dropout);
  return {
    dropout,
    dropedge,
    block,
    features,
    value_bits: valueBits,
    edges_kept: kept.length / 2,
    edges_total: m,
    base_bits: baseBits,
    dropout_bits: baseBits * (1 - dropout),
    dropedge_bits: rowsDrop * perRow,
    both_bits: both,
    reduction: both > 0 ? baseBits / both : Infinity,
  };
}
