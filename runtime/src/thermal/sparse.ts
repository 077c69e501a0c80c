// A symmetric conductance matrix assembled from node-to-node conductances, stored as CSR, and the
// preconditioned conjugate gradient that solves it. Written here rather than taken from a library:
// npm has no maintained sparse SPD solver for plain JavaScript numbers (the numeric packages found
// are dense — ml-matrix — or unmaintained), and the thermal system needs only assembly, a
// matrix-vector product, the CG loop (Saad, "Iterative Methods for Sparse Linear Systems", 2nd ed.,
// Alg. 9.1) and a dense factor for the multigrid's coarsest grid (multigrid.ts).

/** Collects conductances between nodes (and to a fixed-temperature ground) into a CSR matrix. */
export class ConductanceBuilder {
  private readonly diag: Float64Array;
  private a: Int32Array;
  private b: Int32Array;
  private g: Float64Array;
  private count = 0;

  /** `edges`: the expected number of connections (the arrays grow past it if needed) */
  constructor(
    readonly n: number,
    edges = 1024,
  ) {
    this.diag = new Float64Array(n);
    this.a = new Int32Array(Math.max(16, edges));
    this.b = new Int32Array(this.a.length);
    this.g = new Float64Array(this.a.length);
  }

  /** conductance g (W/K) between nodes a and b */
  connect(a: number, b: number, g: number): void {
    if (!(g > 0) || a === b) return;
    if (this.count === this.a.length) this.grow();
    this.diag[a] += g;
    this.diag[b] += g;
    this.a[this.count] = a;
    this.b[this.count] = b;
    this.g[this.count++] = g;
  }

  private grow(): void {
    const size = this.a.length * 2;
    const a = new Int32Array(size);
    const b = new Int32Array(size);
    const g = new Float64Array(size);
    a.set(this.a);
    b.set(this.b);
    g.set(this.g);
    this.a = a;
    this.b = b;
    this.g = g;
  }

  /** conductance g between node a and the ground (ambient) */
  ground(a: number, g: number): void {
    if (g > 0) this.diag[a] += g;
  }

  /** CSR with sorted columns; repeated connections between the same nodes are summed. */
  build(): CsrMatrix {
    const { n, a, b, g, count, diag } = this;
    const rowPtr = new Int32Array(n + 1);
    for (let e = 0; e < count; e++) {
      rowPtr[a[e] + 1]++;
      rowPtr[b[e] + 1]++;
    }
    for (let i = 0; i < n; i++) rowPtr[i + 1] += rowPtr[i] + 1; // + the diagonal
    const fill = rowPtr.slice(0, n);
    const colIdx = new Int32Array(rowPtr[n]);
    const values = new Float64Array(rowPtr[n]);
    for (let i = 0; i < n; i++) {
      colIdx[fill[i]] = i;
      // a node connected to nothing (a package node of a spreader no larger than the die) is tied
      // to the ground: it carries no power, so it sits at ambient and the matrix stays definite
      values[fill[i]++] = diag[i] > 0 ? diag[i] : 1;
    }
    for (let e = 0; e < count; e++) {
      const ae = a[e];
      const be = b[e];
      colIdx[fill[ae]] = be;
      values[fill[ae]++] = -g[e];
      colIdx[fill[be]] = ae;
      values[fill[be]++] = -g[e];
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

export interface CgResult {
  x: Float64Array;
  iterations: number;
  residual: number;
}

/**
 * Preconditioned conjugate gradient for A·x = b with A symmetric positive definite (Saad, Alg. 9.1).
 * `precondition(r, z)` sets z = M⁻¹·r for a symmetric positive definite M (default: A's diagonal).
 */
export function conjugateGradient(
  a: CsrMatrix,
  b: Float64Array,
  opts: {
    tolerance: number;
    maxIterations: number;
    x0?: Float64Array;
    precondition?: (r: Float64Array, z: Float64Array) => void;
  },
): CgResult {
  const n = a.n;
  const precondition = opts.precondition ?? jacobi(a);
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

function jacobi(a: CsrMatrix): (r: Float64Array, z: Float64Array) => void {
  const d = new Float64Array(a.n);
  for (let i = 0; i < a.n; i++)
    for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) if (a.colIdx[k] === i) d[i] = 1 / a.values[k];
  return (r, z) => {
    for (let i = 0; i < a.n; i++) z[i] = r[i] * d[i];
  };
}

/** A small SPD matrix's dense Cholesky factor (lower triangle, row-major), for the coarsest grid. */
export interface DenseFactor {
  n: number;
  l: Float64Array;
}

export function denseCholesky(a: CsrMatrix): DenseFactor {
  const n = a.n;
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) l[i * n + a.colIdx[k]] = a.values[k];
  for (let j = 0; j < n; j++) {
    let d = l[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    const ljj = Math.sqrt(d > 0 ? d : 1e-300);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = l[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return { n, l };
}

/** x = A⁻¹·b from A's dense Cholesky factor. */
export function solveDense(f: DenseFactor, b: Float64Array, x: Float64Array): void {
  const { n, l } = f;
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k];
    x[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
