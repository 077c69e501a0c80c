// What a write is, in one place for the trainer's cells (crossbar.ts) and the simulator's training cost
// (sim/training.ts).
//
// A write programs ONE cell — one conductance: each bit-slice column of a weight has its own cell, and the
// G+ and G− cells of a differential pair are two cells — to a level other than the one it holds. It is one
// programming operation at the device's `write_energy_j` and `write_latency_s` (the device's figures are per
// programmed cell, however many pulses its write-verify takes). A cell whose target level equals its level
// is not written; a stuck cell is never written; an unprogrammed cell is written on the first programming.
// The write that wears a cell out is a write (it costs its energy; the cell then sticks). Each replica of a
// layer holds the same levels, so it takes the same writes.
//
// The simulator, without measurements, assumes every cell of every replica changes at every update: an
// upper bound. The trainer counts each cell's writes (its checkpoint keeps them), from which the simulator
// takes the measured rate instead.

/** Level of a cell never programmed. */
export const UNPROGRAMMED = -1;

/** Whether programming `target` into a cell holding `held` is a write (a stuck cell is never written). */
export function isWrite(held: number, target: number, stuck: boolean): boolean {
  return !stuck && held !== target;
}

/** Cells of one copy of a K×N weight matrix whose outputs take `columns` columns each (slices × signs). */
export function weightCells(K: number, N: number, columns: number): number {
  return K * N * columns;
}

/** A layer's writes measured over `updates` weight updates (the first programming excluded). */
export interface MeasuredLayerWrites {
  /** Cells of one copy (the trainer models one; replicas take the same writes). */
  cells: number;
  updates: number;
  /** Writes over those updates, all cells of one copy together. */
  writes: number;
  /** Writes over those updates taken by the most-written cell: the first to wear out. */
  max_cell_writes: number;
}

/** Writes of one update per copy and of the most-written cell, by layer name. */
export type MeasuredWrites = Record<string, MeasuredLayerWrites>;

/**
 * A layer's update writes from its cells' write counts since the chip was blank, after `updates` updates:
 * every healthy cell took one write at the first programming (a stuck cell none), so a cell counted c ≥ 1
 * took c − 1 writes in the updates.
 */
export function measuredLayerWrites(counts: ArrayLike<number>, updates: number): MeasuredLayerWrites {
  let writes = 0;
  let most = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = Math.max(0, counts[i]! - 1);
    writes += c;
    if (c > most) most = c;
  }
  return { cells: counts.length, updates, writes, max_cell_writes: most };
}

/** Writes of one update to `replicas` copies of a layer: every cell (analytic) or the measured mean. */
export function writesPerUpdate(cells: number, replicas: number, measured?: MeasuredLayerWrites): number {
  if (!measured || measured.updates === 0) return cells * replicas;
  return (measured.writes / measured.updates) * replicas;
}

/** Writes one update gives the most-written cell: 1 (analytic) or the measured rate. */
export function maxCellWritesPerUpdate(measured?: MeasuredLayerWrites): number {
  if (!measured || measured.updates === 0) return 1;
  return measured.max_cell_writes / measured.updates;
}
