// The network an IR model describes, built on tfjs (NHWC inside; the IR's shapes are channel-first), with
// every weight layer placed on its engine: crossbar layers through the numerics, the rest in fp32 (GPU) or
// fixed point (the ReRAM partition's digital periphery).

import type { IrExperiment, IrLayer, IrModel } from '@pim/ir';
import {
  CrossbarConfigError,
  CrossbarLayer,
  type CalibrationPass,
  type KernelGeometry,
  type MvmPath,
} from '../numerics/crossbar.js';
import { NormalPool } from '../numerics/normal-pool.js';
import { tf } from '../numerics/tf.js';
import { Rng } from '../util/rng.js';
import { TrainConfigError, type LayerHardware } from './hardware.js';
import { AdjacencyCrossbar, adjacencyLayout, type AdjacencyLayout } from '../numerics/adjacency.js';
import {
  aggregate,
  conv2d,
  crossbarAggregate,
  crossbarOp,
  fixedPointSte,
  linear,
  StaticFormat,
  staticFixedPointSte,
  type Csr,
} from './ops.js';

export interface ForwardContext {
  training: boolean;
  /** Thermal noise in crossbar reads. */
  noise: boolean;
  /** Seed for this step's dropout masks. */
  seed: number;
  /** The graph's normalized adjacency (GCNs). */
  adj?: Csr;
  /** The mapped graph's Â (`adj` without DropEdge): Â's blocks on the chip are cut from it (default `adj`). */
  graph?: Csr;
  /** The network's input tensor (set by forward). */
  input?: tf.Tensor;
  /** Transposes known for intermediate tensors (set by sparse input dropout). */
  transposes?: Map<tf.Tensor, tf.Tensor2D>;
  /** Calibrated ADCs take their ranges from this forward's partial sums (at most `rows` rows of each layer's input). */
  calibrate?: CalibrationPass;
}

interface Built {
  layer: IrLayer;
  hw: LayerHardware;
  /** Shape of one sample (NHWC without batch; [F] for vectors; graphs: [F] per node). */
  outShape: number[];
  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor;
}

/** Builds a layer's record from its output shape and forward function. */
type MakeBuilt = (outShape: number[], forward: Built['forward']) => Built;

/** How a crossbar layer quantizes its output gradients. */
interface GradientQuantization {
  gradBits: number;
  gradFormat: StaticFormat | undefined;
}

export interface WeightLayer {
  name: string;
  /** Master weights [K, N] (what the optimizer updates; the cells hold their fixed-point image). */
  w: tf.Variable;
  b: tf.Variable;
  /** False for `bias: false` layers (b stays zero and untrained). */
  hasBias: boolean;
  crossbar?: CrossbarLayer;
  kernel?: KernelGeometry;
}

/** A [height, width] attribute given as one number or a pair. */
function pair(layer: IrLayer, key: string, dflt?: number): [number, number] {
  const v = layer.attributes[key];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'))
    return [v[0] as number, v[1] as number];
  const n = num(layer, key, dflt);
  return [n, n];
}

/** A stride the trainer supports: the same along both axes. */
function uniform(layer: IrLayer, key: string, dflt: number): number {
  const [a, b] = pair(layer, key, dflt);
  if (a !== b)
    throw new TrainConfigError(`layer '${layer.name}': ${key} ${a}×${b} must be equal along both axes for the trainer`);
  return a;
}

/** Symmetric padding from a number, `same`, or the IR's [top, bottom, left, right]. */
function padding(layer: IrLayer, kh: number, kw: number): number {
  const v = layer.attributes['padding'];
  if (v === undefined) return 0;
  if (v === 'same') {
    if (kh !== kw || kh % 2 === 0)
      throw new TrainConfigError(`layer '${layer.name}': 'same' padding needs an odd square kernel`);
    return (kh - 1) / 2;
  }
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => x === v[0]) && typeof v[0] === 'number') return v[0];
  throw new TrainConfigError(
    `layer '${layer.name}': padding ${JSON.stringify(v)} is not supported by the trainer (give the same padding on every side)`,
  );
}

