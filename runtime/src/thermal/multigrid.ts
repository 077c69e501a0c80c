// The conjugate gradient's preconditioner: one geometric multigrid V-cycle (Trottenberg, Oosterlee and
// Schüller, "Multigrid", 2001, §5.1 on anisotropic problems; Saad, "Iterative Methods for Sparse
// Linear Systems", 2nd ed., §13). A die stack is thin: its cells are coupled far more strongly
// within a column (through a few µm to mm of material) than a die layer's cells are to their
// neighbours, while the spreader and the sink are coupled strongly sideways. So the grid is
// coarsened only sideways (2 × 2 cells of every layer become one), the smoother relaxes whole
// columns at once (line Gauss–Seidel: each column's tridiagonal system solved exactly), and each
// coarser level is the same stack's network on a coarser grid (model.ts), solved exactly at 4 × 4 or
// fewer cells. Transfers are bilinear between cell centres (restriction its transpose), the pre-
// and post-smoothing sweeps run in opposite orders, so the preconditioner is symmetric, as the
// conjugate gradient needs.
import { buildNetwork, type ThermalNetwork } from './model.js';
import { denseCholesky, solveDense, type CsrMatrix, type DenseFactor } from './sparse.js';
import type { ThermalStack } from './types.js';

/** Along one axis, the two coarse cells each fine cell interpolates from, and their weights. */
interface AxisTransfer {
  lo: Int32Array;
  hi: Int32Array;
  wLo: Float64Array;
}

interface Level {
  net: ThermalNetwork;
  /** columns of nodes relaxed together: [start[c], start[c + 1]) (a grid column, or one package node) */
  start: Int32Array;
  /** the matrix without the couplings inside a column */
  off: CsrMatrix;
  /** per row, the first entry of `off` in a column relaxed after the row's own */
  later: Int32Array;
  /** Thomas factors of each column's tridiagonal block: a(i, i−1), 1 / pivot, a(i, i+1) / pivot */
  sub: Float64Array;
  invPivot: Float64Array;
  supScaled: Float64Array;
  x: Float64Array;
  b: Float64Array;
  r: Float64Array;
  /** to the next coarser level */
  ty?: AxisTransfer;
  tx?: AxisTransfer;
  exact?: DenseFactor;
}

/** The coarsest grid solved by a dense factor (every layer's cells and the package nodes). */
const COARSEST_SIDE = 4;

function axisTransfer(fine: number, coarse: number): AxisTransfer {
  const lo = new Int32Array(fine);
  const hi = new Int32Array(fine);
  const wLo = new Float64Array(fine);
  for (let i = 0; i < fine; i++) {
    if (coarse === fine) {
      lo[i] = hi[i] = i;
      wLo[i] = 1;
      continue;
    }
    // fine cell i lies in coarse cell i >> 1, a quarter of a coarse cell from its centre towards
    // the neighbour on its side: weights 3/4 and 1/4 (all on its own cell at the grid's edge)
    const own = i >> 1;
    const next = i & 1 ? own + 1 : own - 1;
    lo[i] = own;
    hi[i] = next >= 0 && next < coarse ? next : own;
    wLo[i] = hi[i] === own ? 1 : 0.75;
  }
  return { lo, hi, wLo };
}

function makeLevel(net: ThermalNetwork): Level {
  const { matrix: a, rows, cols, gridLayers: nl, peripheralBase: base } = net;
  const n = a.n;
  const columns = rows * cols + (n - base);
  const start = new Int32Array(columns + 1);
  for (let c = 0; c <= rows * cols; c++) start[c] = c * nl;
  for (let c = rows * cols + 1; c <= columns; c++) start[c] = start[c - 1] + 1;
  const sub = new Float64Array(n);
  const sup = new Float64Array(n);
  const diag = new Float64Array(n);
  const offPtr = new Int32Array(n + 1);
  const offCol = new Int32Array(a.values.length);
  const offVal = new Float64Array(a.values.length);
  const later = new Int32Array(n);
  let k = 0;
  for (let c = 0; c < columns; c++) {
    for (let i = start[c]; i < start[c + 1]; i++) {
      later[i] = -1;
      for (let p = a.rowPtr[i]; p < a.rowPtr[i + 1]; p++) {
        const j = a.colIdx[p];
        if (j === i) diag[i] = a.values[p];
        else if (j === i - 1 && j >= start[c]) sub[i] = a.values[p];
        else if (j === i + 1 && j < start[c + 1]) sup[i] = a.values[p];
        else {
          if (j >= start[c + 1] && later[i] < 0) later[i] = k; // rows are sorted by column
          offCol[k] = j;
          offVal[k++] = a.values[p];
        }
      }
      offPtr[i + 1] = k;
      if (later[i] < 0) later[i] = k;
    }
  }
  // Thomas: pivot_i = d_i − a(i, i−1) · a(i−1, i) / pivot_{i−1}
  const invPivot = new Float64Array(n);
  const supScaled = new Float64Array(n);
  for (let c = 0; c < columns; c++) {
    for (let i = start[c]; i < start[c + 1]; i++) {
      const pivot = diag[i] - (i > start[c] ? sub[i] * supScaled[i - 1] : 0);
      invPivot[i] = 1 / pivot;
      supScaled[i] = sup[i] / pivot;
    }
  }
  const off = { n, rowPtr: offPtr, colIdx: offCol.slice(0, k), values: offVal.slice(0, k) };
  const vec = () => new Float64Array(n);
  return { net, start, off, later, sub, invPivot, supScaled, x: vec(), b: vec(), r: vec() };
}

