// Functional model of one mapped layer on ReRAM crossbars: what the layer computes on imperfect cells.
//
// Encoding (ISAAC-style, all choices here are the model's):
// - Weights: per-layer fixed point, q = round(w / s_w) ∈ [−(2^(W−1)−1), 2^(W−1)−1], s_w = range / (2^(W−1)−1).
// - Signed weights: offset or differential encoding (encoding.ts), bit-sliced over cells of c bits; level d
//   has conductance G_off + d·ΔG, ΔG = (G_on − G_off)/(2^c − 1).
// - Rows: the K fan-in rows are cut into row tiles of `rows`; each crossbar's column current is converted
//   on its own and the digital periphery adds the tiles (shift-and-add over slices and input chunks).
// - Inputs: per-call fixed point of `input_bits` (unsigned when the input has no negative entry, else the
//   positive and negative parts go through as two passes), streamed in ⌈bits/d⌉ chunks of d DAC bits; the
//   DAC full scale is the read voltage. The periphery removes the G_off baseline (G_off·Σa), so one ADC unit
//   is one level step times one DAC step.
// - ADC (adc.ts): worst-case or calibrated full scale per column group, with `adc_bits` codes.
// Non-idealities: static device-to-device spread G·(1+δ), δ drawn once per cell per chip; write noise
// G·(1+ε) drawn at each write; thermal noise σ_I = √(4·k_B·T·Δf·ΣG) per column per read (Δf = the read
// bandwidth), summed in quadrature over the column's rows; stuck-at-0/1 cells drawn once per chip;
// endurance (a cell written more than `endurance` times sticks).
//
// Evaluation paths: `bitserial` forms every per-crossbar partial sum of every input chunk and column group,
// adds the per-read noise and converts it, as the hardware does. A column group whose conversions provably
// lose nothing (LSB of one unit and a top code above its largest possible sum) is linear, so `auto`
// computes those groups as one product with their stored weights (noise moment-matched: the summed per-read
// rounded variances) and only the lossy groups bit-serially; with a lossless ADC that is the whole layer
// (`fast`). Both give the same numbers without noise.

import { inputCycles, tileMatrix, TRAINABLE_WEIGHT_BITS } from '@pim/ir';
import { Rng } from '../util/rng.js';
import {
  calibratedScale,
  convert,
  SumHistogram,
  worstCaseScale,
  worstCaseSum,
  adcBitsNeeded,
  type AdcRangeMode,
  type AdcScale,
} from './adc.js';
import { cellEncoding, fixedPointScale, type CellEncoding, type Encoding } from './encoding.js';
import { NormalPool } from './normal-pool.js';
import { programmedLevel, roundedGaussianVariance, thermalNoiseCurrent } from './physics.js';
import { tf } from './tf.js';
import { isWrite, UNPROGRAMMED, weightCells } from './writes.js';

export interface CrossbarParams {
  rows: number;
  cols: number;
  bitsPerCell: number;
  weightBits: number;
  inputBits: number;
  dacBits: number;
  /** ADC resolution; Infinity for an ideal (lossless) converter. */
  adcBits: number;
  /** Worst-case full scale, or calibrated from the partial sums of calibration data. */
  adcRange: AdcRangeMode;
  /** Fraction of calibration partial sums the calibrated full scale covers (1: the largest seen). */
  adcPercentile: number;
  /**
   * Stated calibrated full scales (ADC units) per input chunk t and column group g, index t·G + g (or per
   * group only, the same for every chunk); calibrate() sets them otherwise.
   */
  adcRanges?: number[];
  /** ISAAC's column-flip encoding (saves one ADC bit). */
  flipEncoding: boolean;
  encoding: Encoding;
  gOn: number;
  gOff: number;
  readVoltage: number;
  /** Relative σ of the noise of each write (redrawn at every write). */
  writeNoise: number;
  /** Relative σ of the static device-to-device spread (drawn once per cell per chip). */
  spread: number;
  stuckAtZero: number;
  stuckAtOne: number;
  /** Writes a cell survives; Infinity for no wear. */
  endurance: number;
  /** Thermal noise is on when both are > 0. */
  temperatureK: number;
  /** Noise bandwidth of one read (physics.ts: readNoiseBandwidth), Hz. */
  bandwidthHz: number;
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

export type MvmPath = 'auto' | 'fast' | 'bitserial' | 'approx';

export interface ProgramResult {
  /** Cells written by this update (writes.ts: healthy cells whose level changes). */
  written: number;
  /** Cells that wore out by this update. */
  newlyWorn: number;
}

/** What reading a subset of column groups bit-serially needs, built once per write (or calibration). */
interface SerialState {
  groups: number[];
  /** The serial groups' levels [K, RT·G'·N]: block (rt, g', n) holds column (g, n) on row tile rt's rows, zero elsewhere. */
  expanded?: tf.Tensor2D;
  /**
   * A matrix layer's row tiles [rows of tile rt, G'·N] (with several tiles): one product per tile on its own
   * input rows instead of the zero-padded `expanded`, RT times fewer multiply-accumulates.
   */
  tiles?: tf.Tensor2D[];
  /** 1 − 2·flip and flip per (row tile, column) [1, 1, RT, G'·N], when some column is flipped. */
  flip?: { sign: tf.Tensor; mask: tf.Tensor; maskFlat: tf.Tensor };
  sigma?: tf.Tensor;
  /** Per chunk and column [T, 1, 1, G'·N]: 1/LSB, the top code (in codes), and LSB·2^(d·t). */
  invLsb: tf.Tensor;
  codes: tf.Tensor;
  weight: tf.Tensor;
  combine: tf.Tensor2D;
  /** The other groups' stored weights minus the offset [K, N]: their part of the result is one product. */
  rest: tf.Tensor2D;
  restStd?: { unsigned: tf.Tensor1D; signed: tf.Tensor1D };
}

/**
 * A layer's numerics that cannot compute what the network needs (the trainer names the layer): signed
 * inputs at fewer than 2 input bits, or calibrated ADC ranges that clip every sum to 0.
 */
export class CrossbarConfigError extends Error {
  override name = 'CrossbarConfigError';
}

/** Signed inputs (an input with a negative entry) at fewer than 2 input bits: nothing to stream them with. */
export class SignedInputBitsError extends CrossbarConfigError {
  override name = 'SignedInputBitsError';
  constructor(readonly inputBits: number) {
    super(
      `its inputs are signed (they have negative entries, as after a tanh), and signed inputs stream as two passes of input_bits − 1 bits, so they need at least 2 input bits; the mapping gives ${inputBits} (inputs: fixed(${inputBits} bit))`,
    );
  }
}

/** A forward that calibrates: at most `rows` rows of each layer's input (samples, or a graph's nodes) set its ranges. */
export interface CalibrationPass {
  rows?: number;
}

/**
 * At most `rows` rows of x, evenly spaced over it (all of them when it has no more): what a calibration
 * sees. A graph's layers take every node as a row, and observing all of Citeseer's 3,327 (bit-serially,
 * per input chunk and row tile) took minutes an epoch; its nodes are in no particular order, so evenly
 * spaced ones are a sample of the graph.
 */
export function calibrationRows(x: tf.Tensor, rows: number | undefined): tf.Tensor {
  const n = x.shape[0]!;
  if (rows === undefined || rows >= n) return x;
  return tf.gather(
    x,
    Array.from({ length: Math.max(1, rows) }, (_, i) => Math.floor((i * n) / rows)),
  );
}

export class CrossbarLayer {
  readonly enc: CellEncoding;
  readonly slices: number;
  /** Columns per output: S (offset) or 2S (differential). */
  readonly groups: number;
  readonly levels: number;
  readonly rowTiles: number;
  readonly offset: number;
  readonly qmax: number;
  readonly scale: number;
  private readonly invScale: number;
  readonly adcNeeded: number;
  /** Input chunks of an unsigned pass, ⌈input_bits / dac_bits⌉. */
  readonly chunks: number;
  private readonly dG: number;
  private readonly pool: NormalPool;
  /** The ADC scale of each input chunk t and column group g, index t·G + g. */
  private scales: AdcScale[];
  /** Calibrated full scales per chunk and column group (ADC units, index t·G + g), once calibrated or stated. */
  ranges: number[] | undefined;