function num(layer: IrLayer, key: string, dflt?: number): number {
  const v = layer.attributes[key];
  if (typeof v === 'number') return v;
  if (v === undefined && dflt !== undefined) return dflt;
  throw new TrainConfigError(
    `layer '${layer.name}' (${layer.kind}): attribute '${key}' must be a number, got ${JSON.stringify(v)}`,
  );
}

/** Which batchnorm layers stay for a normalization placement: every, every other, every third, none. */
function keepNorm(placement: string | undefined, ordinal: number): boolean {
  switch (placement) {
    case undefined:
    case 'all':
      return true;
    case 'alternate':
      return ordinal % 2 === 0;
    case 'third':
      return ordinal % 3 === 0;
    default:
      return false;
  }
}

/** A readout's pooling over the nodes (axis 0) of [N, F], by its `op` (docs/language.md): [1, F]. */
export function readoutPool(layer: IrLayer): (x: tf.Tensor) => tf.Tensor {
  const op = layer.attributes['op'] ?? 'mean';
  switch (op) {
    case 'mean':
      return (x) => tf.mean(x, 0, true);
    case 'sum':
      return (x) => tf.sum(x, 0, true);
    case 'max':
      return (x) => tf.max(x, 0, true);
    default:
      throw new TrainConfigError(`layer '${layer.name}': readout op ${JSON.stringify(op)} is not mean, sum or max`);
  }
}

/**
 * A variable holding `initial`'s values, the tensor freed: the variable shares its data, and the handle left
 * alive would keep the initial values in memory after the first update, for every training of a process.
 */
function variableOf(initial: tf.Tensor, trainable: boolean): tf.Variable {
  const v = tf.variable(initial, trainable);
  initial.dispose();
  return v;
}

/** Glorot's uniform bound for a K × N weight matrix, √(6 / (K + N)): initial weights and the default range. */
const glorotBound = (K: number, N: number): number => Math.sqrt(6 / (K + N));

export class Network {
  readonly weights: WeightLayer[] = [];
  readonly trainable: tf.Variable[] = [];
  /** Static fixed-point formats of the layers off the GPU (`fixed_point: static`), set by calibrateFormats. */
  readonly formats: StaticFormat[] = [];
  /** How crossbar layers are evaluated: `auto` (exact: lossy column groups bit-serially), `approx`, or forced. */
  path: MvmPath = 'auto';
  private readonly built: Built[] = [];
  /** Running statistics of batchnorm layers, updated in training forwards. */
  private readonly bnStats = new Map<string, { mean: tf.Tensor; variance: tf.Tensor }>();
  private readonly rng: Rng;
  /** The chip's faults and spread of Â are drawn from this, the same whichever graph is written. */
  private readonly chipSeed: number;
  /** Dropout masks from a seeded pool: tf.dropout draws in JS, ~100 ms for Cora's 3.9M input features. */
  private readonly uniforms: NormalPool;

  constructor(
    readonly model: IrModel,
    readonly hardware: LayerHardware[],
    readonly exp: IrExperiment,
    /** Shape of one input sample: [C, H, W] (images), [D] (vectors) or [F] (graph node features). */
    inputShape: number[],
    seed: number,
  ) {
    this.rng = new Rng(seed);
    this.chipSeed = seed;
    this.uniforms = new NormalPool(this.rng.fork(0xd0), true);
    let shape = inputShape.length === 3 ? [inputShape[1]!, inputShape[2]!, inputShape[0]!] : [...inputShape];
    const actBits = exp.numerics.activation_bits || 16;
    let bnOrdinal = 0;
    for (const layer of model.layers) {
      const hw = this.hardware[layer.index] ?? { engine: 'digital', partitionKind: 'reram' };
      if (layer.kind === 'batchnorm' && !keepNorm(exp.mitigate?.normalization, bnOrdinal++)) continue;
      const b = this.build(layer, hw, shape);
      // Activations in fixed point off the GPU partition (crossbar layers quantize their inputs themselves).
      if (!exp.numerics.ideal && hw.partitionKind !== 'gpu' && hw.engine !== 'crossbar' && layer.kind !== 'flatten') {
        const inner = b.forward;
        if (exp.numerics.fixed_point === 'static') {
          const format = new StaticFormat(actBits);
          this.formats.push(format);
          b.forward = (x, ctx) => staticFixedPointSte(inner(x, ctx), format);
        } else b.forward = (x, ctx) => fixedPointSte(inner(x, ctx), actBits);
      }
      this.built.push(b);
      shape = b.outShape;
    }
  }

