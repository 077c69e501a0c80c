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

import { inputCycles, tileMatrix, weightSlices } from '@pim/ir';
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
  private readonly invScale: number;
  readonly adcNeeded: number;
  readonly adcLsb: number;
  readonly adcCodeMax: number;
  readonly lossless: boolean;
  private readonly dG: number;
  private readonly pool: NormalPool;

  // Cell state lives in JS typed arrays, index k·S·N + j·N + n (slice j of output n on fan-in row k): a write
  // touches each cell once with branches (changed? stuck? worn?), which per-cell tensor ops did 5× slower.
  /** Last programmed level of each cell, −1 before the first write. */
  private readonly digits: Int16Array;
  /** Each cell's conductance in level units, (G − G_off)/ΔG: exact integers for ideal cells, so ideal reads are exact. */
  private readonly lev: Float32Array;
  /** 0 healthy, 1 stuck at G_off (level 0), 2 stuck at G_on (top level). */
  private readonly stuck: Uint8Array;
  /** Which way a cell sticks when it wears out (drawn with the chip). */
  private readonly wearToOne: Uint8Array;
  private readonly writes: Float64Array;
  private readonly variationPool: NormalPool;
  private weffT: tf.Tensor2D | undefined;
  private weff: tf.Tensor2D | undefined;
  private qeff: tf.Tensor2D | undefined;
  private expanded: tf.Tensor2D | undefined;
  private flipMask: tf.Tensor2D | undefined;
  private sigma: tf.Tensor2D | undefined;
  /** Per-cycle thermal σ per (row tile, slice, column), integer units. */
  private sigmaArr: Float32Array | undefined;
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
    if (!(p.weightBits >= 2 && p.weightBits <= 24)) throw new Error(`crossbar: weight_bits ${p.weightBits} outside 2…24`);
    this.slices = weightSlices(p.weightBits, p.bitsPerCell);
    this.levels = 2 ** p.bitsPerCell;
    this.rowTiles = tileMatrix(K, N, this.slices, p.rows, p.cols).row_tiles;
    this.offset = 2 ** (p.weightBits - 1);
    this.qmax = 2 ** (p.weightBits - 1) - 1;
    this.scale = p.weightRange / this.qmax;
    this.invScale = this.qmax / p.weightRange;
    this.dG = (p.gOn - p.gOff) / (this.levels - 1);
    this.adcNeeded = adcBitsNeeded(p.rows, p.dacBits, p.bitsPerCell, p.flipEncoding);
    this.lossless = !(p.adcBits < this.adcNeeded);
    this.adcLsb = this.lossless ? 1 : 2 ** (this.adcNeeded - p.adcBits);
    this.adcCodeMax = this.lossless ? Infinity : (2 ** p.adcBits - 1) * this.adcLsb;
    const rng = new Rng(seed);
    this.pool = new NormalPool(rng.fork(1));
    this.variationPool = new NormalPool(rng.fork(3));
    const cells = K * this.slices * N;
    this.digits = new Int16Array(cells).fill(-1);
    this.lev = new Float32Array(cells);
    this.stuck = new Uint8Array(cells);
    this.wearToOne = new Uint8Array(cells);
    this.writes = new Float64Array(cells);
    // Faults are drawn once per chip (this seed), before any write, and never redrawn.
    const chip = rng.fork(2);
    const ratio = p.stuckAtZero + p.stuckAtOne > 0 ? p.stuckAtOne / (p.stuckAtZero + p.stuckAtOne) : 0.5;
    for (let i = 0; i < cells; i++) {
      const u = chip.next();
      this.stuck[i] = u < p.stuckAtZero ? 1 : u < p.stuckAtZero + p.stuckAtOne ? 2 : 0;
      if (this.stuck[i] === 2) this.lev[i] = this.levels - 1;
      this.wearToOne[i] = chip.next() < ratio ? 1 : 0;
    }
  }

  get noisy(): boolean {
    return this.params.temperatureK > 0 && this.params.frequencyHz > 0;
  }

  private quantize(w: number): number {
    const q = Math.round(w * this.invScale);
    return q > this.qmax ? this.qmax : q < -this.qmax ? -this.qmax : q;
  }

  /** The ideal fixed-point weights q (integers) of float weights. */
  quantizeWeights(w: tf.Tensor2D): tf.Tensor2D {
    const a = w.dataSync();
    return tf.tensor2d(
      Float32Array.from(a, (v) => this.quantize(v)),
      [this.K, this.N],
    );
  }

  /** Nominal cell levels [K, S·N] (slice j in columns j·N … j·N+N−1) of float weights [K, N]. */
  levelsOf(w: tf.Tensor2D): tf.Tensor2D {
    const a = w.dataSync();
    const { K, N, slices: S } = this;
    const c = this.params.bitsPerCell;
    const out = new Float32Array(K * S * N);
    for (let k = 0; k < K; k++)
      for (let n = 0; n < N; n++) {
        const u = this.quantize(a[k * N + n]!) + this.offset;
        for (let j = 0; j < S; j++) out[k * S * N + j * N + n] = Math.floor(u / 2 ** (c * j)) % this.levels;
      }
    return tf.tensor2d(out, [K, S * N]);
  }

  /** Writes float weights [K, N] to the cells: only changed levels are written (and counted). */
  program(w: tf.Tensor2D): ProgramResult {
    const p = this.params;
    const { K, N, slices: S, levels: L } = this;
    const SN = S * N;
    const c = p.bitsPerCell;
    const a = w.dataSync();
    const sigmaVar = p.variation;
    const base = p.gOff / this.dG;
    const endurance = p.endurance;
    const { pool, start } = this.variationPool.cursor();
    const mask = pool.length - 1;
    let draw = start;
    const qeff = new Float32Array(K * N);
    // Locals, and cells visited in memory order (row k, slice j, column n): this loop runs after every step.
    const { stuck, digits, writes, lev, wearToOne } = this;
    const levSum = this.noisy ? new Float64Array(this.rowTiles * SN) : undefined;
    const u = new Int32Array(N);
    let written = 0;
    let newlyWorn = 0;
    for (let k = 0; k < K; k++) {
      for (let n = 0; n < N; n++) {
        u[n] = this.quantize(a[k * N + n]!) + this.offset;
        qeff[k * N + n] = -this.offset;
      }
      const sumBase = levSum ? Math.floor(k / p.rows) * SN : 0;
      for (let j = 0; j < S; j++) {
        const shift = 2 ** (c * j);
        const row = k * SN + j * N;
        for (let n = 0; n < N; n++) {
          const i = row + n;
          if (stuck[i] === 0) {
            const d = (u[n]! >>> (c * j)) & (L - 1);
            if (d !== digits[i]) {
              written++;
              if (++writes[i]! > endurance) {
                // Worn out by this write: the cell sticks instead of taking the level.
                stuck[i] = wearToOne[i] ? 2 : 1;
                lev[i] = wearToOne[i] ? L - 1 : 0;
                newlyWorn++;
              } else {
                digits[i] = d;
                // G·(1+ε) in level units: d + (G_off/ΔG + d)·ε.
                lev[i] = sigmaVar > 0 ? d + (base + d) * sigmaVar * pool[draw++ & mask]! : d;
              }
            }
          }
          qeff[k * N + n]! += shift * lev[i]!;
          if (levSum) levSum[sumBase + j * N + n]! += lev[i]!;
        }
      }
    }
    this.worn += newlyWorn;
    this.totalWrites += written;
    this.refresh(qeff, levSum);
    return { written, newlyWorn };
  }

  /** Recomputes what reads see from the cells (qeff: Σ_j 2^(c·j)·lev − offset per weight; levSum: Σ lev per crossbar column). */
  private refresh(qeff: Float32Array, levSum: Float64Array | undefined): void {
    for (const t of [this.weff, this.weffT, this.qeff, this.expanded, this.flipMask, this.sigma, this.fastStd?.signed, this.fastStd?.unsigned]) t?.dispose();
    this.expanded = this.flipMask = this.sigma = undefined;
    const p = this.params;
    const { K, N, slices: S, rowTiles: RT } = this;
    // Plain loops: TypedArray.from with a map function is an order of magnitude slower in V8.
    const weff = new Float32Array(K * N);
    const weffT = new Float32Array(K * N);
    const scale = this.scale;
    for (let k = 0; k < K; k++)
      for (let n = 0; n < N; n++) {
        const v = qeff[k * N + n]! * scale;
        weff[k * N + n] = v;
        weffT[n * K + k] = v;
      }
    this.qeff = tf.keep(tf.tensor2d(qeff, [K, N]));
    this.weff = tf.keep(tf.tensor2d(weff, [K, N]));
    this.weffT = tf.keep(tf.tensor2d(weffT, [N, K]));
    if (this.noisy) {
      // Column conductance per crossbar: Σ over the tile's rows of G_off + lev·ΔG.
      const SN = S * N;
      const rowsIn = new Float64Array(RT);
      for (let k = 0; k < K; k++) rowsIn[Math.floor(k / p.rows)]!++;
      const vUnit = p.readVoltage / (2 ** p.dacBits - 1);
      const sig = new Float32Array(RT * SN);
      for (let i = 0; i < sig.length; i++)
        sig[i] = thermalNoiseCurrent(rowsIn[Math.floor(i / SN)]! * p.gOff + levSum![i]! * this.dG, p.temperatureK, p.frequencyHz) / (vUnit * this.dG);
      this.sigmaArr = sig;
      this.fastStd = this.fastNoiseStd();
    }
  }

  private memberTCache: tf.Tensor2D | undefined;
  /** Row-tile membership [K, RT] (Σa per crossbar, for the flip encoding). */
  private memberCache: tf.Tensor2D | undefined;

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
  private bitSerialState(): { expanded: tf.Tensor2D; member: tf.Tensor2D; flipMask: tf.Tensor2D; sigma?: tf.Tensor2D } {
    if (!this.memberCache) this.memberCache = tf.keep(tf.transpose(this.memberT()) as tf.Tensor2D);
    const member = this.memberCache;
    if (this.expanded && this.flipMask) return { expanded: this.expanded, member, flipMask: this.flipMask, sigma: this.sigma };
    const p = this.params;
    const { K, N, slices: S, rowTiles: RT } = this;
    // Column flip by nominal digits (ISAAC): store the complement where a column's digits sum past half.
    const digitSum = new Float32Array(RT * S * N);
    for (let k = 0; k < K; k++) {
      const rt = Math.floor(k / p.rows);
      for (let jn = 0; jn < S * N; jn++) digitSum[rt * S * N + jn]! += Math.max(0, this.digits[k * S * N + jn]!);
    }
    const flip = new Float32Array(RT * S * N);
    for (let i = 0; i < flip.length; i++) flip[i] = p.flipEncoding && digitSum[i]! > (p.rows * (this.levels - 1)) / 2 ? 1 : 0;
    this.flipMask = tf.keep(tf.tensor2d(flip, [RT, S * N]));
    if (this.sigmaArr) this.sigma = tf.keep(tf.tensor2d(this.sigmaArr, [RT, S * N]));
    // Block (rt, j, n) holds the column (j, n) on row tile rt's rows only.
    this.expanded = tf.tidy(() => tf.keep(tf.reshape(tf.mul(tf.expandDims(tf.tensor2d(this.lev, [K, S * N]), 1), tf.expandDims(member, 2)), [K, RT * S * N]) as tf.Tensor2D));
    return { expanded: this.expanded, member, flipMask: this.flipMask, sigma: this.sigma };
  }

  /** Noise σ per output column after shift-and-add of every cycle's rounded noise, in integer units. */
  private fastNoiseStd(): { unsigned: tf.Tensor1D; signed: tf.Tensor1D } {
    const p = this.params;
    const { N, slices: S, rowTiles: RT } = this;
    const sig = this.sigmaArr!;
    const chunkGain = (bits: number): number => {
      let s = 0;
      for (let t = 0; t < inputCycles(bits, p.dacBits); t++) s += 4 ** (p.dacBits * t);
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
    return {
      unsigned: tf.keep(tf.tensor1d(u)),
      signed: tf.keep(tf.tensor1d(sg)),
    };
  }

  /** Per-cycle thermal σ of each crossbar column [RT, S·N], in ADC units of one level × one DAC step. */
  columnSigma(): Float32Array {
    return this.sigmaArr ? this.sigmaArr.slice() : new Float32Array(this.rowTiles * this.slices * this.N);
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
    // Bound the working set: split the batch so one chunk's partial sums stay under ~4M values.
    const perSample = (x.size / x.shape[0]!) * ((this.rowTiles * this.slices * this.N + this.rowTiles) / this.K);
    const block = Math.max(1, Math.floor(4e6 / Math.max(1, perSample)));
    if (x.shape[0]! > block) {
      const parts: tf.Tensor[] = [];
      for (let b = 0; b < x.shape[0]!; b += block) {
        const n = Math.min(block, x.shape[0]! - b);
        parts.push(tf.tidy(() => this.bitSerialPass(tf.slice(x, b, n), bits, noise)));
      }
      const out = tf.concat(parts, 0);
      tf.dispose(parts);
      return out;
    }
    const p = this.params;
    const { N, slices: S, rowTiles: RT } = this;
    const L1 = this.levels - 1;
    const chunks = inputCycles(bits, p.dacBits);
    // Shift-and-add over (rt, j, n) → n as one matmul.
    const combine = new Float32Array(RT * S * N * N);
    for (let rt = 0; rt < RT; rt++) for (let j = 0; j < S; j++) for (let n = 0; n < N; n++) combine[((rt * S + j) * N + n) * N + n] = 2 ** (p.bitsPerCell * j);
    const combineT = tf.tensor2d(combine, [RT * S * N, N]);
    const { expanded, member, flipMask, sigma: sig } = this.bitSerialState();
    const flip = tf.reshape(flipMask, [1, RT, S * N]);
    const sigma = noise && sig ? tf.reshape(sig, [1, RT, S * N]) : undefined;
    let acc: tf.Tensor | undefined;
    for (let t = 0; t < chunks; t++) {
      const prev: tf.Tensor | undefined = acc;
      acc = tf.tidy(() => {
        const a = tf.mod(tf.floor(tf.div(x, 2 ** (p.dacBits * t))), 2 ** p.dacBits);
        // Two products instead of one wide one plus slices: 2-D slices are slow kernels on wasm.
        const partial = tf.reshape(this.apply(a, expanded), [-1, RT, S * N]);
        const aSum = tf.reshape(this.apply(a, member), [-1, RT, 1]);
        // Flipped columns hold the complement: the crossbar measures L1·Σa − Σa·d.
        const complement = tf.sub(tf.mul(aSum, L1), partial);
        let measured = tf.add(tf.mul(partial, tf.sub(1, flip)), tf.mul(complement, flip));
        if (sigma) measured = tf.add(measured, tf.mul(this.pool.take(measured.shape), sigma));
        // Round half up to the ADC's LSB, then clip to its range.
        let code = tf.mul(tf.floor(tf.add(tf.div(measured, this.adcLsb), 0.5)), this.adcLsb);
        code = this.lossless ? tf.relu(code) : tf.clipByValue(code, 0, this.adcCodeMax);
        const restored = tf.add(tf.mul(code, tf.sub(1, flip)), tf.mul(tf.sub(tf.mul(aSum, L1), code), flip));
        const y = tf.mul(tf.matMul(tf.reshape(restored, [-1, RT * S * N]), combineT), 2 ** (p.dacBits * t));
        return prev ? tf.add(prev, y) : y;
      });
      prev?.dispose();
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
      return tf.mul(
        this.integerForward(xInt, {
          signed,
          noise: opts.noise,
          path: opts.path,
        }),
        sx * this.scale,
      );
    });
  }

  stats(): { writes: number; worn: number; cells: number; stuck: number; maxWrites: number } {
    let stuck = 0;
    for (const v of this.stuck) if (v) stuck++;
    let maxWrites = 0;
    for (const w of this.writes) if (w > maxWrites) maxWrites = w;
    return { writes: this.totalWrites, worn: this.worn, cells: this.K * this.slices * this.N, stuck, maxWrites };
  }

  /** Per-cell write counts [K, S·N] (a copy). */
  writeCounts(): Float32Array {
    return Float32Array.from(this.writes);
  }

  /** Stuck cells (a copy): 0 healthy, 1 stuck at G_off, 2 stuck at G_on. */
  stuckMap(): Uint8Array {
    return this.stuck.slice();
  }

  /** Restores write counts (from a checkpoint); cells past their endurance stick at their next write. */
  restoreWrites(counts: Float32Array): void {
    if (counts.length !== this.writes.length) throw new Error('crossbar: write-count size mismatch');
    this.writes.set(counts);
    this.totalWrites = counts.reduce((a, b) => a + b, 0);
  }

  dispose(): void {
    for (const t of [this.weff, this.weffT, this.qeff, this.expanded, this.flipMask, this.sigma, this.memberTCache, this.memberCache, this.fastStd?.signed, this.fastStd?.unsigned]) t?.dispose();
    this.pool.dispose();
  }
}
