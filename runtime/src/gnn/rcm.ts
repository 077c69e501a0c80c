// Reverse Cuthill–McKee: a breadth-first ordering from a low-degree node, neighbours in increasing degree,
// reversed. It narrows the band of a sparse symmetric matrix, so its non-zeros fall into fewer blocks.

/** The RCM order: order[newIndex] = oldIndex. Components are taken from their lowest-degree node. */
export function reverseCuthillMcKee(n: number, rowPtr: Int32Array, cols: Int32Array): Int32Array {
  const deg = new Int32Array(n);
  for (let i = 0; i < n; i++) deg[i] = rowPtr[i + 1]! - rowPtr[i]!;
  // Start candidates by (degree, index), so each component starts at its lowest-degree node.
  const byDegree = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => deg[a]! - deg[b]! || a - b);
  const visited = new Uint8Array(n);
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  const nbrs: number[] = [];
  for (const start of byDegree) {
    if (visited[start]) continue;
    visited[start] = 1;
    order[tail++] = start;
    while (head < tail) {
      const v = order[head++]!;
      nbrs.length = 0;
      for (let k = rowPtr[v]!; k < rowPtr[v + 1]!; k++) {
        const u = cols[k]!;
        if (!visited[u]) {
          visited[u] = 1;
          nbrs.push(u);
        }
      }
      nbrs.sort((a, b) => deg[a]! - deg[b]! || a - b);
      for (const u of nbrs) order[tail++] = u;
    }
  }
  return order.reverse();
}

/** pos[old] = new for an order order[new] = old. */
export function inversePermutation(order: Int32Array): Int32Array {
  const pos = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) pos[order[i]!] = i;
  return pos;
}

/** Matrix bandwidth max |pos[i] − pos[j]| over the non-zeros (identity order when pos is omitted). */
export function bandwidth(n: number, rowPtr: Int32Array, cols: Int32Array, pos?: Int32Array): number {
  let bw = 0;
  for (let i = 0; i < n; i++) {
    const pi = pos ? pos[i]! : i;
    for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) {
      const d = Math.abs(pi - (pos ? pos[cols[k]!]! : cols[k]!));
      if (d > bw) bw = d;
    }
  }
  return bw;
}
