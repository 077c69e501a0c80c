// A symmetric conductance matrix assembled from node-to-node conductances, stored as CSR, and the
// preconditioned conjugate gradient that solves it. Written here rather than taken from a library:
// npm has no maintained sparse SPD solver for plain JavaScript numbers (the numeric packages found
// are dense — ml-matrix — or unmaintained), and the thermal system needs only assembly, a
// matrix-vector product, an incomplete Cholesky factor and the CG loop (Saad, "Iterative Methods
// for Sparse Linear Systems", 2nd ed., Alg. 9.1 and §10.3.2).

/** Collects conductances between nodes (and to a fixed-temperature ground) into a CSR matrix. */
export class ConductanceBuilder {
  private readonly diag: Float64Array;
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  private g = new Float64Array(1024);
  private count = 0;

  constructor(readonly n: number) {
    this.diag = new Float64Array(n);
  }

  /** conductance g (W/K) between nodes a and b */
  connect(a: number, b: number, g: number): void {
    if (!(g > 0) || a === b) return;
    if (this.count === this.a.length) {
      const grow = <T extends Int32Array | Float64Array>(x: T): T => {
        const y = new (x.constructor as { new (n: number): T })(x.length * 2);
        y.set(x);
        return y;
      };
      this.a = grow(this.a);
      this.b = grow(this.b);
      this.g = grow(this.g);
    }
    this.diag[a] += g;
    this.diag[b] += g;
    this.a[this.count] = a;
    this.b[this.count] = b;
    this.g[this.count++] = g;
  }

  /** conductance g between node a and the ground (ambient) */
  ground(a: number, g: number): void {
    if (g > 0) this.diag[a] += g;
  }

  /** CSR with sorted columns; repeated connections between the same nodes are summed. */
  build(): CsrMatrix {
    const n = this.n;
    const counts = new Int32Array(n + 1);
    for (let e = 0; e < this.count; e++) {
      counts[this.a[e] + 1]++;
      counts[this.b[e] + 1]++;
    }
    for (let i = 0; i < n; i++) counts[i + 1] += counts[i] + 1; // + the diagonal
    const rowPtr = counts;
    const fill = rowPtr.slice(0, n);
    const colIdx = new Int32Array(rowPtr[n]);
    const values = new Float64Array(rowPtr[n]);
    for (let i = 0; i < n; i++) {
      colIdx[fill[i]] = i;
      // a node connected to nothing (a package node of a spreader no larger than the die) is tied
      // to the ground: it carries no power, so it sits at ambient and the matrix stays definite
      values[fill[i]++] = this.diag[i] > 0 ? this.diag[i] : 1;
    }
    for (let e = 0; e < this.count; e++) {
      const [a, b, g] = [this.a[e], this.b[e], this.g[e]];
      colIdx[fill[a]] = b;
      values[fill[a]++] = -g;
      colIdx[fill[b]] = a;
      values[fill[b]++] = -g;
    }
    return compactRows(n, rowPtr, colIdx, values);
  }
}

/** Sorts each row by column and sums repeated columns. */
function compactRows(n: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array): CsrMatrix {
  const outPtr = new Int32Array(n + 1);
  const outCol = new Int32Array(colIdx.length);
  const outVal = new Float64Array(values.length);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const s = rowPtr[i];
    const e = rowPtr[i + 1];
    for (let p = s + 1; p < e; p++) {
      // insertion sort: rows hold a handful of entries (a grid stencil), a few hold one edge
      const c = colIdx[p];
      const v = values[p];
      let q = p - 1;
      while (q >= s && colIdx[q] > c) {
        colIdx[q + 1] = colIdx[q];
        values[q + 1] = values[q];
        q--;
      }
      colIdx[q + 1] = c;
      values[q + 1] = v;
    }
    for (let p = s; p < e; p++) {
      if (k > outPtr[i] && outCol[k - 1] === colIdx[p]) outVal[k - 1] += values[p];
      else {
        outCol[k] = colIdx[p];
        outVal[k++] = values[p];
      }
    }
    outPtr[i + 1] = k;
  }
  return { n, rowPtr: outPtr, colIdx: outCol.slice(0, k), values: outVal.slice(0, k) };
}

export interface CsrMatrix {
  n: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

export function multiply(a: CsrMatrix, x: Float64Array, y: Float64Array): void {
  const { n, rowPtr, colIdx, values } = a;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) s += values[k] * x[colIdx[k]];
    y[i] = s;
  }
}

/**
 * Modified incomplete LU factor with zero fill, MILU(0) (Saad §10.3.5; for a symmetric M-matrix it is
 * the modified incomplete Cholesky factor of Gustafsson, 1978): the pattern of A, with the fill it
 * drops added to the diagonal (times `relax`), so L·U keeps A's row sums. On the thermal grid — thin
 * layers strongly coupled vertically, a spreader and sink strongly coupled laterally — this takes
 * about a third of the iterations of IC(0).
 */
export interface IncompleteFactor {
  rowPtr: Int32Array;
  colIdx: Int32Array;
  /** strictly lower part: L's multipliers (unit diagonal implied); diagonal and upper part: U */
  values: Float64Array;
  diag: Int32Array;
}