  // Cell state lives in JS typed arrays, index k·G·N + g·N + n (group g of output n on fan-in row k): a write
  // touches each cell once with branches (changed? stuck? worn?), which per-cell tensor ops did 5× slower.
  /** Last programmed level of each cell, UNPROGRAMMED before the first write. */
  private readonly digits: Int16Array;
  /** Each cell's conductance in level units, (G − G_off)/ΔG: exact integers for ideal cells, so ideal reads are exact. */
  private readonly phys: Float32Array;
  /** Each cell's logical level: `phys`, or L1 − `phys` in a column stored complemented (what the periphery restores). */
  private readonly lev: Float32Array;
  /** 0 healthy, 1 stuck at G_off (level 0), 2 stuck at G_on (top level). */
  private readonly stuck: Uint8Array;
  /** Which way a cell sticks when it wears out (drawn with the chip). */
  private readonly wearToOne: Uint8Array;
  /** Static spread δ of each cell (drawn with the chip), when the spread is on. */
  private readonly spreadOf: Float32Array | undefined;
  private readonly writes: Float64Array;
  private readonly variationPool: NormalPool;
  private weffT: tf.Tensor2D | undefined;
  private weff: tf.Tensor2D | undefined;
  private qeff: tf.Tensor2D | undefined;
  /** Per (row tile, group, column): Σ logical level, Σ physical level and Σ nominal digit over the tile's rows. */
  private levSum = new Float64Array(0);
  private physSum = new Float64Array(0);
  private digitSum = new Float64Array(0);
  /** Per-read thermal σ per (row tile, group, column), ADC units. */
  private sigmaArr: Float32Array | undefined;
  private serial = new Map<string, SerialState>();
  /** The whole product's read-noise σ (fast and approximate paths), cached until the next write or calibration. */
  private allLinearStd: { unsigned: tf.Tensor1D; signed: tf.Tensor1D } | undefined;
  /** Which column groups convert losslessly (losslessGroups), until the next write or calibration. */
  private losslessOf: boolean[] | undefined;
  /** Mean and variance of the ADC's error per chunk and column group over the non-zero calibration sums. */
  private errMoments: { mean: Float64Array; variance: Float64Array } | undefined;
  /** The approximate path's weights: activity [P, T·RT] → error mean and variance [N], per pass length. */
  private approx = new Map<number, { mean: tf.Tensor2D; variance: tf.Tensor2D }>();
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
    if (kernel && kernel.kh * kernel.kw * kernel.cin !== K)
      throw new Error(`crossbar: kernel ${kernel.kh}×${kernel.kw}×${kernel.cin} does not match K = ${K}`);
    const { min, max } = TRAINABLE_WEIGHT_BITS;
    if (!(p.weightBits >= min && p.weightBits <= max))
      throw new Error(`crossbar: weight_bits ${p.weightBits} outside ${min}…${max}`);
    this.enc = cellEncoding(p.encoding, p.weightBits, p.bitsPerCell);
    this.slices = this.enc.slices;
    this.groups = this.enc.groups;
    this.levels = 2 ** p.bitsPerCell;
    this.rowTiles = tileMatrix(K, N, this.groups, p.rows, p.cols).row_tiles;
    this.offset = this.enc.offset;
    this.qmax = 2 ** (p.weightBits - 1) - 1;
    this.scale = p.weightRange / this.qmax;
    this.invScale = this.qmax / p.weightRange;
    this.dG = (p.gOn - p.gOff) / (this.levels - 1);
    this.adcNeeded = adcBitsNeeded(p.rows, p.dacBits, p.bitsPerCell, p.flipEncoding);
    this.chunks = inputCycles(p.inputBits, p.dacBits);
    const TG = this.chunks * this.groups;
    if (p.adcRanges && p.adcRanges.length !== this.groups && p.adcRanges.length !== TG)
      throw new Error(
        `crossbar: ${p.adcRanges.length} ADC ranges for ${this.groups} column groups and ${this.chunks} input chunks`,
      );
    const stated =
      p.adcRanges?.length === this.groups
        ? Array.from({ length: TG }, (_, i) => p.adcRanges![i % this.groups]!)
        : p.adcRanges?.slice();
    this.ranges = p.adcRange === 'calibrated' ? stated : undefined;
    this.scales = this.scalesFor(this.ranges);
    const rng = new Rng(seed);
    this.pool = new NormalPool(rng.fork(1));
    this.variationPool = new NormalPool(rng.fork(3));
    const cells = weightCells(K, N, this.groups);
    this.digits = new Int16Array(cells).fill(UNPROGRAMMED);
    this.lev = new Float32Array(cells);
    this.phys = new Float32Array(cells);
    this.stuck = new Uint8Array(cells);
    this.wearToOne = new Uint8Array(cells);
    this.writes = new Float64Array(cells);
    // Faults and the static spread are drawn once per chip (this seed), before any write, and never redrawn.
    const chip = rng.fork(2);
    const ratio = p.stuckAtZero + p.stuckAtOne > 0 ? p.stuckAtOne / (p.stuckAtZero + p.stuckAtOne) : 0.5;
    for (let i = 0; i < cells; i++) {
      const u = chip.next();
      this.stuck[i] = u < p.stuckAtZero ? 1 : u < p.stuckAtZero + p.stuckAtOne ? 2 : 0;
      if (this.stuck[i] === 2) this.lev[i] = this.phys[i] = this.levels - 1;
      this.wearToOne[i] = chip.next() < ratio ? 1 : 0;
    }
    if (p.spread > 0) {
      const spread = rng.fork(4);
      this.spreadOf = new Float32Array(cells);
      for (let i = 0; i < cells; i++) this.spreadOf[i] = p.spread * spread.normal();
    }
  }

