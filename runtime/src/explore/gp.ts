// Gaussian-process regression for the explorer's expensive objective (accuracy), as MESMO and
// CF-MESMO use it: a squared-exponential kernel over designs scaled to [0, 1], with one length scale
// for the design coordinates and, in the continuous-fidelity case, another for the fidelity
// coordinate (the product kernel k(x, x')·k(z, z') of CF-MESMO). Targets are standardised; the
// length scales and the noise are picked from a grid by the log marginal likelihood. Written here
// rather than taken from a library: the ~150 lines below (Cholesky, solves, joint sampling) are all
// that is needed, at the sizes an exploration reaches (≤ a few hundred points), and the npm GP
// packages are unmaintained or pull in a tensor runtime.
import { Rng } from '../util/rng.js';

export interface GpOptions {
  /** Which input coordinates are fidelity (scaled by the second length scale); default none. */
  fidelityDims?: number;
}

const LENGTHS_X = [0.1, 0.2, 0.35, 0.6, 1, 2];
const LENGTHS_Z = [0.25, 0.5, 1, 2, 4];
const NOISES = [1e-4, 1e-3, 1e-2, 0.1];

export class GaussianProcess {
  private readonly X: number[][];
  private readonly mean: number;
  private readonly scale: number;
  private L!: Float64Array;
  private alpha!: Float64Array;
  lengthX = 0.35;
  lengthZ = 1;
  noise = 1e-3;

  /** Fits to inputs X (rows in [0, 1]^p; the last `fidelityDims` columns are fidelity) and targets y. */
  constructor(X: number[][], y: number[], private readonly opts: GpOptions = {}) {
    if (X.length === 0 || X.length !== y.length) throw new Error('GaussianProcess: need as many targets as inputs, at least one');
    this.X = X;
    this.mean = y.reduce((a, b) => a + b, 0) / y.length;
    const sd = Math.sqrt(y.reduce((a, b) => a + (b - this.mean) ** 2, 0) / y.length);
    this.scale = sd > 1e-12 ? sd : 1;
    const ys = y.map((v) => (v - this.mean) / this.scale);
    let best = -Infinity;
    let bestParams: [number, number, number] = [this.lengthX, this.lengthZ, this.noise];
    for (const lx of LENGTHS_X) {
      for (const lz of opts.fidelityDims ? LENGTHS_Z : [1]) {
        for (const nz of NOISES) {
          this.lengthX = lx;
          this.lengthZ = lz;
          this.noise = nz;
          const lml = this.factor(ys);
          if (lml > best) {
            best = lml;
            bestParams = [lx, lz, nz];
          }
        }
      }
    }
    [this.lengthX, this.lengthZ, this.noise] = bestParams;
    this.factor(ys);
  }

  /** Kernel between two inputs (unit signal variance, on the standardised scale). */
  k(a: readonly number[], b: readonly number[]): number {
    const p = a.length;
    const fz = this.opts.fidelityDims ?? 0;
    let s = 0;
    for (let d = 0; d < p; d++) {
      const l = d >= p - fz ? this.lengthZ : this.lengthX;
      const t = (a[d]! - b[d]!) / l;
      s += t * t;
    }
    return Math.exp(-0.5 * s);
  }

  /** Cholesky of K + noise·I and α = K⁻¹y for the current hyperparameters; returns the log marginal likelihood. */
  private factor(ys: number[]): number {
    const n = this.X.length;
    const K = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const v = this.k(this.X[i]!, this.X[j]!) + (i === j ? this.noise : 0);
        K[i * n + j] = v;
        K[j * n + i] = v;
      }
    }
    const L = cholesky(K, n);
    if (!L) return -Infinity;
    this.L = L;
    const z = forward(L, n, Float64Array.from(ys));
    this.alpha = backward(L, n, z);
    let logDet = 0;
    for (let i = 0; i < n; i++) logDet += Math.log(L[i * n + i]!);
    let fit = 0;
    for (let i = 0; i < n; i++) fit += z[i]! * z[i]!;
    return -0.5 * fit - logDet - 0.5 * n * Math.log(2 * Math.PI);
  }

  /** Posterior mean and standard deviation at each input, in the targets' units. */
  predict(Xs: readonly (readonly number[])[]): { mean: number[]; sd: number[] } {
    const n = this.X.length;
    const mean: number[] = [];
    const sd: number[] = [];
    for (const x of Xs) {
      const ks = new Float64Array(n);
      for (let i = 0; i < n; i++) ks[i] = this.k(x, this.X[i]!);
      let mu = 0;
      for (let i = 0; i < n; i++) mu += ks[i]! * this.alpha[i]!;
      const v = forward(this.L, n, ks);
      let vv = 0;
      for (let i = 0; i < n; i++) vv += v[i]! * v[i]!;
      mean.push(this.mean + this.scale * mu);
      sd.push(this.scale * Math.sqrt(Math.max(1 - vv, 1e-12)));
    }
    return { mean, sd };
  }

  /**
   * `count` joint draws of the latent function at the inputs (one array per draw), from the full
   * posterior covariance: the sampled functions MESMO takes Pareto fronts of.
   */
  sample(Xs: readonly (readonly number[])[], count: number, rng: Rng): number[][] {
    const m = Xs.length;
    const n = this.X.length;
    const { mean } = this.predict(Xs);
    const V: Float64Array[] = Xs.map((x) => {
      const ks = new Float64Array(n);
      for (let i = 0; i < n; i++) ks[i] = this.k(x, this.X[i]!);
      return forward(this.L, n, ks);
    });
    const C = new Float64Array(m * m);
    for (let a = 0; a < m; a++) {
      for (let b = 0; b <= a; b++) {
        let dot = 0;
        const va = V[a]!;
        const vb = V[b]!;
        for (let i = 0; i < n; i++) dot += va[i]! * vb[i]!;
        const c = this.k(Xs[a]!, Xs[b]!) - dot;
        C[a * m + b] = c;
        C[b * m + a] = c;
      }
    }
    // Jitter grows until the (numerically semi-definite) posterior covariance factors.
    let Lc: Float64Array | undefined;
    for (let jitter = 1e-8; !Lc; jitter *= 10) {
      if (jitter > 1) throw new Error('GaussianProcess.sample: posterior covariance does not factor');
      const Cj = Float64Array.from(C);
      for (let a = 0; a < m; a++) Cj[a * m + a] += jitter;
      Lc = cholesky(Cj, m);
    }
    const out: number[][] = [];
    for (let s = 0; s < count; s++) {
      const e = Array.from({ length: m }, () => rng.normal());
      const f: number[] = [];
      for (let a = 0; a < m; a++) {
        let v = 0;
        for (let b = 0; b <= a; b++) v += Lc[a * m + b]! * e[b]!;
        f.push(mean[a]! + this.scale * v);
      }
      out.push(f);
    }
    return out;
  }
}

/** Lower Cholesky factor of a symmetric n×n matrix (row-major), or undefined if not positive definite. */
export function cholesky(A: Float64Array, n: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return undefined;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j]!;
    }
  }
  return L;
}

/** Solves L z = b (L lower triangular). */
function forward(L: Float64Array, n: number, b: Float64Array): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * z[k]!;
    z[i] = s / L[i * n + i]!;
  }
  return z;
}

/** Solves Lᵀ x = z. */
function backward(L: Float64Array, n: number, z: Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}

/** Standard normal density and distribution function (Φ by the complementary error function). */
export function normPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

export function normCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** erfc with relative error < 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
