// Functional model of one mapped layer on ReRAM crossbars: what the layer computes on imperfect cells.
//
// Encoding (ISAAC-style, all choices here are the model's):
// - Weights: per-layer fixed point, q = round(w / s_w) ∈ [−(2^(W−1)−1), 2^(W−1)−1], s_w = range / (2^(W−1)−1).
// - Signed weights use an OFFSET encoding: the cells store u = q + 2^(W−1) ∈ [1, 2^W−1]; the periphery
//   subtracts 2^(W−1)·Σx digitally (the inputs are digital, so that sum is exact). One column per slice,
//   so a layer needs S = ⌈W/c⌉ columns per output — the compiler's count.
// - Bit slices: u = Σ_j d_j·2^(c·j), d_j ∈ [0, 2^c−1] on cell j (c = bits_per_cell); level d has
//   conductance G_off + d·ΔG, ΔG = (G_on − G_off)/(2^c − 1).
// - Rows: the K fan-in rows are cut into row tiles of `rows`; each crossbar's column current is converted
//   on its own and the digital periphery adds the tiles (shift-and-add over slices and input chunks).
// - Inputs: per-call fixed point of `input_bits` (unsigned when the input has no negative entry, else the
//   positive and negative parts go through as two passes), streamed in ⌈bits/d⌉ chunks of d DAC bits; the
//   DAC full scale is the read voltage. The periphery removes the G_off baseline (G_off·Σa), so one ADC unit
//   is one level step times one DAC step.
// - ADC: `adc_bits` over a fixed range that covers the worst-case column sum (with ISAAC's column-flip
//   encoding when enabled). When the bits fall short, the LSB grows to 2^(needed − bits) units.
// Non-idealities: programming variation G·(1+ε) drawn at each write; thermal noise σ_I = √(4·k_B·T·Δf·ΣG)
// per column per cycle (Δf = the read frequency), summed in quadrature over the column's rows; stuck-at-0/1
// cells drawn once per chip; endurance (a cell written more than `endurance` times sticks).
//
// Two evaluation paths give the same numbers when the ADC is lossless: `bitserial` forms every per-crossbar
// partial sum of every input chunk and slice, adds the per-cycle noise and quantizes it, as the hardware does;
// `fast` uses that the whole chain is linear when no conversion loses a bit — the result is the MVM with the
// effective (stored) weights, plus noise whose per-column variance is the sum of the per-cycle rounded noise
// variances weighted by the shift-and-add factors (moment-matched to a Gaussian). `auto` picks `fast`
// exactly when the ADC is lossless.

import { Rng } from '../util/rng.js';
import { NormalPool } from './normal-pool.js';
import { adcBitsNeeded, roundedGaussianVariance, thermalNoiseCurrent } from './physics.js';
import { tf } from './tf.js';

export interface CrossbarParams {
  rows: number;
  cols: number;
  bitsPerCell: number;
  weightBits: number;
  inputBits: number;
  dacBits: number;
  /** ADC resolution; Infinity for an ideal (lossless) converter. */
  adcBits: number;
  /** ISAAC's column-flip encoding (saves one ADC bit). */
  flipEncoding: boolean;
  gOn: number;
  gOff: number;
  readVoltage: number;
  /** Relative σ of programming variation. */
  variation: number;
  stuckAtZero: number;
  stuckAtOne: number;
  /** Writes a cell survives; Infinity for no wear. */
  endurance: number;
  /** Thermal noise is on when both are > 0. */
  temperatureK: number;
  frequencyHz: number;
  /** Weights with |w| ≤ range map onto the fixed-point scale; larger ones saturate. */
  weightRange: number;
}

/** A conv layer's kernel (NHWC, filter [kh, kw, cin, N]); absent for a plain K×N matrix. */
export interface KernelGeometry {
  kh: number;
  kw: number;
  cin: number;
  stride: number;
  pad: number;
}

export type MvmPath = 'auto' | 'fast' | 'bitserial';

export interface ProgramResult {
  /** Cells written by this update (cells whose level changed and are not stuck). */
  written: number;
  /** Cells that wore out by this update. */
  newlyWorn: number;
}

