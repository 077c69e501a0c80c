// Gaussian-process regression for the explorer's expensive figures (accuracy; the cost model's log
// CPU seconds), as MESMO and CF-MESMO use it: a squared-exponential kernel with automatic relevance
// determination (ARD) — one length scale per input coordinate, so per `vary` and for the fidelity —
// over inputs scaled to [0, 1] (ordinal values by rank, see space.ts), a signal variance and a noise
// variance. Targets are standardised. The hyperparameters maximise the log marginal likelihood
// (Rasmussen & Williams 2006, eq. 5.8, with its gradient eq. 5.9) by sign-based gradient ascent in log
// space (iRprop−: Igel & Hüsken 2003, which needs no line search) from several starts: the defaults,
// the previous fit's values (warm start), and seeded random ones. Written here rather than taken from
// a library: the ~300 lines below (Cholesky, solves, the gradient, joint sampling) are all that is
// needed at the sizes an exploration reaches (≤ a few hundred points), and the npm GP packages are
// unmaintained or pull in a tensor runtime.
import { Rng } from '../util/rng.js';

export interface GpHyper {
  /** One length scale per input coordinate. */
  lengths: number[];
  /** Signal variance and noise variance, on the standardised targets' scale. */
  signal: number;
  noise: number;
}

export interface GpOptions {
  /** Starting points of the likelihood search besides the defaults (e.g. the previous fit's). */
  warm?: GpHyper;
  /** Keep these hyperparameters instead of fitting (a refit between full fits). */
  fixed?: GpHyper;
  /** Random starts besides the default and the warm one (default 2). */
  restarts?: number;
  /** Seed of the random starts (same seed ⇒ same fit). */
  seed?: number;
  /** Iterations of the ascent per start (default 60). */
  iterations?: number;
}

// Bounds of the search, in the scaled inputs' and standardised targets' units: a length scale of 50
// on [0, 1] is a flat direction, one of 0.02 resolves the finest grid there is.
const LOG_LENGTH = [Math.log(0.02), Math.log(50)] as const;
const LOG_SIGNAL = [Math.log(0.05), Math.log(20)] as const;
const LOG_NOISE = [Math.log(1e-6), Math.log(1)] as const;

export class GaussianProcess {
  private readonly X: number[][];
  private readonly ys: Float64Array;
  private readonly mean: number;
  private readonly scale: number;
  private L!: Float64Array;
  private alpha!: Float64Array;
  hyper: GpHyper;
  /** Log marginal likelihood of the standardised targets under `hyper`. */
  lml = -Infinity;

  /** Fits to inputs X (rows in [0, 1]^p) and targets y. */
  constructor(X: number[][], y: number[], opts: GpOptions = {}) {
    if (X.length === 0 || X.length !== y.length)
      throw new Error('GaussianProcess: need as many targets as inputs, at least one');
    this.X = X;
    this.mean = y.reduce((a, b) => a + b, 0) / y.length;
    const sd = Math.sqrt(y.reduce((a, b) => a + (b - this.mean) ** 2, 0) / y.length);
    this.scale = sd > 1e-12 ? sd : 1;
    this.ys = Float64Array.from(y, (v) => (v - this.mean) / this.scale);
    const p = X[0]!.length;
    if (opts.fixed) this.hyper = opts.fixed;
    else {
      const starts: number[][] = [[...Array<number>(p).fill(Math.log(0.5)), 0, Math.log(1e-2)]];
      if (opts.warm) starts.push(toTheta(opts.warm));
      const rng = new Rng(opts.seed ?? 1);
      const u = (b: readonly [number, number]) => b[0] + (b[1] - b[0]) * rng.next();
      for (let r = 0; r < (opts.restarts ?? 2); r++)
        starts.push([
          ...Array.from({ length: p }, () => u([Math.log(0.05), Math.log(5)])),
          u([Math.log(0.3), Math.log(3)]),
          u([Math.log(1e-4), Math.log(0.1)]),
        ]);
      let best: { theta: number[]; lml: number } | undefined;
      for (const s of starts) {
        const got = this.ascend(s, opts.iterations ?? 60);
        if (!best || got.lml > best.lml) best = got;
      }
      this.hyper = fromTheta(best!.theta);
    }
    const f = this.factor(this.hyper, false);
    if (!f) throw new Error('GaussianProcess: the kernel matrix does not factor');
    this.lml = f.lml;
  }