  private glorot(K: number, N: number): tf.Variable {
    const limit = glorotBound(K, N);
    const a = new Float32Array(K * N);
    for (let i = 0; i < a.length; i++) a[i] = (this.rng.next() * 2 - 1) * limit;
    return variableOf(tf.tensor2d(a, [K, N]), true);
  }

  private addWeights(layer: IrLayer, hw: LayerHardware, K: number, N: number, kernel?: KernelGeometry): WeightLayer {
    const w = this.glorot(K, N);
    const hasBias = layer.attributes['bias'] !== false;
    const b = variableOf(tf.zeros([N]), hasBias);
    const wl: WeightLayer = { name: layer.name, w, b, hasBias, kernel };
    if (hw.crossbar) {
      const clip = this.exp.mitigate?.clip;
      // Fixed-point range: the clip when clipping, else 8× the Glorot bound (3× saturated Cora weights and cost 3 points).
      const weightRange = clip && clip > 0 ? clip : 8 * glorotBound(K, N);
      wl.crossbar = new CrossbarLayer(
        K,
        N,
        { ...hw.crossbar, weightRange },
        this.rng.fork(layer.index).nextUint32(),
        kernel,
      );
    }
    this.weights.push(wl);
    this.trainable.push(w);
    if (hasBias) this.trainable.push(b);
    return wl;
  }

  private build(layer: IrLayer, hw: LayerHardware, inShape: number[]): Built {
    const gradBits = this.exp.numerics.activation_bits || 16;
    // Static fixed point: the crossbar layers' output gradients get a per-layer format too.
    const gradFormat =
      this.exp.numerics.fixed_point === 'static' && hw.crossbar ? new StaticFormat(gradBits) : undefined;
    if (gradFormat) this.formats.push(gradFormat);
    const mk: MakeBuilt = (outShape, forward) => ({ layer, hw, outShape, forward });
    const grad: GradientQuantization = { gradBits, gradFormat };
    switch (layer.kind) {
      case 'conv':
        return this.buildConv(layer, hw, inShape, mk, grad);
      case 'linear':
      case 'gcn':
        return this.buildDense(layer, hw, inShape, mk, grad);
      case 'relu':
        return mk(inShape, (x) => tf.relu(x));
      case 'sigmoid':
        return mk(inShape, (x) => tf.sigmoid(x));
      case 'tanh':
        return mk(inShape, (x) => tf.tanh(x));
      case 'softmax':
        return mk(inShape, (x) => tf.softmax(x));
      case 'flatten':
        return mk([inShape.reduce((a, b) => a * b, 1)], (x) => tf.reshape(x, [x.shape[0]!, -1]));
      case 'dropout': {
        const rate = num(layer, 'rate', 0.5);
        return mk(inShape, (x, ctx) => {
          if (!ctx.training || !(rate > 0)) return x;
          // Dropout on a sparse constant input (graph features): draw only for the non-zeros.
          if (x === ctx.input && x.rank === 2) return this.sparseInputDropout(x as tf.Tensor2D, rate, ctx);
          return this.dropout(x, rate);
        });
      }
      case 'maxpool':
      case 'avgpool': {
        if (inShape.length !== 3)
          throw new TrainConfigError(`layer '${layer.name}': ${layer.kind} needs an image input`);
        const [sh, sw] = pair(layer, 'size', 2);
        const [th, tw] = pair(layer, 'stride', sh);
        const pad = padding(layer, sh, sw);
        const [h, w, c] = inShape as [number, number, number];
        const outShape = [Math.floor((h + 2 * pad - sh) / th) + 1, Math.floor((w + 2 * pad - sw) / tw) + 1, c];
        const pool = layer.kind === 'maxpool' ? tf.maxPool : tf.avgPool;
        return mk(outShape, (x) => pool(x as tf.Tensor4D, [sh, sw], [th, tw], pad === 0 ? 'valid' : pad));
      }
      case 'batchnorm':
        return this.buildBatchnorm(layer, inShape, mk);
      case 'add': {
        const from = layer.from ?? (layer.attributes['from'] as string | undefined);
        const src = this.built.findIndex((b) => b.layer.name === from);
        if (src < 0)
          throw new TrainConfigError(
            `layer '${layer.name}': residual source '${String(from)}' is not an earlier layer`,
          );
        return mk(inShape, (x, ctx) => {
          const saved = ctx as ForwardContext & { outputs?: tf.Tensor[] };
          return tf.add(x, saved.outputs![src]!);
        });
      }
      case 'readout':
        return mk(inShape, readoutPool(layer));
      default:
        throw new TrainConfigError(`layer '${layer.name}': kind '${layer.kind}' is not supported by the trainer`);
    }
  }

