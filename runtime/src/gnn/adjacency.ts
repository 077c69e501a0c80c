// The GCN propagation matrix Â = D^-½ (A + I) D^-½ of an undirected graph, in CSR with sorted columns.
import { SimError } from '../sim/errors.js';

/** What the GNN models need of a graph (PlanetoidGraph satisfies it). */
export interface GraphLike {
  name?: string;
  nodes: number;
  /** Undirected pairs a0,b0,a1,b1,… */
  edges: Int32Array;
}

export interface Csr {
  n: number;
  rowPtr: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
}

/** Neighbour lists (symmetric, no self loops, duplicates removed), as CSR without values. */
export function neighbours(g: GraphLike): { rowPtr: Int32Array; cols: Int32Array } {
  const n = g.nodes;
  const e = g.edges;
  const where = `graph ${g.name ?? ''}`.trim();
  if (!Number.isInteger(n) || n < 1) throw new SimError(where, `node count must be a positive integer (got ${n})`);
  if (e.length % 2 !== 0) throw new SimError(where, `edge list has an odd number of entries (${e.length})`);
  const deg = new Int32Array(n);
  for (let k = 0; k < e.length; k += 2) {
    const a = e[k]!;
    const b = e[k + 1]!;
    if (a < 0 || a >= n || b < 0 || b >= n)
      throw new SimError(where, `edge ${k / 2} (${a}, ${b}) names a node outside 0..${n - 1}`);
    if (a === b) continue;
    deg[a]!++;
    deg[b]!++;
  }
  const ptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) ptr[i + 1] = ptr[i]! + deg[i]!;
  const fill = ptr.slice(0, n);
  const cols = new Int32Array(ptr[n]!);
  for (let k = 0; k < e.length; k += 2) {
    const a = e[k]!;
    const b = e[k + 1]!;
    if (a === b) continue;
    cols[fill[a]!++] = b;
    cols[fill[b]!++] = a;
  }
  // Sort each row and drop duplicate edges.
  const outPtr = new Int32Array(n + 1);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const row = cols.subarray(ptr[i]!, ptr[i + 1]!).sort();
    const start = w;
    for (let k = 0; k < row.length; k++) if (k === 0 || row[k] !== row[k - 1]) cols[w++] = row[k]!;
    outPtr[i] = start;
    outPtr[i + 1] = w;
  }
  return { rowPtr: outPtr, cols: cols.slice(0, w) };
}

/** Â = D^-½ (A + I) D^-½ with D the degree matrix of A + I (Kipf & Welling's renormalization). */
export function normalizedAdjacency(g: GraphLike): Csr {
  const nb = neighbours(g);
  const n = g.nodes;
  const rowPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowPtr[i + 1] = rowPtr[i]! + (nb.rowPtr[i + 1]! - nb.rowPtr[i]!) + 1;
  const cols = new Int32Array(rowPtr[n]!);
  const vals = new Float64Array(rowPtr[n]!);
  const dInvSqrt = new Float64Array(n);
  for (let i = 0; i < n; i++) dInvSqrt[i] = 1 / Math.sqrt(nb.rowPtr[i + 1]! - nb.rowPtr[i]! + 1);
  for (let i = 0; i < n; i++) {
    let w = rowPtr[i]!;
    let selfDone = false;
    for (let k = nb.rowPtr[i]!; k < nb.rowPtr[i + 1]!; k++) {
      const j = nb.cols[k]!;
      if (!selfDone && j > i) {
        cols[w] = i;
        vals[w++] = dInvSqrt[i]! * dInvSqrt[i]!;
        selfDone = true;
      }
      cols[w] = j;
      vals[w++] = dInvSqrt[i]! * dInvSqrt[j]!;
    }
    if (!selfDone) {
      cols[w] = i;
      vals[w++] = dInvSqrt[i]! * dInvSqrt[i]!;
    }
  }
  return { n, rowPtr, cols, vals };
}
