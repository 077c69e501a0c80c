// Cuts an n×n sparsity pattern into b×b blocks and counts the blocks holding a non-zero, and, per such
// block, the distinct columns it touches (the input rows that must be sent to its crossbar).

export interface BlockCount {
  block: number;
  /** Blocks per side: ⌈n / b⌉. */
  grid: number;
  nnz: number;
  nonzero_blocks: number;
  /** Σ over non-zero blocks of the distinct columns with a non-zero in the block. */
  rows_needed: number;
}

/** `pos` permutes rows and columns (pos[old] = new); the pattern is given as CSR of old indices. */
export function countBlocks(n: number, rowPtr: Int32Array, cols: Int32Array, b: number, pos?: Int32Array): BlockCount {
  const grid = Math.ceil(n / b);
  const nnz = rowPtr[n]!;
  const keyOf = (i: number, j: number): number => {
    const pi = pos ? pos[i]! : i;
    const pj = pos ? pos[j]! : j;
    // (block row, block col, column within the block)
    return (Math.floor(pi / b) * grid + Math.floor(pj / b)) * b + (pj % b);
  };
  const space = grid * grid * b;
  let blocks = 0;
  let rowsNeeded = 0;
  if (space <= 1 << 26) {
    const seenCol = new Uint8Array(space);
    const seenBlock = new Uint8Array(grid * grid);
    for (let i = 0; i < n; i++)
      for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) {
        const key = keyOf(i, cols[k]!);
        if (!seenCol[key]) {
          seenCol[key] = 1;
          rowsNeeded++;
          const blk = Math.floor(key / b);
          if (!seenBlock[blk]) {
            seenBlock[blk] = 1;
            blocks++;
          }
        }
      }
  } else {
    const keys = new Float64Array(nnz);
    let w = 0;
    for (let i = 0; i < n; i++) for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) keys[w++] = keyOf(i, cols[k]!);
    keys.sort();
    for (let k = 0; k < w; k++) {
      if (k > 0 && keys[k] === keys[k - 1]) continue;
      rowsNeeded++;
      if (k === 0 || Math.floor(keys[k]! / b) !== Math.floor(keys[k - 1]! / b)) blocks++;
    }
  }
  return { block: b, grid, nnz, nonzero_blocks: blocks, rows_needed: rowsNeeded };
}