export function incompleteFactor(a: CsrMatrix, relax = 0.97): IncompleteFactor {
  const { n, rowPtr, colIdx } = a;
  const values = Float64Array.from(a.values);
  const diag = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    diag[i] = -1;
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) if (colIdx[p] === i) diag[i] = p;
    if (diag[i] < 0) throw new Error(`row ${i} has no diagonal entry`);
  }
  const pos = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) pos[colIdx[p]] = p;
    for (let p = rowPtr[i]; p < diag[i]; p++) {
      const k = colIdx[p];
      const lik = values[p] / values[diag[k]];
      values[p] = lik;
      for (let q = diag[k] + 1; q < rowPtr[k + 1]; q++) {
        const at = pos[colIdx[q]];
        if (at >= 0) values[at] -= lik * values[q];
        else values[diag[i]] -= relax * lik * values[q];
      }
    }
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) pos[colIdx[p]] = -1;
    if (!(values[diag[i]] > 0)) values[diag[i]] = a.values[diag[i]]; // keep the preconditioner positive
  }
  return { rowPtr, colIdx, values, diag };
}

/** z = (L·U)⁻¹ r: forward then backward substitution. */
export function applyIncompleteFactor(f: IncompleteFactor, r: Float64Array, z: Float64Array): void {
  const { rowPtr, colIdx, values, diag } = f;
  const n = r.length;
  for (let i = 0; i < n; i++) {
    let s = r[i];
    for (let k = rowPtr[i]; k < diag[i]; k++) s -= values[k] * z[colIdx[k]];
    z[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = diag[i] + 1; k < rowPtr[i + 1]; k++) s -= values[k] * z[colIdx[k]];
    z[i] = s / values[diag[i]];
  }
}

export interface CgResult {
  x: Float64Array;
  iterations: number;
  residual: number;
}

/** Preconditioned conjugate gradient for A·x = b with A symmetric positive definite. */
export function conjugateGradient(
  a: CsrMatrix,
  b: Float64Array,
  opts: { tolerance: number; maxIterations: number; x0?: Float64Array; relax?: number; coarse?: Int32Array },
): CgResult {
  const n = a.n;
  const f = incompleteFactor(a, opts.relax);
  const c = opts.coarse ? coarseSpace(a, opts.coarse) : undefined;
  const precondition = (r: Float64Array, z: Float64Array) => {
    applyIncompleteFactor(f, r, z);
    if (c) applyCoarse(c, r, z);
  };
  const x = opts.x0 ? Float64Array.from(opts.x0) : new Float64Array(n);
  const r = new Float64Array(n);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  multiply(a, x, q);
  let bNorm = 0;
  for (let i = 0; i < n; i++) {
    r[i] = b[i] - q[i];
    bNorm += b[i] * b[i];
  }
  bNorm = Math.sqrt(bNorm);
  if (bNorm === 0) return { x: new Float64Array(n), iterations: 0, residual: 0 };
  precondition(r, z);
  p.set(z);
  let rz = dot(r, z);
  let iterations = 0;
  let residual = Math.sqrt(dot(r, r)) / bNorm;
  while (residual > opts.tolerance && iterations < opts.maxIterations) {
    multiply(a, p, q);
    const alpha = rz / dot(p, q);
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * q[i];
    }
    iterations++;
    residual = Math.sqrt(dot(r, r)) / bNorm;
    if (residual <= opts.tolerance) break;
    precondition(r, z);
    const rzNext = dot(r, z);
    const beta = rzNext / rz;
    rz = rzNext;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  return { x, iterations, residual };
}

/**
 * Two-level additive correction (Nicolaides' aggregation coarse space, as in Saad §14.5): nodes are
 * grouped into aggregates, the residual summed per aggregate, the coarse system PᵀAP solved exactly
 * (dense Cholesky: a few hundred unknowns) and its solution added back to every node of the aggregate.
 * It removes the smooth, far-reaching errors (a whole spreader warming) that an incomplete factor
 * corrects only a little per iteration.
 */
interface Coarse {
  agg: Int32Array;
  m: number;
  chol: Float64Array;
  rc: Float64Array;
}

function coarseSpace(a: CsrMatrix, agg: Int32Array): Coarse {
  let m = 0;
  for (let i = 0; i < agg.length; i++) m = Math.max(m, agg[i] + 1);
  const ac = new Float64Array(m * m);
  for (let i = 0; i < a.n; i++) {
    const ai = agg[i] * m;
    for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) ac[ai + agg[a.colIdx[k]]] += a.values[k];
  }
  // dense Cholesky in place (lower triangle)
  for (let j = 0; j < m; j++) {
    let d = ac[j * m + j];
    for (let k = 0; k < j; k++) d -= ac[j * m + k] * ac[j * m + k];
    const ljj = Math.sqrt(d > 0 ? d : 1e-300);
    ac[j * m + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let s = ac[i * m + j];
      for (let k = 0; k < j; k++) s -= ac[i * m + k] * ac[j * m + k];
      ac[i * m + j] = s / ljj;
    }
  }
  return { agg, m, chol: ac, rc: new Float64Array(m) };
}

function applyCoarse(c: Coarse, r: Float64Array, z: Float64Array): void {
  const { agg, m, chol, rc } = c;
  rc.fill(0);
  for (let i = 0; i < r.length; i++) rc[agg[i]] += r[i];
  for (let i = 0; i < m; i++) {
    let s = rc[i];
    for (let k = 0; k < i; k++) s -= chol[i * m + k] * rc[k];
    rc[i] = s / chol[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = rc[i];
    for (let k = i + 1; k < m; k++) s -= chol[k * m + i] * rc[k];
    rc[i] = s / chol[i * m + i];
  }
  for (let i = 0; i < r.length; i++) z[i] += rc[agg[i]];
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