export class CrossbarLayer {
  readonly slices: number;
  readonly levels: number;
  readonly rowTiles: number;
  readonly offset: number;
  readonly qmax: number;
  readonly scale: number;
  readonly adcNeeded: number;
  readonly adcLsb: number;
  readonly adcCodeMax: number;
  readonly lossless: boolean;
  private readonly dG: number;
  private readonly pool: NormalPool;

  private digits: tf.Tensor2D;
  /** Each cell's conductance in level units, (G − G_off)/ΔG: exact integers for ideal cells, so ideal reads are exact. */
  private lev: tf.Tensor2D;
  private sa0: tf.Tensor2D;
  private sa1: tf.Tensor2D;
  private wearToOne: tf.Tensor2D;
  private writes: tf.Tensor2D;
  private weffT: tf.Tensor2D | undefined;
  private weff: tf.Tensor2D | undefined;
  private qeff: tf.Tensor2D | undefined;
  private expanded: tf.Tensor2D | undefined;
  private flipMask: tf.Tensor2D | undefined;
  private sigma: tf.Tensor2D | undefined;
  /** Per-output-column noise σ of the fast path, integer units, for an unsigned pass and for a signed one. */
  private fastStd: { unsigned: tf.Tensor1D; signed: tf.Tensor1D } | undefined;
  private worn = 0;
  private totalWrites = 0;

  constructor(
    readonly K: number,
    readonly N: number,
    readonly params: CrossbarParams,
    seed: number,
    readonly kernel?: KernelGeometry,
  ) {
    const p = params;
    if (kernel && kernel.kh * kernel.kw * kernel.cin !== K) throw new Error(`crossbar: kernel ${kernel.kh}×${kernel.kw}×${kernel.cin} does not match K = ${K}`);
    this.slices = Math.ceil(p.weightBits / p.bitsPerCell);
    this.levels = 2 ** p.bitsPerCell;
    this.rowTiles = Math.ceil(K / p.rows);
    this.offset = 2 ** (p.weightBits - 1);
    this.qmax = 2 ** (p.weightBits - 1) - 1;
    this.scale = p.weightRange / this.qmax;
    this.dG = (p.gOn - p.gOff) / (this.levels - 1);
    this.adcNeeded = adcBitsNeeded(p.rows, p.dacBits, p.bitsPerCell, p.flipEncoding);
    this.lossless = !(p.adcBits < this.adcNeeded);
    this.adcLsb = this.lossless ? 1 : 2 ** (this.adcNeeded - p.adcBits);
    this.adcCodeMax = this.lossless ? Infinity : (2 ** p.adcBits - 1) * this.adcLsb;
    const rng = new Rng(seed);
    this.pool = new NormalPool(rng.fork(1));
    const cells = [K, this.slices * N] as [number, number];
    // Faults are drawn once per chip (this seed), before any write, and never redrawn.
    const chip = rng.fork(2);
    [this.sa0, this.sa1, this.wearToOne] = tf.tidy(() => {
      const u = tf.randomUniform(cells, 0, 1, 'float32', chip.nextUint32());
      const sa0 = tf.cast(tf.less(u, p.stuckAtZero), 'float32') as tf.Tensor2D;
      const sa1 = tf.cast(tf.logicalAnd(tf.greaterEqual(u, p.stuckAtZero), tf.less(u, p.stuckAtZero + p.stuckAtOne)), 'float32') as tf.Tensor2D;
      const ratio = p.stuckAtZero + p.stuckAtOne > 0 ? p.stuckAtOne / (p.stuckAtZero + p.stuckAtOne) : 0.5;
      const w1 = tf.cast(tf.less(tf.randomUniform(cells, 0, 1, 'float32', chip.nextUint32()), ratio), 'float32') as tf.Tensor2D;
      return [tf.keep(sa0), tf.keep(sa1), tf.keep(w1)];
    });
    this.digits = tf.keep(tf.fill(cells, -1)) as tf.Tensor2D;
    this.lev = tf.tidy(() => tf.keep(this.stuckLevel(tf.zeros(cells) as tf.Tensor2D, this.sa0, this.sa1)));
    this.writes = tf.keep(tf.zeros(cells)) as tf.Tensor2D;
  }

  get noisy(): boolean {
    return this.params.temperatureK > 0 && this.params.frequencyHz > 0;
  }