  /** A convolution: its kernel as a [kh·kw·cin, out] matrix, on crossbars or as a digital conv2d. */
  private buildConv(
    layer: IrLayer,
    hw: LayerHardware,
    inShape: number[],
    mk: MakeBuilt,
    grad: GradientQuantization,
  ): Built {
    const { gradBits, gradFormat } = grad;
    if (inShape.length !== 3)
      throw new TrainConfigError(`layer '${layer.name}': conv needs an image input, got shape [${inShape.join(', ')}]`);
    const [h, w, cin] = inShape as [number, number, number];
    const out = num(layer, 'out');
    const [kh, kw] = pair(layer, 'kernel');
    const stride = uniform(layer, 'stride', 1);
    const pad = padding(layer, kh, kw);
    if ((layer.attributes['groups'] ?? 1) !== 1)
      throw new TrainConfigError(`layer '${layer.name}': grouped convolutions are not supported by the trainer`);
    const kernel: KernelGeometry = { kh, kw, cin, stride, pad };
    const wl = this.addWeights(layer, hw, kh * kw * cin, out, kernel);
    const ho = Math.floor((h + 2 * pad - kh) / stride) + 1;
    const wo = Math.floor((w + 2 * pad - kw) / stride) + 1;
    return mk([ho, wo, out], (x, ctx) => {
      const y = wl.crossbar
        ? crossbarOp(wl.crossbar, x, wl.w as unknown as tf.Tensor2D, {
            noise: ctx.noise,
            gradBits,
            gradFormat,
            needDx: x !== ctx.input,
            path: this.path,
            calibrate: ctx.calibrate,
          })
        : conv2d(
            x as tf.Tensor4D,
            tf.reshape(wl.w, [kh, kw, cin, out]) as tf.Tensor4D,
            { stride, pad },
            x !== ctx.input,
          );
      return wl.hasBias ? tf.add(y, wl.b) : y;
    });
  }

  /** A linear or gcn layer (the gcn then aggregates over Â, on crossbars when the mapping places it there). */
  private buildDense(
    layer: IrLayer,
    hw: LayerHardware,
    inShape: number[],
    mk: MakeBuilt,
    grad: GradientQuantization,
  ): Built {
    const { gradBits, gradFormat } = grad;
    const K = inShape.reduce((a, b) => a * b, 1);
    const out = num(layer, 'out');
    const wl = this.addWeights(layer, hw, K, out);
    const isGcn = layer.kind === 'gcn';
    const featureDrop = this.exp.droplayer?.dropout ?? 0;
    return mk([out], (x, ctx) => {
      const x2 = x.rank === 2 ? x : tf.reshape(x, [x.shape[0]!, K]);
      // The network's input never changes between steps (graph features): its transpose is cached.
      const xT = x === ctx.input ? this.inputTransposed(x as tf.Tensor2D) : ctx.transposes?.get(x);
      let y = wl.crossbar
        ? crossbarOp(wl.crossbar, x2, wl.w as unknown as tf.Tensor2D, {
            noise: ctx.noise,
            gradBits,
            gradFormat,
            xT,
            needDx: x !== ctx.input,
            path: this.path,
            calibrate: ctx.calibrate,
          })
        : linear(x2 as tf.Tensor2D, wl.w as unknown as tf.Tensor2D, xT);
      if (isGcn) {
        if (!ctx.adj) throw new TrainConfigError(`layer '${layer.name}': gcn needs a graph input`);
        // DropLayer's dropout: drop vertex results before they travel to the tiles holding Â.
        if (ctx.training && featureDrop > 0) y = this.dropout(y, featureDrop);
        y = hw.adjacency
          ? crossbarAggregate(
              this.adjacencyOn(layer, hw, ctx.adj, ctx.graph ?? ctx.adj),
              y as tf.Tensor2D,
              ctx.noise,
              this.uniformsFor('adjacency'),
            )
          : aggregate(ctx.adj, y as tf.Tensor2D);
      }
      return wl.hasBias ? tf.add(y, wl.b) : y;
    });
  }