  get noisy(): boolean {
    return this.params.temperatureK > 0 && this.params.bandwidthHz > 0;
  }

  private scalesFor(ranges: number[] | undefined): AdcScale[] {
    const p = this.params;
    const worst = worstCaseScale(p.adcBits, this.adcNeeded);
    const most = worstCaseSum(p.rows, p.dacBits, p.bitsPerCell, p.flipEncoding);
    return Array.from({ length: this.chunks * this.groups }, (_, i) =>
      ranges ? calibratedScale(p.adcBits, Math.min(ranges[i]!, most)) : worst,
    );
  }

  /** The ADC scale (LSB and top code, ADC units) of each input chunk t and column group g, index t·G + g. */
  adcScales(): AdcScale[] {
    return this.scales.map((s) => ({ ...s }));
  }

  /**
   * Column groups whose conversions lose nothing for any input: an LSB of one unit and a top code above the
   * group's largest possible (measured) column sum, (2^d − 1) × its stored levels (or their complement).
   * Depends on the ADC scales and the cells only, so it is found once per write or calibration.
   */
  losslessGroups(): readonly boolean[] {
    return (this.losslessOf ??= this.findLosslessGroups());
  }

  private findLosslessGroups(): boolean[] {
    const p = this.params;
    const { N, groups: G, rowTiles: RT } = this;
    const aMax = 2 ** p.dacBits - 1;
    const out: boolean[] = [];
    for (let g = 0; g < G; g++) {
      const scales = Array.from({ length: this.chunks }, (_, t) => this.scales[t * G + g]!);
      if (scales.some((s) => s.lsb > 1)) {
        out.push(false);
        continue;
      }
      // The measured sum: the levels the cells hold (a complemented column's complement).
      let most = 0;
      for (let rt = 0; rt < RT; rt++)
        for (let n = 0; n < N; n++) most = Math.max(most, aMax * this.physSum[rt * G * N + g * N + n]!);
      out.push(scales.every((s) => !(Math.ceil(most - 1e-6) > s.codeMax)));
    }
    return out;
  }

  /** True when every column group is lossless: the whole layer is one linear product. */
  get lossless(): boolean {
    return this.losslessGroups().every((x) => x);
  }

  /** ISAAC's column flip by nominal digits: a column whose digits sum past half stores the complement. */
  private flips(digitSum: number): boolean {
    return this.params.flipEncoding && digitSum > (this.params.rows * (this.levels - 1)) / 2;
  }

