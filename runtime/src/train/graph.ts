// Graph inputs for GCNs: the normalized adjacency Â = D^−½ (A + I) D^−½ (Kipf & Welling), DropEdge, and
// row-normalized node features.

import type { PlanetoidGraph } from '../data/planetoid.js';
import type { Rng } from '../util/rng.js';
import type { Csr } from './ops.js';

/** Â of the graph's undirected edges, keeping each edge with probability 1 − dropEdge (both directions together). */
export function normalizedAdjacency(g: PlanetoidGraph, dropEdge = 0, rng?: Rng): { adj: Csr; keptEdges: number } {
  const n = g.nodes;
  const m = g.edges.length / 2;
  const keep = new Uint8Array(m).fill(1);
  let kept = m;
  if (dropEdge > 0) {
    if (!rng) throw new Error('normalizedAdjacency: DropEdge needs an Rng');
    kept = 0;
    for (let e = 0; e < m; e++) {
      keep[e] = rng.next() >= dropEdge ? 1 : 0;
      kept += keep[e]!;
    }
  }
  const deg = new Int32Array(n).fill(1); // the self loop
  for (let e = 0; e < m; e++) {
    if (!keep[e]) continue;
    deg[g.edges[2 * e]!]!++;
    deg[g.edges[2 * e + 1]!]!++;
  }
  const rowPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowPtr[i + 1] = rowPtr[i]! + deg[i]!;
  const cols = new Int32Array(rowPtr[n]!);
  const vals = new Float32Array(rowPtr[n]!);
  const fill = rowPtr.slice(0, n);
  const put = (i: number, j: number): void => {
    const p = fill[i]!++;
    cols[p] = j;
    vals[p] = 1 / Math.sqrt(deg[i]! * deg[j]!);
  };
  for (let i = 0; i < n; i++) put(i, i);
  for (let e = 0; e < m; e++) {
    if (!keep[e]) continue;
    const a = g.edges[2 * e]!;
    const b = g.edges[2 * e + 1]!;
    put(a, b);
    put(b, a);
  }
  return { adj: { n, rowPtr, cols, vals }, keptEdges: kept };
}

/** Dense row-normalized features [nodes × features] (each node's bag of words sums to 1, as Kipf & Welling). */
export function denseFeatures(g: PlanetoidGraph): Float32Array {
  const x = new Float32Array(g.nodes * g.features);
  for (let i = 0; i < g.nodes; i++) {
    const a = g.featRowPtr[i]!;
    const b = g.featRowPtr[i + 1]!;
    for (let p = a; p < b; p++) x[i * g.features + g.featCols[p]!] = 1 / (b - a);
  }
  return x;
}