  /** SA0 cells sit at G_off (level 0), SA1 cells at G_on (the top level). */
  private stuckLevel(lev: tf.Tensor2D, sa0: tf.Tensor2D, sa1: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.mul(lev, tf.sub(1, tf.add(sa0, sa1))), tf.mul(sa1, this.levels - 1)) as tf.Tensor2D;
  }

  /** Nominal cell levels [K, S·N] (slice j in columns j·N … j·N+N−1) of float weights [K, N]. */
  levelsOf(w: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const q = tf.clipByValue(tf.round(tf.div(w, this.scale)), -this.qmax, this.qmax);
      const u = tf.add(q, this.offset);
      const parts: tf.Tensor[] = [];
      for (let j = 0; j < this.slices; j++) parts.push(tf.mod(tf.floor(tf.div(u, 2 ** (this.params.bitsPerCell * j))), this.levels));
      return tf.concat(parts, 1) as tf.Tensor2D;
    });
  }

  /** The ideal fixed-point weights q (integers) of float weights. */
  quantizeWeights(w: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.clipByValue(tf.round(tf.div(w, this.scale)), -this.qmax, this.qmax) as tf.Tensor2D);
  }

  /** Writes float weights [K, N] to the cells: only changed levels are written (and counted). */
  program(w: tf.Tensor2D): ProgramResult {
    const p = this.params;
    const out = tf.tidy(() => {
      const dNew = this.levelsOf(w);
      const stuck = tf.add(this.sa0, this.sa1);
      const changed = tf.mul(tf.cast(tf.notEqual(dNew, this.digits), 'float32'), tf.sub(1, stuck));
      const writes = tf.add(this.writes, changed);
      const worn = Number.isFinite(p.endurance) ? tf.mul(tf.cast(tf.greater(writes, p.endurance), 'float32'), tf.sub(1, stuck)) : tf.zerosLike(changed);
      const sa0 = tf.add(this.sa0, tf.mul(worn, tf.sub(1, this.wearToOne)));
      const sa1 = tf.add(this.sa1, tf.mul(worn, this.wearToOne));
      const digits = tf.where(tf.cast(changed, 'bool'), dNew, this.digits);
      // G·(1+ε) in level units: d + (G_off/ΔG + d)·ε.
      const levProg = p.variation > 0 ? tf.add(digits, tf.mul(tf.add(digits, p.gOff / this.dG), tf.mul(this.pool.take([this.K, this.slices * this.N]), p.variation))) : digits;
      const lev = this.stuckLevel(tf.where(tf.cast(changed, 'bool'), levProg, this.lev) as tf.Tensor2D, sa0 as tf.Tensor2D, sa1 as tf.Tensor2D);
      const counts = tf.stack([tf.sum(changed), tf.sum(worn)]);
      return { digits, lev, writes, sa0, sa1, counts };
    });
    const [written, newlyWorn] = out.counts.dataSync() as Float32Array;
    out.counts.dispose();
    for (const t of [this.digits, this.lev, this.writes, this.sa0, this.sa1]) t.dispose();
    this.digits = out.digits as tf.Tensor2D;
    this.lev = out.lev as tf.Tensor2D;
    this.writes = out.writes as tf.Tensor2D;
    this.sa0 = out.sa0 as tf.Tensor2D;
    this.sa1 = out.sa1 as tf.Tensor2D;
    this.worn += newlyWorn!;
    this.totalWrites += written!;
    this.refresh();
    return { written: written!, newlyWorn: newlyWorn! };
  }

  /** Recomputes what reads see from the cells' conductances. */
  private refresh(): void {
    for (const t of [this.weff, this.weffT, this.qeff, this.expanded, this.flipMask, this.sigma, this.fastStd?.signed, this.fastStd?.unsigned]) t?.dispose();
    this.expanded = this.flipMask = undefined;
    const p = this.params;
    const { K, N, slices: S, rowTiles: RT } = this;
    const c = p.bitsPerCell;
    tf.tidy(() => {
      // Effective digits as the ADC sees them after the baseline subtraction.
      const deff = this.lev;
      const shiftCols = new Float32Array(S * N * N);
      for (let j = 0; j < S; j++) for (let n = 0; n < N; n++) shiftCols[(j * N + n) * N + n] = 2 ** (c * j);
      const qeff = tf.sub(tf.matMul(deff, tf.tensor2d(shiftCols, [S * N, N])), this.offset) as tf.Tensor2D;
      this.qeff = tf.keep(qeff);
      const weff = tf.mul(qeff, this.scale) as tf.Tensor2D;
      this.weff = tf.keep(weff);
      this.weffT = tf.keep(tf.transpose(weff));
      if (this.noisy) {
        const colG = tf.matMul(this.memberT(), tf.add(tf.mul(this.lev, this.dG), p.gOff) as tf.Tensor2D) as tf.Tensor2D;
        const vUnit = p.readVoltage / (2 ** p.dacBits - 1);
        const sig = tf.div(tf.sqrt(tf.mul(colG, 4 * 1.380649e-23 * p.temperatureK * p.frequencyHz)), vUnit * this.dG) as tf.Tensor2D;
        this.sigma = tf.keep(sig);
      }
    });
    if (this.noisy) this.fastStd = this.fastNoiseStd();
  }

  private memberTCache: tf.Tensor2D | undefined;

  /** Row-tile membership, transposed [RT, K]: row rt has ones on the fan-in rows of crossbar row tile rt. */
  private memberT(): tf.Tensor2D {
    if (!this.memberTCache) {
      const { K, rowTiles: RT } = this;
      const m = new Float32Array(RT * K);
      for (let k = 0; k < K; k++) m[Math.floor(k / this.params.rows) * K + k] = 1;
      this.memberTCache = tf.keep(tf.tensor2d(m, [RT, K]));
    }
    return this.memberTCache;
  }

  /** What the bit-serial path needs, built on first use after each write (the fast path never needs it). */
  private bitSerialState(): { expanded: tf.Tensor2D; flipMask: tf.Tensor2D } {
    if (this.expanded && this.flipMask) return { expanded: this.expanded, flipMask: this.flipMask };
    const p = this.params;
    const { K, N, slices: S, rowTiles: RT } = this;
    tf.tidy(() => {
      const deff = this.lev;
      const member = tf.transpose(this.memberT()) as tf.Tensor2D;
      // Block (rt, j, n) holds deff's column (j, n) on row tile rt's rows only; then RT all-ones columns
      // (Σa per tile, for the flip encoding).
      const blocks = tf.reshape(tf.mul(tf.expandDims(deff, 1), tf.expandDims(member, 2)), [K, RT * S * N]);
      this.expanded = tf.keep(tf.concat([blocks, member], 1) as tf.Tensor2D);
      // Column flip by nominal digits (ISAAC): store the complement where a column's digits sum past half.
      const digitSum = tf.matMul(this.memberT(), tf.relu(this.digits)) as tf.Tensor2D;
      this.flipMask = tf.keep(p.flipEncoding ? (tf.cast(tf.greater(digitSum, (p.rows * (this.levels - 1)) / 2), 'float32') as tf.Tensor2D) : (tf.zerosLike(digitSum) as tf.Tensor2D));
    });
    return { expanded: this.expanded!, flipMask: this.flipMask! };
  }

  /** Noise σ per output column after shift-and-add of every cycle's rounded noise, in integer units. */
  private fastNoiseStd(): { unsigned: tf.Tensor1D; signed: tf.Tensor1D } {
    const p = this.params;
    const { N, slices: S, rowTiles: RT } = this;
    const sig = this.sigma!.dataSync();
    const chunkGain = (bits: number): number => {
      let s = 0;
      for (let t = 0; t < Math.ceil(bits / p.dacBits); t++) s += 4 ** (p.dacBits * t);
      return s;
    };
    const perPass = new Float64Array(N);
    for (let rt = 0; rt < RT; rt++)
      for (let j = 0; j < S; j++)
        for (let n = 0; n < N; n++) {
          const s = sig[rt * S * N + j * N + n]!;
          // Lossless ADC: rounding to one unit; a coarser LSB scales the rounding grid.
          const lsb = this.adcLsb;
          perPass[n]! += 4 ** (p.bitsPerCell * j) * lsb * lsb * roundedGaussianVariance(s / lsb);
        }
    const u = new Float32Array(N);
    const sg = new Float32Array(N);
    const gu = chunkGain(p.inputBits);
    const gs = chunkGain(p.inputBits - 1);
    for (let n = 0; n < N; n++) {
      u[n] = Math.sqrt(perPass[n]! * gu);
      sg[n] = Math.sqrt(2 * perPass[n]! * gs);
    }
    return { unsigned: tf.keep(tf.tensor1d(u)), signed: tf.keep(tf.tensor1d(sg)) };
  }

  /** Per-cycle thermal σ of each crossbar column [RT, S·N], in ADC units of one level × one DAC step. */
  columnSigma(): Float32Array {
    return this.sigma ? (this.sigma.dataSync() as Float32Array).slice() : new Float32Array(this.rowTiles * this.slices * this.N);
  }

  /** Effective weights s_w·q_eff [K, N] the crossbars hold (faults, variation and wear included). */
  effectiveWeights(): tf.Tensor2D {
    if (!this.weff) throw new Error('crossbar: read before the first program()');
    return this.weff;
  }

  /** Their transpose [N, K], precomputed (transposed matmul is slow on wasm). */
  effectiveWeightsT(): tf.Tensor2D {
    if (!this.weffT) throw new Error('crossbar: read before the first program()');
    return this.weffT;
  }

  /** The integer weights q_eff [K, N]: equal to the ideal q when no non-ideality is on. */
  integerWeights(): tf.Tensor2D {
    if (!this.qeff) throw new Error('crossbar: read before the first program()');
    return this.qeff;
  }

  private apply(x: tf.Tensor, w: tf.Tensor2D): tf.Tensor {
    const k = this.kernel;
    if (!k) return tf.matMul(x as tf.Tensor2D, w);
    return tf.conv2d(x as tf.Tensor4D, tf.reshape(w, [k.kh, k.kw, k.cin, w.shape[1]]) as tf.Tensor4D, k.stride, k.pad === 0 ? 'valid' : k.pad);
  }

  /**
   * The MVM on integer inputs (x [M, K], or NHWC for a conv): Σ x·q_eff in integer units, through the
   * chosen path, with thermal noise when `noise` is set and the layer has a temperature and frequency.
   */
  integerForward(xInt: tf.Tensor, opts: { signed: boolean; noise: boolean; path?: MvmPath }): tf.Tensor {
    const path = opts.path === 'bitserial' || (opts.path !== 'fast' && !this.lossless) ? 'bitserial' : 'fast';
    const noise = opts.noise && this.noisy;
    return tf.tidy(() => {
      if (path === 'fast') {
        const y = this.apply(xInt, this.integerWeights());
        if (!noise) return y;
        const std = opts.signed ? this.fastStd!.signed : this.fastStd!.unsigned;
        return tf.add(y, tf.mul(this.pool.take(y.shape), std));
      }
      if (!opts.signed) return this.bitSerialPass(xInt, this.params.inputBits, noise);
      const pos = this.bitSerialPass(tf.relu(xInt), this.params.inputBits - 1, noise);
      const neg = this.bitSerialPass(tf.relu(tf.neg(xInt)), this.params.inputBits - 1, noise);
      return tf.sub(pos, neg);
    });
  }

  /** One unsigned input pass, chunk by chunk, with a per-crossbar ADC conversion of every partial sum. */
  private bitSerialPass(x: tf.Tensor, bits: number, noise: boolean): tf.Tensor {
    const p = this.params;
    const { N, slices: S, rowTiles: RT } = this;
    const L1 = this.levels - 1;
    const chunks = Math.ceil(bits / p.dacBits);
    // Shift-and-add over (rt, j, n) → n as one matmul.
    const combine = new Float32Array(RT * S * N * N);
    for (let rt = 0; rt < RT; rt++) for (let j = 0; j < S; j++) for (let n = 0; n < N; n++) combine[((rt * S + j) * N + n) * N + n] = 2 ** (p.bitsPerCell * j);
    const combineT = tf.tensor2d(combine, [RT * S * N, N]);
    const { expanded, flipMask } = this.bitSerialState();
    const flip = tf.reshape(flipMask, [1, RT, S * N]);
    const sigma = noise ? tf.reshape(this.sigma!, [1, RT, S * N]) : undefined;
    let acc: tf.Tensor | undefined;
    for (let t = 0; t < chunks; t++) {
      const a = tf.mod(tf.floor(tf.div(x, 2 ** (p.dacBits * t))), 2 ** p.dacBits);
      const raw = tf.reshape(this.apply(a, expanded), [-1, RT * S * N + RT]);
      const partial = tf.reshape(tf.slice(raw, [0, 0], [-1, RT * S * N]), [-1, RT, S * N]);
      const aSum = tf.reshape(tf.slice(raw, [0, RT * S * N], [-1, RT]), [-1, RT, 1]);
      // Flipped columns hold the complement: the crossbar measures L1·Σa − Σa·d.
      const complement = tf.sub(tf.mul(aSum, L1), partial);
      let measured = tf.add(tf.mul(partial, tf.sub(1, flip)), tf.mul(complement, flip));
      if (sigma) measured = tf.add(measured, tf.mul(this.pool.take(measured.shape), sigma));
      // Round half up to the ADC's LSB, then clip to its range.
      let code = tf.mul(tf.floor(tf.add(tf.div(measured, this.adcLsb), 0.5)), this.adcLsb);
      code = this.lossless ? tf.relu(code) : tf.clipByValue(code, 0, this.adcCodeMax);
      const restored = tf.add(tf.mul(code, tf.sub(1, flip)), tf.mul(tf.sub(tf.mul(aSum, L1), code), flip));
      const y = tf.mul(tf.matMul(tf.reshape(restored, [-1, RT * S * N]), combineT), 2 ** (p.dacBits * t));
      acc = acc ? tf.add(acc, y) : y;
    }
    // Offset encoding: subtract 2^(W−1)·Σx, computed digitally.
    const ones = tf.ones([this.K, 1]) as tf.Tensor2D;
    const xSumFull = this.apply(x, ones);
    const xSum = tf.reshape(xSumFull, [-1, 1]);
    return tf.reshape(tf.sub(acc!, tf.mul(xSum, this.offset)), [...xSumFull.shape.slice(0, -1), N]);
  }

  /** The layer's output for float inputs: inputs to `input_bits` fixed point (per-call scale), the crossbar MVM, back to float. */
  forward(x: tf.Tensor, opts: { noise: boolean; path?: MvmPath }): tf.Tensor {
    const p = this.params;
    const range = tf.tidy(() => tf.stack([tf.min(x), tf.max(x)]));
    const [lo, hi] = range.dataSync() as unknown as [number, number];
    range.dispose();
    const signed = lo < 0;
    const amax = Math.max(Math.abs(lo), Math.abs(hi));
    // An all-zero input still goes through (sx = 1) so the output has the layer's shape.
    const sx = amax > 0 ? amax / (signed ? 2 ** (p.inputBits - 1) - 1 : 2 ** p.inputBits - 1) : 1;
    return tf.tidy(() => {
      const xInt = tf.round(tf.div(x, sx));
      return tf.mul(this.integerForward(xInt, { signed, noise: opts.noise, path: opts.path }), sx * this.scale);
    });
  }

  stats(): { writes: number; worn: number; cells: number; stuck: number } {
    const stuck = tf.tidy(() => tf.sum(tf.add(this.sa0, this.sa1))).dataSync()[0]!;
    return { writes: this.totalWrites, worn: this.worn, cells: this.K * this.slices * this.N, stuck };
  }

  /** Per-cell write counts [K, S·N] (a copy). */
  writeCounts(): Float32Array {
    return (this.writes.dataSync() as Float32Array).slice();
  }

  /** Stuck masks (a copy): 0 healthy, 1 stuck at G_off, 2 stuck at G_on. */
  stuckMap(): Uint8Array {
    const a = this.sa0.dataSync();
    const b = this.sa1.dataSync();
    const out = new Uint8Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[i]! > 0 ? 1 : b[i]! > 0 ? 2 : 0;
    return out;
  }

  /** Restores write counts (from a checkpoint); cells past their endurance stick. */
  restoreWrites(counts: Float32Array): void {
    if (counts.length !== this.K * this.slices * this.N) throw new Error('crossbar: write-count size mismatch');
    this.writes.dispose();
    this.writes = tf.keep(tf.tensor2d(counts, [this.K, this.slices * this.N]));
    this.totalWrites = counts.reduce((a, b) => a + b, 0);
  }

  dispose(): void {
    for (const t of [this.digits, this.lev, this.sa0, this.sa1, this.wearToOne, this.writes, this.weff, this.weffT, this.qeff, this.expanded, this.flipMask, this.sigma, this.memberTCache, this.fastStd?.signed, this.fastStd?.unsigned]) t?.dispose();
    this.pool.dispose();
  }
}