  /** Kernel between two inputs, on the standardised scale. */
  k(a: readonly number[], b: readonly number[], h: GpHyper = this.hyper): number {
    let s = 0;
    for (let d = 0; d < a.length; d++) {
      const t = (a[d]! - b[d]!) / h.lengths[d]!;
      s += t * t;
    }
    return h.signal * Math.exp(-0.5 * s);
  }

  /**
   * Cholesky of K + noise·I and α = K⁻¹y under h, the log marginal likelihood and (when asked) its
   * gradient with respect to θ = (ln ℓ_1 … ln ℓ_p, ln signal, ln noise): ½ tr((ααᵀ − K⁻¹) ∂K/∂θ).
   */
  private factor(h: GpHyper, withGradient: boolean): { lml: number; grad?: number[] } | undefined {
    const n = this.X.length;
    const p = h.lengths.length;
    const K = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const v = this.k(this.X[i]!, this.X[j]!, h) + (i === j ? h.noise : 0);
        K[i * n + j] = v;
        K[j * n + i] = v;
      }
    }
    const L = cholesky(K, n);
    if (!L) return undefined;
    this.L = L;
    const z = forward(L, n, this.ys);
    this.alpha = backward(L, n, z);
    let logDet = 0;
    for (let i = 0; i < n; i++) logDet += Math.log(L[i * n + i]!);
    let fit = 0;
    for (let i = 0; i < n; i++) fit += z[i]! * z[i]!;
    const lml = -0.5 * fit - logDet - 0.5 * n * Math.log(2 * Math.PI);
    if (!withGradient) return { lml };
    const Kinv = inverseFromCholesky(L, n);
    const grad = new Array<number>(p + 2).fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const w = this.alpha[i]! * this.alpha[j]! - Kinv[i * n + j]!;
        if (i === j) grad[p + 1]! += 0.5 * w * h.noise;
        const kf = K[i * n + j]! - (i === j ? h.noise : 0);
        grad[p]! += 0.5 * w * kf;
        const a = this.X[i]!;
        const b = this.X[j]!;
        for (let d = 0; d < p; d++) {
          const t = (a[d]! - b[d]!) / h.lengths[d]!;
          grad[d]! += 0.5 * w * kf * t * t;
        }
      }
    }
    return { lml, grad };
  }

  /** iRprop− on θ within the bounds; returns the best θ seen and its likelihood. */
  private ascend(theta0: number[], iterations: number): { theta: number[]; lml: number } {
    const p = theta0.length - 2;
    const lo = [...Array<number>(p).fill(LOG_LENGTH[0]), LOG_SIGNAL[0], LOG_NOISE[0]];
    const hi = [...Array<number>(p).fill(LOG_LENGTH[1]), LOG_SIGNAL[1], LOG_NOISE[1]];
    let theta = theta0.map((v, i) => Math.min(hi[i]!, Math.max(lo[i]!, v)));
    const step = theta.map(() => 0.3);
    let prev = theta.map(() => 0);
    let best = { theta, lml: -Infinity };
    for (let it = 0; it < iterations; it++) {
      const got = this.factor(fromTheta(theta), true);
      if (!got) {
        // Not positive definite: more noise.
        theta = theta.map((v, i) => (i === p + 1 ? Math.min(hi[i]!, v + 1) : v));
        continue;
      }
      if (got.lml > best.lml) best = { theta, lml: got.lml };
      const g = got.grad!;
      theta = theta.map((v, i) => {
        const s = g[i]! * prev[i]!;
        if (s > 0) step[i] = Math.min(step[i]! * 1.2, 1);
        else if (s < 0) step[i] = Math.max(step[i]! * 0.5, 1e-4);
        const gi = s < 0 ? 0 : g[i]!;
        return Math.min(hi[i]!, Math.max(lo[i]!, v + Math.sign(gi) * step[i]!));
      });
      prev = g.map((gi, i) => (gi * prev[i]! < 0 ? 0 : gi));
    }
    return best;
  }

  private kstar(x: readonly number[]): Float64Array {
    const n = this.X.length;
    const ks = new Float64Array(n);
    for (let i = 0; i < n; i++) ks[i] = this.k(x, this.X[i]!);
    return ks;
  }

  /** Posterior mean and standard deviation of the latent function at each input, in the targets' units. */
  predict(Xs: readonly (readonly number[])[]): { mean: number[]; sd: number[] } {
    const n = this.X.length;
    const mean: number[] = [];
    const sd: number[] = [];
    for (const x of Xs) {
      const ks = this.kstar(x);
      let mu = 0;
      for (let i = 0; i < n; i++) mu += ks[i]! * this.alpha[i]!;
      const v = forward(this.L, n, ks);
      let vv = 0;
      for (let i = 0; i < n; i++) vv += v[i]! * v[i]!;
      mean.push(this.mean + this.scale * mu);
      sd.push(this.scale * Math.sqrt(Math.max(this.hyper.signal - vv, 1e-12 * this.hyper.signal)));
    }
    return { mean, sd };
  }

  /**
   * Posterior means and standard deviations at inputs A and B, and the covariance between A[i] and
   * B[i] (the correlation CF-MESMO needs between a design at a lower fidelity and at the highest).
   */
  predictPairs(
    A: readonly (readonly number[])[],
    B: readonly (readonly number[])[],
  ): { a: { mean: number[]; sd: number[] }; b: { mean: number[]; sd: number[] }; cov: number[] } {
    const n = this.X.length;
    const s2 = this.scale * this.scale;
    const one = (x: readonly number[]) => {
      const ks = this.kstar(x);
      let mu = 0;
      for (let i = 0; i < n; i++) mu += ks[i]! * this.alpha[i]!;
      return { mu: this.mean + this.scale * mu, v: forward(this.L, n, ks) };
    };
    const a = { mean: [] as number[], sd: [] as number[] };
    const b = { mean: [] as number[], sd: [] as number[] };
    const cov: number[] = [];
    const sdOf = (x: readonly number[], v: Float64Array) => {
      let vv = 0;
      for (let i = 0; i < n; i++) vv += v[i]! * v[i]!;
      return this.scale * Math.sqrt(Math.max(this.k(x, x) - vv, 1e-12 * this.hyper.signal));
    };
    A.forEach((x, j) => {
      const pa = one(x);
      const pb = one(B[j]!);
      a.mean.push(pa.mu);
      b.mean.push(pb.mu);
      a.sd.push(sdOf(x, pa.v));
      b.sd.push(sdOf(B[j]!, pb.v));
      let dot = 0;
      for (let i = 0; i < n; i++) dot += pa.v[i]! * pb.v[i]!;
      cov.push(s2 * (this.k(x, B[j]!) - dot));
    });
    return { a, b, cov };
  }

  /** The prior standard deviation of the latent function, in the targets' units. */
  get priorSd(): number {
    return this.scale * Math.sqrt(this.hyper.signal);
  }

  /** Standard deviation of the observation noise, in the targets' units. */
  get noiseSd(): number {
    return this.scale * Math.sqrt(this.hyper.noise);
  }

  /**
   * `count` joint draws of the latent function at the inputs (one array per draw), from the full
   * posterior covariance: the sampled functions MESMO takes Pareto fronts of.
   */
  sample(Xs: readonly (readonly number[])[], count: number, rng: Rng): number[][] {
    const m = Xs.length;
    const n = this.X.length;
    const { mean } = this.predict(Xs);
    const V: Float64Array[] = Xs.map((x) => forward(this.L, n, this.kstar(x)));
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
    for (let jitter = 1e-8 * this.hyper.signal; !Lc; jitter *= 10) {
      if (jitter > this.hyper.signal) throw new Error('GaussianProcess.sample: posterior covariance does not factor');
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

function toTheta(h: GpHyper): number[] {
  return [...h.lengths.map(Math.log), Math.log(h.signal), Math.log(h.noise)];
}

function fromTheta(t: readonly number[]): GpHyper {
  const p = t.length - 2;
  return { lengths: t.slice(0, p).map(Math.exp), signal: Math.exp(t[p]!), noise: Math.exp(t[p + 1]!) };
}

/** (L Lᵀ)⁻¹ from the lower Cholesky factor: columns of the identity solved forward and back. */
function inverseFromCholesky(L: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    e.fill(0);
    e[c] = 1;
    const col = backward(L, n, forward(L, n, e));
    for (let r = 0; r < n; r++) out[r * n + c] = col[r]!;
  }
  return out;
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
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