  /** Batch normalization with running statistics for evaluation. */
  private buildBatchnorm(layer: IrLayer, inShape: number[], mk: MakeBuilt): Built {
    const c = inShape[inShape.length - 1]!;
    const gamma = variableOf(tf.ones([c]), true);
    const beta = variableOf(tf.zeros([c]), true);
    this.trainable.push(gamma, beta);
    const stats = { mean: tf.keep(tf.zeros([c])), variance: tf.keep(tf.ones([c])) };
    this.bnStats.set(layer.name, stats);
    const eps = num(layer, 'eps', num(layer, 'epsilon', 1e-5));
    // PyTorch's convention (the IR's): running = (1 − momentum)·running + momentum·batch.
    const momentum = 1 - num(layer, 'momentum', 0.1);
    return mk(inShape, (x, ctx) => {
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      if (!ctx.training) return tf.batchNorm(x, stats.mean, stats.variance, beta, gamma, eps);
      const { mean, variance } = tf.moments(x, axes);
      // Running statistics for evaluation (they do not feed the loss, so they get no gradient).
      const m = tf.keep(tf.add(tf.mul(stats.mean, momentum), tf.mul(mean, 1 - momentum)));
      const v = tf.keep(tf.add(tf.mul(stats.variance, momentum), tf.mul(variance, 1 - momentum)));
      stats.mean.dispose();
      stats.variance.dispose();
      stats.mean = m;
      stats.variance = v;
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
    });
  }

  /** Â on crossbars per GCN layer, written when the graph (or DropEdge's version of it) changes. */
  private readonly adjacencyCells = new Map<string, { adj: Csr; cells: AdjacencyCrossbar }>();
  /** Where each layer's A + I sits on the chip: cut once from the mapped graph, kept across DropEdge's rewrites. */
  private readonly adjacencyLayouts = new Map<string, { graph: Csr; layout: AdjacencyLayout }>();
  private readonly pools = new Map<string, NormalPool>();

  private adjacencyOn(layer: IrLayer, hw: LayerHardware, adj: Csr, graph: Csr): AdjacencyCrossbar {
    const hit = this.adjacencyCells.get(layer.name);
    if (hit?.adj === adj) return hit.cells;
    let placed = this.adjacencyLayouts.get(layer.name);
    if (placed?.graph !== graph) {
      placed = { graph, layout: adjacencyLayout(graph, hw.adjacency!) };
      this.adjacencyLayouts.set(layer.name, placed);
    }
    const seed = (this.chipSeed * 31 + 0xad0 + layer.index) >>> 0;
    const cells = new AdjacencyCrossbar(adj, hw.adjacency!, seed, placed.layout);
    this.adjacencyCells.set(layer.name, { adj, cells });
    return cells;
  }

  /** A seeded normal pool per purpose (read noise of Â). */
  private uniformsFor(key: string): NormalPool {
    if (!this.pools.has(key)) this.pools.set(key, new NormalPool(this.rng.fork(0x9001 + this.pools.size)));
    return this.pools.get(key)!;
  }

  private cachedInput: { x: tf.Tensor2D; xT: tf.Tensor2D } | undefined;
  private inputNonZeros: { x: tf.Tensor; rows: Int32Array; cols: Int32Array; vals: Float32Array } | undefined;

