// Crossbar geometry: how a K×N weight matrix of b-bit weights lands on r×c crossbars of p-bit cells,
// and how many input cycles a bit-serial DAC needs. The one place for these figures: the mapping
// pass writes them into the IR, the simulator checks and costs them, and the crossbar numerics, the
// trainer and the GNN adjacency blocks tile with them.

/**
 * How signed weights sit on cells: `offset` stores q + 2^(W−1) in one column per slice (the periphery
 * subtracts the offset digitally); `differential` stores max(q, 0) and max(−q, 0) in a G+/G− column pair
 * per slice (the periphery subtracts the pair), so |q| needs W−1 bits.
 */
export type WeightEncoding = 'offset' | 'differential';

/** Bit slices of one weight: ⌈W / bitsPerCell⌉ (offset), ⌈(W−1) / bitsPerCell⌉ (differential: the sign is the pair). */
export function weightSlices(weightBits: number, bitsPerCell: number, encoding: WeightEncoding = 'offset'): number {
  return Math.ceil((encoding === 'differential' ? weightBits - 1 : weightBits) / bitsPerCell);
}

/** Crossbar columns (cells on one row) one weight takes: its slices, twice over when differential. */
export function weightColumns(weightBits: number, bitsPerCell: number, encoding: WeightEncoding = 'offset'): number {
  return weightSlices(weightBits, bitsPerCell, encoding) * (encoding === 'differential' ? 2 : 1);
}

/** Input cycles of a bit-serial DAC of `dacBits` bits: ⌈inputBits / dacBits⌉. */
export function inputCycles(inputBits: number, dacBits: number): number {
  return Math.ceil(inputBits / dacBits);
}

/** A weight matrix cut into crossbar-sized pieces (the field names are the IR's). */
export interface MatrixTiling {
  /** K: one row per input. */
  rows_needed: number;
  /** N × slices: one column per output and slice. */
  cols_needed: number;
  slices: number;
  /** ⌈K / rows⌉ crossbars down the inputs. */
  row_tiles: number;
  /** ⌈N·slices / cols⌉ crossbars across the outputs. */
  col_tiles: number;
  /** row_tiles × col_tiles crossbars for one copy of the matrix. */
  crossbars: number;
}

/** A K×N matrix with `slices` columns per weight (weightColumns) on crossbars of `rows`×`cols` cells. */
export function tileMatrix(K: number, N: number, slices: number, rows: number, cols: number): MatrixTiling {
  const rowTiles = Math.ceil(K / rows);
  const colTiles = Math.ceil((N * slices) / cols);
  return {
    rows_needed: K,
    cols_needed: N * slices,
    slices,
    row_tiles: rowTiles,
    col_tiles: colTiles,
    crossbars: rowTiles * colTiles,
  };
}

/** Whole tiles holding `crossbars` arrays at `perTile` a tile (at least one array a tile). */
export function tilesFor(crossbars: number, perTile: number): number {
  return Math.ceil(crossbars / Math.max(1, perTile));
}

/** Fraction of the cells of `crossbars` arrays of `rows`×`cols` that hold a K×N matrix's `slices`-cell weights. */
export function cellUtilization(
  K: number,
  N: number,
  slices: number,
  crossbars: number,
  rows: number,
  cols: number,
): number {
  return crossbars > 0 ? (K * N * slices) / (crossbars * rows * cols) : 0;
}