  /** Whether column i (row tile, group, column) stores its digits' complement (`flips`). */
  private flipped(i: number): boolean {
    return this.flips(this.digitSum[i]!);
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

  /** Nominal cell levels [K, G·N] (group g in columns g·N … g·N+N−1) of float weights [K, N]. */
  levelsOf(w: tf.Tensor2D): tf.Tensor2D {
    const a = w.dataSync();
    const { K, N, groups: G } = this;
    const out = new Float32Array(K * G * N);
    const d = new Int32Array(G);
    for (let k = 0; k < K; k++)
      for (let n = 0; n < N; n++) {
        this.enc.digits(this.quantize(a[k * N + n]!), d);
        for (let g = 0; g < G; g++) out[k * G * N + g * N + n] = d[g]!;
      }
    return tf.tensor2d(out, [K, G * N]);
  }

  /**
   * Writes float weights [K, N] to the cells: only writes (writes.ts) change and count a cell. A cell holds a
   * physical level — its digit, or the digit's complement L1 − d in a column ISAAC's flip encoding stores
   * complemented — so a stuck cell, the spread and the write noise act on the conductance the cell has, and a
   * column whose flip changes is rewritten. `lev` keeps each cell's logical level (what the periphery restores).
   */
  program(w: tf.Tensor2D): ProgramResult {
    const p = this.params;
    const { K, N, groups: G, rowTiles: RT } = this;
    const L1 = this.levels - 1;
    const GN = G * N;
    const a = w.dataSync();
    const qeff = new Float32Array(K * N).fill(-this.offset);
    const sums = { lev: new Float64Array(RT * GN), phys: new Float64Array(RT * GN), digit: new Float64Array(RT * GN) };
    const tileDigits = new Int32Array(Math.min(p.rows, K) * GN);
    const one = new Int32Array(G);
    const { pool, start } = this.variationPool.cursor();
    const noise = { pool, draw: start };
    const tally = { written: 0, worn: 0 };
    for (let rt = 0; rt < RT; rt++) {
      const k0 = rt * p.rows;
      const k1 = Math.min(K, k0 + p.rows);
      // The tile's nominal digits first: a column's flip depends on all its rows' digits.
      for (let k = k0; k < k1; k++)
        for (let n = 0; n < N; n++) {
          this.enc.digits(this.quantize(a[k * N + n]!), one);
          for (let g = 0; g < G; g++) {
            tileDigits[(k - k0) * GN + g * N + n] = one[g]!;
            sums.digit[rt * GN + g * N + n]! += one[g]!;
          }
        }
      for (let k = k0; k < k1; k++)
        for (let g = 0; g < G; g++) {
          const f = this.enc.factor[g]!;
          for (let n = 0; n < N; n++) {
            const col = rt * GN + g * N + n;
            const flip = this.flips(sums.digit[col]!);
            const i = k * GN + g * N + n;
            const d = tileDigits[(k - k0) * GN + g * N + n]!;
            const phys = this.writeCell(i, flip ? L1 - d : d, noise, tally);
            const logical = flip ? L1 - phys : phys;
            this.lev[i] = logical;
            qeff[k * N + n]! += f * logical;
            sums.lev[col]! += logical;
            sums.phys[col]! += phys;
          }
        }
    }
    this.worn += tally.worn;
    this.totalWrites += tally.written;
    this.levSum = sums.lev;
    this.physSum = sums.phys;
    this.digitSum = sums.digit;
    this.refresh(qeff);
    return { written: tally.written, newlyWorn: tally.worn };
  }

  /**
   * Programs cell i to physical digit `target` when that is a write (writes.ts), counting the write and a
   * cell it wears out in `tally`. Returns the cell's physical level after.
   */
  private writeCell(
    i: number,
    target: number,
    noise: { pool: Float32Array; draw: number },
    tally: { written: number; worn: number },
  ): number {
    const L1 = this.levels - 1;
    if (!isWrite(this.digits[i]!, target, this.stuck[i] !== 0)) return this.phys[i]!;
    tally.written++;
    if (++this.writes[i]! > this.params.endurance) {
      // Worn out by this write: the cell sticks instead of taking the level.
      this.stuck[i] = this.wearToOne[i] ? 2 : 1;
      tally.worn++;
      return (this.phys[i] = this.wearToOne[i] ? L1 : 0);
    }
    this.digits[i] = target;
    const sigmaW = this.params.writeNoise;
    const eps = sigmaW > 0 ? sigmaW * noise.pool[noise.draw++ & (noise.pool.length - 1)]! : 0;
    const delta = this.spreadOf ? this.spreadOf[i]! : 0;
    this.phys[i] = programmedLevel(target, this.params.gOff / this.dG, delta, eps);
    return this.phys[i]!;
  }

  /** Drops what is derived from the cells and the ADC scales (after a write or a calibration). */
  private disposeSerial(): void {
    this.losslessOf = undefined;
    for (const s of this.serial.values())
      tf.dispose([
        ...(s.expanded ? [s.expanded] : []),
        ...(s.tiles ?? []),
        s.invLsb,
        s.codes,
        s.weight,
        s.combine,
        s.rest,
        ...(s.flip ? [s.flip.sign, s.flip.mask, s.flip.maskFlat] : []),
        ...(s.sigma ? [s.sigma] : []),
        ...(s.restStd ? [s.restStd.signed, s.restStd.unsigned] : []),
      ]);
    this.serial.clear();
    if (this.allLinearStd) tf.dispose([this.allLinearStd.unsigned, this.allLinearStd.signed]);
    this.allLinearStd = undefined;
    for (const a of this.approx.values()) tf.dispose([a.mean, a.variance]);
    this.approx.clear();
  }

  /** Recomputes what reads see from the cells (qeff: Σ_g factor_g·lev − offset per weight). */
  private refresh(qeff: Float32Array): void {
    for (const t of [this.weff, this.weffT, this.qeff]) t?.dispose();
    this.disposeSerial();
    const p = this.params;
    const { K, N, groups: G, rowTiles: RT } = this;
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
    this.sigmaArr = undefined;
    if (this.noisy) {
      // Column conductance per crossbar: Σ over the tile's rows of G_off + ΔG × the level the cell holds.
      const GN = G * N;
      const vUnit = p.readVoltage / (2 ** p.dacBits - 1);
      const sig = new Float32Array(RT * GN);
      for (let i = 0; i < sig.length; i++) {
        const rowsIn = Math.min(p.rows, K - Math.floor(i / GN) * p.rows);
        sig[i] =
          thermalNoiseCurrent(rowsIn * p.gOff + this.physSum[i]! * this.dG, p.temperatureK, p.bandwidthHz) /
          (vUnit * this.dG);
      }
      this.sigmaArr = sig;
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

  private member(): tf.Tensor2D {
    if (!this.memberCache) this.memberCache = tf.keep(tf.transpose(this.memberT()) as tf.Tensor2D);
    return this.memberCache;
  }

  /** Every group read linearly: the noise σ of the fast and approximate paths (not serialState([]), which also builds weights they never read). */
  private linearStd(): { unsigned: tf.Tensor1D; signed: tf.Tensor1D } {
    this.allLinearStd ??= this.linearNoiseStd(Array.from({ length: this.groups }, (_, g) => g));
    return this.allLinearStd;
  }

  /** Noise σ per output column of the given groups read linearly: every read's rounded noise, shifted and added. */
  private linearNoiseStd(groups: number[]): { unsigned: tf.Tensor1D; signed: tf.Tensor1D } {
    const p = this.params;
    const { N, groups: G, rowTiles: RT } = this;
    const sig = this.sigmaArr!;
    // Var[round(σ/LSB)] per (row tile, column) of a group: chunks that share an LSB share it (computed once).
    const rounded = new Map<string, Float64Array>();
    const roundedOf = (g: number, lsb: number): Float64Array => {
      const key = `${g}:${lsb}`;
      let r = rounded.get(key);
      if (!r) {
        r = new Float64Array(RT * N);
        for (let rt = 0; rt < RT; rt++)
          for (let n = 0; n < N; n++) r[rt * N + n] = roundedGaussianVariance(sig[rt * G * N + g * N + n]! / lsb);
        rounded.set(key, r);
      }
      return r;
    };
    // Variance of one pass of `chunks` input chunks: Σ_t 4^(d·t) Σ_rt,g factor² · LSB² · Var[round(σ/LSB)].
    const passVariance = (chunks: number): Float64Array => {
      const v = new Float64Array(N);
      for (let t = 0; t < chunks; t++)
        for (let rt = 0; rt < RT; rt++)
          for (const g of groups) {
            const w = 4 ** (p.dacBits * t) * this.enc.factor[g]! ** 2;
            const lsb = this.scales[t * G + g]!.lsb;
            const r = roundedOf(g, lsb);
            for (let n = 0; n < N; n++) v[n]! += w * lsb * lsb * r[rt * N + n]!;
          }
      return v;
    };
    const vu = passVariance(this.chunks);
    const vs = passVariance(inputCycles(p.inputBits - 1, p.dacBits));
    const u = new Float32Array(N);
    const sg = new Float32Array(N);
    for (let n = 0; n < N; n++) {
      u[n] = Math.sqrt(vu[n]!);
      sg[n] = Math.sqrt(2 * vs[n]!);
    }
    return { unsigned: tf.keep(tf.tensor1d(u)), signed: tf.keep(tf.tensor1d(sg)) };
  }

  /** The state to read `groups` bit-serially and the rest as one product (cached until the next write). */
  private serialState(groups: number[]): SerialState {
    const key = groups.join(',');
    const hit = this.serial.get(key);
    if (hit) return hit;
    const p = this.params;
    const { K, N, groups: G, rowTiles: RT } = this;
    const Gs = groups.length;
    const GN = G * N;
    // Each group's place among the serial ones (−1: read linearly, in `rest`).
    const serialIndex = new Int32Array(G).fill(-1);
    groups.forEach((g, gi) => (serialIndex[g] = gi));
    const blocks = this.serialBlocks(Gs);
    const tiled = blocks.length > 1;
    const rest = new Float32Array(K * N).fill(-this.offset);
    const width = RT * Gs * N;
    for (let k = 0; k < K; k++) {
      const rt = Math.floor(k / p.rows);
      for (let g = 0; g < G; g++) {
        const src = k * GN + g * N;
        const gi = serialIndex[g]!;
        if (gi < 0) {
          const f = this.enc.factor[g]!;
          for (let n = 0; n < N; n++) rest[k * N + n]! += f * this.lev[src + n]!;
          continue;
        }
        // Tiled: row k − rt·rows of tile rt's own [rows, Gs·N] block; else block (rt, g', n) of row k of [K, RT·Gs·N].
        const block = blocks[tiled ? rt : 0]!;
        const dst = tiled ? (k - rt * p.rows) * Gs * N + gi * N : k * width + (rt * Gs + gi) * N;
        for (let n = 0; n < N; n++) block[dst + n] = this.lev[src + n]!;
      }
    }
    const flip = new Float32Array(RT * Gs * N);
    const sigma = this.sigmaArr ? new Float32Array(RT * Gs * N) : undefined;
    for (let rt = 0; rt < RT; rt++)
      groups.forEach((g, gi) => {
        for (let n = 0; n < N; n++) {
          const i = rt * GN + g * N + n;
          flip[(rt * Gs + gi) * N + n] = this.flipped(i) ? 1 : 0;
          if (sigma) sigma[(rt * Gs + gi) * N + n] = this.sigmaArr![i]!;
        }
      });
    const T = this.chunks;
    const invLsb = new Float32Array(T * Gs * N);
    const codes = new Float32Array(T * Gs * N);
    const weight = new Float32Array(T * Gs * N);
    const combine = new Float32Array(width * N);
    groups.forEach((g, gi) => {
      for (let t = 0; t < T; t++) {
        const s = this.scales[t * G + g]!;
        const at = (t * Gs + gi) * N;
        invLsb.fill(1 / s.lsb, at, at + N);
        codes.fill(Number.isFinite(s.codeMax) ? Math.round(s.codeMax / s.lsb) : 3e38, at, at + N);
        weight.fill(s.lsb * 2 ** (p.dacBits * t), at, at + N);
      }
      for (let rt = 0; rt < RT; rt++)
        for (let n = 0; n < N; n++) combine[((rt * Gs + gi) * N + n) * N + n] = this.enc.factor[g]!;
    });
    const restGroups = Array.from({ length: G }, (_, g) => g).filter((g) => serialIndex[g]! < 0);
    const anyFlip = flip.some((v) => v !== 0);
    const state: SerialState = {
      groups,
      ...this.serialWeights(blocks, width),
      flip: anyFlip
        ? {
            sign: tf.keep(
              tf.tensor4d(
                flip.map((v) => 1 - 2 * v),
                [1, 1, RT, Gs * N],
              ),
            ),
            mask: tf.keep(tf.tensor4d(flip, [1, 1, RT, Gs * N])),
            maskFlat: tf.keep(tf.tensor3d(flip, [1, RT, Gs * N])),
          }
        : undefined,
      sigma: sigma ? tf.keep(tf.tensor4d(sigma, [1, 1, RT, Gs * N])) : undefined,
      invLsb: tf.keep(tf.tensor4d(invLsb, [T, 1, 1, Gs * N])),
      codes: tf.keep(tf.tensor4d(codes, [T, 1, 1, Gs * N])),
      weight: tf.keep(tf.tensor4d(weight, [T, 1, 1, Gs * N])),
      combine: tf.keep(tf.tensor2d(combine, [width, N])),
      rest: tf.keep(tf.tensor2d(rest, [K, N])),
      restStd: this.sigmaArr && restGroups.length ? this.linearNoiseStd(restGroups) : undefined,
    };
    this.serial.set(key, state);
    return state;
  }

  /**
   * Where the serial groups' weights are written: per row tile for a matrix layer with several tiles (one
   * product per tile on its own input rows), else one zero-padded [K, RT·Gs·N] matrix (block (rt, g', n)
   * holds the column (g, n) on row tile rt's rows only).
   */
  private serialBlocks(Gs: number): Float32Array[] {
    const { K, N, rowTiles: RT } = this;
    const rows = this.params.rows;
    if (this.kernel || RT === 1) return [new Float32Array(K * RT * Gs * N)];
    return Array.from({ length: RT }, (_, rt) => new Float32Array(Math.min(rows, K - rt * rows) * Gs * N));
  }

  /** The serialBlocks as the product's weights. */
  private serialWeights(blocks: Float32Array[], width: number): Pick<SerialState, 'expanded' | 'tiles'> {
    if (blocks.length === 1) return { expanded: tf.keep(tf.tensor2d(blocks[0]!, [this.K, width])) };
    const W = width / this.rowTiles;
    return { tiles: blocks.map((b) => tf.keep(tf.tensor2d(b, [b.length / W, W]))) };
  }

  /** Per-read thermal σ of each crossbar column [RT, G·N], in ADC units of one level × one DAC step. */
  columnSigma(): Float32Array {
    return this.sigmaArr ? this.sigmaArr.slice() : new Float32Array(this.rowTiles * this.groups * this.N);
  }

  /** Effective weights s_w·q_eff [K, N] the crossbars hold (faults, spread, write noise and wear included). */
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
    return tf.conv2d(
      x as tf.Tensor4D,
      tf.reshape(w, [k.kh, k.kw, k.cin, w.shape[1]]) as tf.Tensor4D,
      k.stride,
      k.pad === 0 ? 'valid' : k.pad,
    );
  }

  /** Column groups a path reads bit-serially: none (fast), all (bitserial), or the lossy ones (auto). */
  private serialGroups(path: MvmPath | undefined): number[] {
    if (path === 'fast') return [];
    const all = Array.from({ length: this.groups }, (_, g) => g);
    if (path === 'bitserial') return all;
    const lossless = this.losslessGroups();
    return all.filter((g) => !lossless[g]);
  }

  /**
   * The MVM on integer inputs (x [M, K], or NHWC for a conv): Σ x·q_eff in integer units, through the
   * chosen path, with thermal noise when `noise` is set and the layer has a temperature and bandwidth.
   */
  integerForward(xInt: tf.Tensor, opts: { signed: boolean; noise: boolean; path?: MvmPath }): tf.Tensor {
    if (!this.qeff) throw new Error('crossbar: read before the first program()');
    const noise = opts.noise && this.noisy;
    const groups = this.serialGroups(opts.path === 'approx' ? 'auto' : opts.path);
    if (opts.path === 'approx' && groups.length > 0 && this.errMoments)
      return this.approxForward(xInt, opts.signed, noise);
    if (groups.length === 0) {
      return tf.tidy(() => {
        const y = this.apply(xInt, this.integerWeights());
        if (!noise) return y;
        const std = this.linearStd();
        return tf.add(y, tf.mul(this.pool.take(y.shape), opts.signed ? std.signed : std.unsigned));
      });
    }
    const st = this.serialState(groups);
    return tf.tidy(() => {
      let y = this.apply(xInt, st.rest);
      if (noise && st.restStd)
        y = tf.add(y, tf.mul(this.pool.take(y.shape), opts.signed ? st.restStd.signed : st.restStd.unsigned));
      if (!opts.signed)
        return tf.add(y, tf.reshape(this.bitSerialPass(xInt, this.params.inputBits, noise, st), y.shape));
      const pos = this.bitSerialPass(tf.relu(xInt), this.params.inputBits - 1, noise, st);
      const neg = this.bitSerialPass(tf.relu(tf.neg(xInt)), this.params.inputBits - 1, noise, st);
      return tf.add(y, tf.reshape(tf.sub(pos, neg), y.shape));
    });
  }

  /**
   * The approximate lossy path: the exact product with the stored weights, plus the ADC's error as a Gaussian
   * whose mean and variance follow each sample's active conversions (approxWeights), plus the read noise
   * moment-matched as on the fast path. Cost: one extra product with the row-tile membership per chunk.
   */
  private approxForward(xInt: tf.Tensor, signed: boolean, noise: boolean): tf.Tensor {
    return tf.tidy(() => {
      const y = this.apply(xInt, this.integerWeights());
      const bits = signed ? this.params.inputBits - 1 : this.params.inputBits;
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (!signed) ({ mean, variance } = this.approxPass(xInt, bits));
      else {
        const pos = this.approxPass(tf.relu(xInt), bits);
        const neg = this.approxPass(tf.relu(tf.neg(xInt)), bits);
        mean = tf.sub(pos.mean, neg.mean);
        variance = tf.add(pos.variance, neg.variance);
      }
      const err = tf.add(mean, tf.mul(this.pool.take(mean.shape), tf.sqrt(tf.relu(variance))));
      let out = tf.add(y, tf.reshape(err, y.shape));
      if (noise) {
        const std = this.linearStd();
        out = tf.add(out, tf.mul(this.pool.take(y.shape), signed ? std.signed : std.unsigned));
      }
      return out;
    });
  }

  /** Input chunks of one unsigned pass, stacked along the batch: [T·B, …]. */
  private planes(x: tf.Tensor, bits: number): { planes: tf.Tensor; T: number } {
    const d = this.params.dacBits;
    const T = inputCycles(bits, d);
    const parts: tf.Tensor[] = [];
    for (let t = 0; t < T; t++)
      parts.push(t === T - 1 ? tf.floor(tf.div(x, 2 ** (d * t))) : tf.mod(tf.floor(tf.div(x, 2 ** (d * t))), 2 ** d));
    return { planes: T === 1 ? parts[0]! : tf.concat(parts, 0), T };
  }

  /** Batch blocks that keep one block's partial sums of every chunk under ~4M values. */
  private blocks(x: tf.Tensor, T: number, width: number): number {
    const k = this.kernel;
    // Output positions per sample: one for a matrix row, Ho·Wo for a conv.
    const positions = k
      ? (Math.floor((x.shape[1]! + 2 * k.pad - k.kh) / k.stride) + 1) *
        (Math.floor((x.shape[2]! + 2 * k.pad - k.kw) / k.stride) + 1)
      : 1;
    const perSample = positions * (width + this.rowTiles) * T;
    return Math.max(1, Math.floor(4e6 / Math.max(1, perSample)));
  }

  /** What the crossbars measure for every chunk and column of the serial groups: [T, P, RT, G'·N] (and Σa per tile). */
  private measured(x: tf.Tensor, bits: number, st: SerialState): { measured: tf.Tensor; aSum: tf.Tensor; T: number } {
    const { planes, T } = this.planes(x, bits);
    const RT = this.rowTiles;
    const width = st.groups.length * this.N;
    const rows = this.params.rows;
    const product = st.tiles
      ? tf.concat(
          st.tiles.map((w, rt) => tf.matMul(tf.slice(planes, [0, rt * rows], [-1, w.shape[0]]) as tf.Tensor2D, w)),
          1,
        )
      : this.apply(planes, st.expanded!);
    const partial = tf.reshape(product, [T, -1, RT, width]);
    const aSum = tf.reshape(this.apply(planes, this.member()), [T, -1, RT, 1]);
    // Flipped columns hold the complement: the crossbar measures L1·Σa − Σa·d.
    const measured = st.flip
      ? tf.add(tf.mul(partial, st.flip.sign), tf.mul(tf.mul(aSum, this.levels - 1), st.flip.mask))
      : partial;
    return { measured, aSum, T };
  }

  /** One unsigned input pass of the serial groups, every chunk at once, each partial sum converted by its ADC. */
  private bitSerialPass(x: tf.Tensor, bits: number, noise: boolean, st: SerialState): tf.Tensor {
    const T0 = inputCycles(bits, this.params.dacBits);
    const W = st.groups.length * this.N;
    const RT = this.rowTiles;
    const block = this.blocks(x, T0, RT * W);
    if (x.shape[0]! > block) {
      const parts: tf.Tensor[] = [];
      for (let b = 0; b < x.shape[0]!; b += block) {
        const n = Math.min(block, x.shape[0]! - b);
        parts.push(tf.tidy(() => this.bitSerialPass(tf.slice(x, b, n), bits, noise, st)));
      }
      const out = tf.concat(parts, 0);
      tf.dispose(parts);
      return out;
    }
    return tf.tidy(() => {
      const { measured: m, aSum, T } = this.measured(x, bits, st);
      const measured = noise && st.sigma ? tf.add(m, tf.mul(this.pool.take(m.shape), st.sigma)) : m;
      const per = (t: tf.Tensor): tf.Tensor => (T === this.chunks ? t : tf.slice(t, 0, T));
      // Round half up to the ADC's LSB, clip to its codes, back to units and shifted by the chunk's place.
      // min(a, top) as a − relu(a − top): exact on these whole numbers, and tfjs-wasm's Sub broadcasts
      // [T, 1, 1, W] over [T, P, RT, W] natively where its Minimum falls back to a per-element path (~30× slower).
      const a = tf.relu(tf.floor(tf.add(tf.mul(measured, per(st.invLsb)), 0.5)));
      const code = tf.sub(a, tf.relu(tf.sub(a, per(st.codes))));
      let summed = tf.sum(tf.mul(code, per(st.weight)), 0);
      if (st.flip) {
        // Flipped columns: the complement's conversions restore to Σ_t 2^(d·t)·L1·Σa − the converted value.
        const shifts = tf.tensor4d(
          Array.from({ length: T }, (_, t) => 2 ** (this.params.dacBits * t)),
          [T, 1, 1, 1],
        );
        const aTotal = tf.sum(tf.mul(aSum, shifts), 0);
        summed = tf.add(
          tf.mul(summed, tf.squeeze(st.flip.sign, [0])),
          tf.mul(tf.mul(aTotal, this.levels - 1), st.flip.maskFlat),
        );
      }
      return tf.matMul(tf.reshape(summed, [-1, RT * W]), st.combine);
    });
  }

  /**
   * Sets the calibrated full scale of each input chunk and column group from the partial sums this input
   * produces (noise-free, before conversion): the `adcPercentile` of their distribution. The ADC's reference
   * may change with the chunk: the high input bits of post-ReLU activations are sparse, so their sums are
   * small and resolved finely, while the low, dense bits weigh little. Inputs as for integerForward.
   */
  calibrate(xInt: tf.Tensor, signed: boolean): number[] {
    const hist = this.observe(xInt, signed);
    if (this.params.adcRange === 'calibrated') {
      this.ranges = hist.map((h) => h.percentile(this.params.adcPercentile));
      // The percentile counts the zero sums (inputs and cells at 0 are most of them), so a low one can fall
      // on 0 everywhere: every non-zero sum would then clip to 0 and the layer's output be constant.
      if (this.ranges.every((r) => r === 0) && hist.some((h) => h.max() > 0))
        throw new CrossbarConfigError(
          `every calibrated ADC range is 0: at adc_percentile ${+(this.params.adcPercentile * 100).toPrecision(6)}% the percentile falls on the zero partial sums, so every non-zero sum would clip to 0 and the layer's output be constant; raise adc_percentile (the default, 100%, takes the largest sum)`,
        );
      this.scales = this.scalesFor(this.ranges);
    }
    this.errMoments = errorMoments(hist, this.scales);
    this.disposeSerial();
    return this.ranges?.slice() ?? [];
  }

  /** Histograms of the noise-free partial sums per chunk and column group (index t·G + g) of this input. */
  private observe(xInt: tf.Tensor, signed: boolean): SumHistogram[] {
    const { N, groups: G } = this;
    const all = Array.from({ length: G }, (_, g) => g);
    const st = this.serialState(all);
    const hist = Array.from({ length: this.chunks * G }, () => new SumHistogram());
    const observe = (x: tf.Tensor, bits: number): void => {
      const T = inputCycles(bits, this.params.dacBits);
      const block = this.blocks(x, T, this.rowTiles * G * N);
      for (let b = 0; b < x.shape[0]!; b += block) {
        const n = Math.min(block, x.shape[0]! - b);
        const m = tf.tidy(() => this.measured(tf.slice(x, b, n), bits, st).measured);
        const a = m.dataSync();
        m.dispose();
        // Chunk t's values come first ([T, P, RT, G·N]); within a row of G·N, group g is g·N … g·N + N − 1.
        const perChunk = a.length / T;
        for (let t = 0; t < T; t++)
          for (let row = t * perChunk; row < (t + 1) * perChunk; row += G * N)
            for (let g = 0; g < G; g++) hist[t * G + g]!.add(a, row + g * N, 1, N);
      }
    };
    tf.tidy(() => {
      if (!signed) observe(xInt, this.params.inputBits);
      else {
        observe(tf.relu(xInt), this.params.inputBits - 1);
        observe(tf.relu(tf.neg(xInt)), this.params.inputBits - 1);
      }
    });
    return hist;
  }

  /**
   * The approximate lossy path's weights for a pass of `T` chunks: a conversion errs only when its row tile
   * saw input (Σa > 0) and its column holds a non-zero level; then its error has the calibration data's mean
   * and variance for that chunk and group. Rows t·RT + rt, columns n.
   */
  private approxWeights(T: number): { mean: tf.Tensor2D; variance: tf.Tensor2D } {
    const hit = this.approx.get(T);
    if (hit) return hit;
    const { N, groups: G, rowTiles: RT } = this;
    const em = this.errMoments!;
    const lossless = this.losslessGroups();
    const mean = new Float32Array(T * RT * N);
    const variance = new Float32Array(T * RT * N);
    for (let t = 0; t < T; t++) {
      const shift = 2 ** (this.params.dacBits * t);
      for (let rt = 0; rt < RT; rt++)
        for (let g = 0; g < G; g++) {
          if (lossless[g]) continue;
          const f = this.enc.factor[g]!;
          const mu = em.mean[t * G + g]!;
          const v = em.variance[t * G + g]!;
          for (let n = 0; n < N; n++) {
            if (!(this.levSum[rt * G * N + g * N + n]! > 0)) continue;
            mean[(t * RT + rt) * N + n]! += shift * f * mu;
            variance[(t * RT + rt) * N + n]! += shift * shift * f * f * v;
          }
        }
    }
    const w = { mean: tf.keep(tf.tensor2d(mean, [T * RT, N])), variance: tf.keep(tf.tensor2d(variance, [T * RT, N])) };
    this.approx.set(T, w);
    return w;
  }

  /** The approximate path's ADC error of one unsigned pass: its mean and variance per output [P, N]. */
  private approxPass(x: tf.Tensor, bits: number): { mean: tf.Tensor; variance: tf.Tensor } {
    const { active, T } = this.activity(x, bits);
    const w = this.approxWeights(T);
    return { mean: tf.matMul(active, w.mean), variance: tf.matMul(active, w.variance) };
  }

  /**
   * Which row tiles saw input (Σa > 0) in each chunk of one unsigned pass: [P, T·RT] of 0 and 1, column t·RT + rt.
   * One chunk at a time, each in its own tidy: the T planes at once (planes()) are T times the input with
   * their temporaries three times that, and on Citeseer's 3,327 × 3,703 features (16 chunks) they took the
   * wasm heap of a GCN's epoch to 4 GB, tfjs-wasm's limit.
   */
  private activity(x: tf.Tensor, bits: number): { active: tf.Tensor2D; T: number } {
    const d = this.params.dacBits;
    const T = inputCycles(bits, d);
    const RT = this.rowTiles;
    const perChunk = Array.from({ length: T }, (_, t) =>
      tf.tidy(() => {
        const shifted = tf.floor(tf.div(x, 2 ** (d * t)));
        const plane = t === T - 1 ? shifted : tf.mod(shifted, 2 ** d);
        return tf.cast(tf.greater(tf.reshape(this.apply(plane, this.member()), [-1, RT]), 0.5), 'float32');
      }),
    );
    const active = (T === 1 ? perChunk[0]! : tf.concat(perChunk, 1)) as tf.Tensor2D;
    if (T > 1) tf.dispose(perChunk);
    return { active, T };
  }

  /** Whether a calibration pass sets anything: calibrated ranges not stated, or the approximate path's error moments. */
  needsCalibration(path?: MvmPath): boolean {
    return (this.params.adcRange === 'calibrated' && !this.params.adcRanges) || (path === 'approx' && !this.lossless);
  }

  /** Integer inputs of float inputs: `input_bits` fixed point with a per-call scale. */
  private inputScale(x: tf.Tensor): { signed: boolean; sx: number } {
    const range = tf.tidy(() => tf.stack([tf.min(x), tf.max(x)]));
    const [lo, hi] = range.dataSync() as unknown as [number, number];
    range.dispose();
    // A signed input streams two passes of I−1 bits: at I = 1 each pass has no bit, and the scale is infinite.
    if (lo < 0 && this.params.inputBits < 2) throw new SignedInputBitsError(this.params.inputBits);
    return fixedPointScale(lo, hi, this.params.inputBits);
  }

  /**
   * The layer's output for float inputs: inputs to `input_bits` fixed point (per-call scale), the crossbar MVM,
   * back to float. With `calibrate`, a calibrated ADC first takes its ranges from this input (at most
   * `calibrate.rows` of its rows).
   */
  forward(x: tf.Tensor, opts: { noise: boolean; path?: MvmPath; calibrate?: CalibrationPass }): tf.Tensor {
    const { signed, sx } = this.inputScale(x);
    return tf.tidy(() => {
      const xInt = tf.round(tf.div(x, sx));
      if (opts.calibrate && this.needsCalibration(opts.path))
        this.calibrate(calibrationRows(xInt, opts.calibrate.rows), signed);
      return tf.mul(this.integerForward(xInt, { signed, noise: opts.noise, path: opts.path }), sx * this.scale);
    });
  }

  stats(): { writes: number; worn: number; cells: number; stuck: number; maxWrites: number } {
    let stuck = 0;
    for (const v of this.stuck) if (v) stuck++;
    let maxWrites = 0;
    for (const w of this.writes) if (w > maxWrites) maxWrites = w;
    return { writes: this.totalWrites, worn: this.worn, cells: this.K * this.groups * this.N, stuck, maxWrites };
  }

  /** Per-cell write counts [K, G·N] (a copy). */
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
    for (const t of [this.weff, this.weffT, this.qeff, this.memberTCache, this.memberCache]) t?.dispose();
    this.disposeSerial();
    this.pool.dispose();
  }
}

/** Mean and variance of convert(s) − s per chunk and group over the histograms' non-zero sums (zero sums convert exactly). */
function errorMoments(hist: SumHistogram[], scales: AdcScale[]): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(hist.length);
  const variance = new Float64Array(hist.length);
  hist.forEach((h, i) => {
    let n = 0;
    let s1 = 0;
    let s2 = 0;
    h.forEachBin((sum, count) => {
      if (sum === 0) return;
      const e = convert(sum, scales[i]!) - sum;
      n += count;
      s1 += count * e;
      s2 += count * e * e;
    });
    if (n > 0) {
      mean[i] = s1 / n;
      variance[i] = Math.max(0, s2 / n - (s1 / n) ** 2);
    }
  });
  return { mean, variance };
}