  /**
   * Inverted dropout of a sparse constant matrix, built with ScatterNd from its non-zeros (Cora's features are
   * 1.3% non-zero): the dense mask and transpose cost ~100× more. The transpose goes to the next weight layer.
   */
  private sparseInputDropout(x: tf.Tensor2D, rate: number, ctx: ForwardContext): tf.Tensor2D {
    if (this.inputNonZeros?.x !== x) {
      const a = x.dataSync();
      const [, f] = x.shape;
      const rows: number[] = [];
      const cols: number[] = [];
      const vals: number[] = [];
      for (let i = 0; i < a.length; i++)
        if (a[i] !== 0) {
          rows.push(Math.floor(i / f));
          cols.push(i % f);
          vals.push(a[i]!);
        }
      this.inputNonZeros = {
        x,
        rows: Int32Array.from(rows),
        cols: Int32Array.from(cols),
        vals: Float32Array.from(vals),
      };
    }
    const { rows, cols, vals } = this.inputNonZeros;
    const { pool, start } = this.uniforms.cursor();
    const mask = pool.length - 1;
    const keepR: number[] = [];
    const keepC: number[] = [];
    const keepV: number[] = [];
    const scale = 1 / (1 - rate);
    for (let e = 0; e < vals.length; e++)
      if (pool[(start + e) & mask]! >= rate) {
        keepR.push(rows[e]!);
        keepC.push(cols[e]!);
        keepV.push(vals[e]! * scale);
      }
    const n = keepV.length;
    const idx = new Int32Array(2 * n);
    const idxT = new Int32Array(2 * n);
    for (let e = 0; e < n; e++) {
      idx[2 * e] = keepR[e]!;
      idx[2 * e + 1] = keepC[e]!;
      idxT[2 * e] = keepC[e]!;
      idxT[2 * e + 1] = keepR[e]!;
    }
    const [r, f] = x.shape;
    const values = tf.tensor1d(keepV);
    const dropped = tf.scatterND(tf.tensor2d(idx, [n, 2], 'int32'), values, [r, f]) as tf.Tensor2D;
    const droppedT = tf.scatterND(tf.tensor2d(idxT, [n, 2], 'int32'), values, [f, r]) as tf.Tensor2D;
    (ctx.transposes ??= new Map()).set(dropped, droppedT);
    return dropped;
  }

  private inputTransposed(x: tf.Tensor2D): tf.Tensor2D {
    if (this.cachedInput?.x !== x) {
      this.cachedInput?.xT.dispose();
      this.cachedInput = { x, xT: tf.keep(tf.transpose(x)) };
    }
    return this.cachedInput.xT;
  }

  /** Inverted dropout: keep with probability 1 − rate, scale the kept by 1/(1 − rate). */
  private dropout(x: tf.Tensor, rate: number): tf.Tensor {
    const keep = tf.cast(tf.greaterEqual(this.uniforms.take(x.shape), rate), 'float32');
    return tf.mul(x, tf.mul(keep, 1 / (1 - rate)));
  }