/** The levels of the V-cycle for a stack on a rows × cols grid, the finest being `fine`. */
export function multigridPreconditioner(
  stack: ThermalStack,
  fine: ThermalNetwork,
): (r: Float64Array, z: Float64Array) => void {
  const levels = [makeLevel(fine)];
  for (;;) {
    const last = levels[levels.length - 1];
    const { rows, cols } = last.net;
    if (rows <= COARSEST_SIDE && cols <= COARSEST_SIDE) {
      last.exact = denseCholesky(last.net.matrix);
      break;
    }
    const cr = rows > COARSEST_SIDE ? Math.ceil(rows / 2) : rows;
    const cc = cols > COARSEST_SIDE ? Math.ceil(cols / 2) : cols;
    last.ty = axisTransfer(rows, cr);
    last.tx = axisTransfer(cols, cc);
    levels.push(makeLevel(buildNetwork(stack, cr, cc)));
  }
  return (r, z) => {
    levels[0].b.set(r);
    vCycle(levels, 0);
    z.set(levels[0].x);
  };
}

function vCycle(levels: Level[], k: number): void {
  const lv = levels[k];
  if (lv.exact) {
    solveDense(lv.exact, lv.b, lv.x);
    return;
  }
  const coarse = levels[k + 1];
  lv.x.fill(0);
  relax(lv, true);
  residualAfterSweep(lv);
  coarse.b.fill(0);
  transfer(lv, coarse, false);
  vCycle(levels, k + 1);
  transfer(lv, coarse, true);
  relax(lv, false);
}

/** One line Gauss–Seidel sweep over the columns, forwards or backwards. */
function relax(lv: Level, forwards: boolean): void {
  const { start, off, sub, invPivot, supScaled, x, b } = lv;
  const { rowPtr, colIdx, values } = off;
  const columns = start.length - 1;
  for (let t = 0; t < columns; t++) {
    const c = forwards ? t : columns - 1 - t;
    const s = start[c];
    const e = start[c + 1];
    // forward elimination of (b − off·x) down the column, then back substitution up it
    for (let i = s; i < e; i++) {
      let acc = b[i];
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) acc -= values[p] * x[colIdx[p]];
      x[i] = (acc - (i > s ? sub[i] * x[i - 1] : 0)) * invPivot[i];
    }
    for (let i = e - 2; i >= s; i--) x[i] -= supScaled[i] * x[i + 1];
  }
}

/**
 * r = b − A·x right after a forward sweep from x = 0: each column's equations held when it was
 * relaxed, and since then only the columns relaxed after it have moved (from 0), so its residual is
 * −(their couplings)·x — a sixth of the work of the full product.
 */
function residualAfterSweep(lv: Level): void {
  const { rowPtr, colIdx, values, n } = lv.off;
  const { x, r, later } = lv;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = later[i]; p < rowPtr[i + 1]; p++) s -= values[p] * x[colIdx[p]];
    r[i] = s;
  }
}

/**
 * Bilinear prolongation (coarse x added into the fine x) or its transpose, the restriction (fine r
 * summed into the coarse b); the package nodes map one to one.
 */
function transfer(fine: Level, coarse: Level, prolong: boolean): void {
  const { rows, cols, gridLayers: nl, peripheralBase: base } = fine.net;
  const cc = coarse.net.cols;
  const { ty, tx } = fine as Required<Pick<Level, 'ty' | 'tx'>>;
  const fv = prolong ? fine.x : fine.r;
  const cv = prolong ? coarse.x : coarse.b;
  for (let i = 0; i < rows; i++) {
    const wy = ty.wLo[i];
    for (let j = 0; j < cols; j++) {
      const wx = tx.wLo[j];
      const f = (i * cols + j) * nl;
      const c00 = (ty.lo[i] * cc + tx.lo[j]) * nl;
      const c01 = (ty.lo[i] * cc + tx.hi[j]) * nl;
      const c10 = (ty.hi[i] * cc + tx.lo[j]) * nl;
      const c11 = (ty.hi[i] * cc + tx.hi[j]) * nl;
      const w00 = wy * wx;
      const w01 = wy * (1 - wx);
      const w10 = (1 - wy) * wx;
      const w11 = (1 - wy) * (1 - wx);
      for (let l = 0; l < nl; l++) {
        if (prolong) {
          fv[f + l] += w00 * cv[c00 + l] + w01 * cv[c01 + l] + w10 * cv[c10 + l] + w11 * cv[c11 + l];
        } else {
          const v = fv[f + l];
          cv[c00 + l] += w00 * v;
          cv[c01 + l] += w01 * v;
          cv[c10 + l] += w10 * v;
          cv[c11 + l] += w11 * v;
        }
      }
    }
  }
  const coarseBase = coarse.net.peripheralBase;
  for (let p = 0; p < fine.net.matrix.n - base; p++) {
    if (prolong) fv[base + p] += cv[coarseBase + p];
    else cv[coarseBase + p] += fv[base + p];
  }
}