  /** Logits: the output of the last layer, or its input when the last layer is a softmax (the loss applies it). */
  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const outputs: tf.Tensor[] = [];
    const c = { ...ctx, outputs, input: x };
    let h = x;
    const n = this.built.length;
    const end = n > 0 && this.built[n - 1]!.layer.kind === 'softmax' ? n - 1 : n;
    for (let i = 0; i < end; i++) {
      try {
        h = this.built[i]!.forward(h, c);
      } catch (e) {
        // The numerics do not know the layer; the caller needs it named, as a configuration error.
        if (e instanceof CrossbarConfigError)
          throw new TrainConfigError(`layer '${this.built[i]!.layer.name}': ${e.message}`);
        throw e;
      }
      outputs.push(h);
    }
    return h;
  }

  /** True while static formats still need their binary points. */
  get formatsPending(): boolean {
    return this.formats.some((f) => f.act === undefined);
  }

  /**
   * Chooses every static format's binary point before training: one forward and backward of `loss` with the
   * values recorded (no update), then the fraction bits that fit the largest activation and gradient.
   */
  calibrateFormats(loss: () => tf.Scalar): void {
    for (const f of this.formats) f.recording = true;
    tf.tidy(() => void tf.variableGrads(loss, this.trainable));
    for (const f of this.formats) {
      f.recording = false;
      f.fix();
    }
  }

  /** True when a calibration sets something: some layer's ADC range, or the approximate path's error statistics. */
  get calibrates(): boolean {
    return this.weights.some((w) => w.crossbar?.needsCalibration(this.path));
  }

  /**
   * Sets the calibrated ADC ranges from one noise-free forward of calibration data, layer after layer (each
   * layer sees the output of the calibrated layers before it), at most `rows` rows of each layer's input
   * (a graph's nodes); returns the ranges per layer.
   */
  calibrate(x: tf.Tensor, adj?: Csr, rows?: number): Record<string, number[]> {
    const calibrate: CalibrationPass = rows === undefined ? {} : { rows };
    if (this.calibrates)
      tf.tidy(() => void this.forward(x, { training: false, noise: false, seed: 0, adj, calibrate }));
    return this.adcRanges();
  }

  /**
   * Crossbar layers whose weights nearly all (≥ 99%) round to level 0 of their fixed point: with the default
   * range (8× the Glorot bound) the fixed-point step, range / (2^(W−1)−1), is at least twice every Glorot
   * weight at 3 bits or fewer, so such a layer starts out computing 0.
   */
  zeroWeightLayers(): { layer: string; fraction: number; bits: number; range: number; glorot: number }[] {
    const out: { layer: string; fraction: number; bits: number; range: number; glorot: number }[] = [];
    for (const wl of this.weights) {
      const xb = wl.crossbar;
      if (!xb) continue;
      const w = wl.w.dataSync();
      let zero = 0;
      for (const v of w) if (Math.abs(v) < xb.scale / 2) zero++;
      const fraction = w.length ? zero / w.length : 0;
      if (fraction >= 0.99)
        out.push({
          layer: wl.name,
          fraction,
          bits: xb.params.weightBits,
          range: xb.params.weightRange,
          glorot: glorotBound(xb.K, xb.N),
        });
    }
    return out;
  }

  /**
   * Crossbar layers the approximate lossy path computes (path `approx` and some column group whose ADC loses
   * bits): their accuracy is the Gaussian error model's, not the conversions'.
   */
  approximateLayers(): string[] {
    if (this.path !== 'approx') return [];
    return this.weights.filter((w) => w.crossbar?.losslessGroups().some((l) => !l)).map((w) => w.name);
  }

  /** The calibrated (or stated) ADC ranges per crossbar layer, ADC units per column group. */
  adcRanges(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const w of this.weights) if (w.crossbar?.ranges) out[w.name] = w.crossbar.ranges.slice();
    return out;
  }

  /** Writes every crossbar layer's master weights to its cells; returns cells written and newly worn. */
  program(): { written: number; newlyWorn: number } {
    let written = 0;
    let newlyWorn = 0;
    for (const wl of this.weights) {
      if (!wl.crossbar) continue;
      const r = wl.crossbar.program(wl.w as unknown as tf.Tensor2D);
      written += r.written;
      newlyWorn += r.newlyWorn;
    }
    return { written, newlyWorn };
  }

  /**
   * Clips master weights to ±clip (the weight-clipping mitigation) and crossbar layers' weights to their
   * fixed-point range: what the cells cannot hold, the master copy must not drift into.
   */
  clip(clip?: number): void {
    for (const wl of this.weights) {
      const limit = Math.min(clip && clip > 0 ? clip : Infinity, wl.crossbar?.params.weightRange ?? Infinity);
      if (!Number.isFinite(limit)) continue;
      // The variable takes the clipped values' data; the tensor itself is a handle that would keep every
      // step's copy of the weights alive (2 a step for a 2-layer GCN: 237 KB each for Citeseer's first layer).
      const clipped = tf.tidy(() => tf.clipByValue(wl.w, -limit, limit));
      wl.w.assign(clipped);
      clipped.dispose();
    }
  }

  /** Worn cells and the most writes any cell has taken, over every crossbar layer. */
  wear(): { worn: number; maxWrites: number } {
    let worn = 0;
    let maxWrites = 0;
    for (const wl of this.weights) {
      const st = wl.crossbar?.stats();
      if (!st) continue;
      worn += st.worn;
      maxWrites = Math.max(maxWrites, st.maxWrites);
    }
    return { worn, maxWrites };
  }

  dispose(): void {
    for (const v of this.trainable) v.dispose();
    for (const wl of this.weights) if (!wl.hasBias) wl.b.dispose();
    for (const wl of this.weights) wl.crossbar?.dispose();
    this.uniforms.dispose();
    for (const p of this.pools.values()) p.dispose();
    this.cachedInput?.xT.dispose();
    for (const s of this.bnStats.values()) {
      s.mean.dispose();
      s.variance.dispose();
    }
  }
}
