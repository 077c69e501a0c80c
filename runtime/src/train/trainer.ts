// The hardware-aware trainer: `train` runs a `train` experiment of the IR, `evaluate` a `run` experiment from
// a checkpoint. Crossbar layers compute through the numerics (faults and variation always — they are the
// chip's state; thermal noise in training only with noise-aware training, always in evaluation, which is the
// deployment), and every optimizer step writes the changed cells back, counting writes.

import { learnsParameters, mappingParts, validateIr, type IrExperiment, type IrModel, type IrProgram } from '@pim/ir';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VAL } from '../data/planetoid.js';
import { initTf, rows, tf } from '../numerics/tf.js';
import { Rng } from '../util/rng.js';
import {
  checkpointPath,
  decodeTensor,
  encodeTensor,
  readCheckpoint,
  writeCheckpoint,
  type Checkpoint,
} from './checkpoint.js';
import { graphFeatures, loadExperimentData, samplesToTensor, type DataOptions, type LoadedData } from './data.js';
import { normalizedAdjacency } from './graph.js';
import { temperaturesFor, type TemperatureUse } from './temperature.js';
import { layerHardware, TrainConfigError, TrainDivergedError } from './hardware.js';
import { Network } from './network.js';
import type { MvmPath } from '../numerics/crossbar.js';
import type { SimReport } from '../sim/types.js';
import { ProgressReporter } from './progress.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface EpochMetrics {
  epoch: number;
  loss: number;
  train_accuracy: number;
  /** Null where the data set has no validation split. */
  val_accuracy: number | null;
  test_accuracy: number;
  /** Cells written in this epoch. */
  writes: number;
  total_writes: number;
  worn_cells: number;
  /** Writes taken by the most-written cell so far (initial programming included). */
  max_cell_writes: number;
  /** Fraction of the GCN's aggregation traffic kept by DropLayer (1 without it). */
  traffic_fraction: number;
  /** Mean wall time of one optimizer step (forward, backward, update, write-back), ms. */
  step_ms: number;
  /** Mean CPU time of this process per optimizer step, ms: robust to other processes sharing the cores. */
  step_cpu_ms: number;
  seconds: number;
}

export interface TrainResult {
  experiment: string;
  seed: number;
  epochs: EpochMetrics[];
  final: EpochMetrics;
  checkpoint?: string;
  /** The temperature each crossbar layer's thermal noise saw (experiments with noise). */
  temperatures?: TemperatureUse;
  /** Calibrated ADC full scales per crossbar layer, input chunk and column group (ADC units), as deployed. */
  adc_ranges?: Record<string, number[]>;
  /** What the training warned of (also sent to `TrainOptions.warn`); absent when nothing. */
  warnings?: string[];
  /**
   * Present when some crossbar layer ran the approximate lossy path (`path: 'approx'` with a lossy ADC): the
   * test accuracies are that path's, and `pimc run` deploys the chip exactly (docs/numerics.md).
   */
  approximate?: { layers: string[]; note: string };
}

/** What a result says of accuracies measured on the approximate lossy path. */
function approximateNote(layers: string[]): Pick<TrainResult, 'approximate'> | undefined {
  if (!layers.length) return undefined;
  const note = `test accuracy of the approximate lossy path (the ADC's error as a Gaussian from the calibration sums; layers ${layers.map((l) => `'${l}'`).join(', ')}), not of exact conversions: pimc run deploys the chip exactly, and with a calibrated range from few samples can score far lower (docs/numerics.md)`;
  return { approximate: { layers, note } };
}

/** The layers' temperatures as the numerics take them (only those from a thermal model differ per layer). */
function temperatureMap(t: TemperatureUse | undefined): Map<string, number> | undefined {
  return t?.source === 'thermal model' ? new Map(t.layers.map((l) => [l.layer, l.temperature_k])) : undefined;
}

/**
 * The hardware a training of `exp` sees: each layer's numerics parameters, with the temperatures from
 * the thermal model when the architecture has one. Two programs with equal `layers` train identically.
 * `report`: the program's simulation with the experiment's mapping, when the caller has one (temperaturesFor).
 */
export function trainingHardware(ir: IrProgram, exp: IrExperiment, dataRoot?: string, report?: SimReport) {
  const temperatures = temperaturesFor(ir, exp, dataRoot, report);
  return { temperatures, layers: layerHardware(ir, exp, temperatureMap(temperatures)).layers };
}

export interface TrainOptions extends DataOptions {
  seed?: number;
  epochs?: number;
  onEpoch?: (m: EpochMetrics) => void;
  /** Folder for the checkpoint (written after every epoch). */
  checkpoint?: string;
  /** Replace a checkpoint of the experiment already in `checkpoint` (refused otherwise). */
  overwrite?: boolean;
  /** Show a progress bar/lines on stderr (true) or through the given reporter. */
  progress?: boolean | ProgressReporter;
  /** Data already loaded (benchmarks and sweeps reuse one load). */
  data?: LoadedData;
  /** How crossbar layers compute (default `approx`: exact when the ADC is lossless, the ADC's error moment-matched otherwise). */
  path?: MvmPath;
  /**
   * Fine-tuning: start from the weights of this checkpoint (a file, or a folder's newest checkpoint of the
   * model) instead of the seeded initialisation, written to a new chip (its write counts start at zero).
   */
  init?: string;
  /** Where warnings go (a checkpoint skipped or of another model): default, Node's process warnings. */
  warn?: (message: string) => void;
}

function findExperiment(ir: IrProgram, name: string, kind: 'train' | 'run'): IrExperiment {
  // The published schema catches every malformed field (with its JSON path) before the trainer reads
  // one, as the simulator does: `experiments: null` or `batch: 0` are the caller's error, not a crash.
  const problems = validateIr(ir);
  if (problems.length > 0)
    throw new TrainConfigError(
      `invalid pim IR (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}`,
    );
  const exp = ir.experiments.find((e) => e.name === name && e.kind === kind);
  if (!exp) {
    const known = ir.experiments.filter((e) => e.kind === kind).map((e) => e.name);
    throw new TrainConfigError(
      `no ${kind} experiment '${name}' in the IR${known.length ? ` (known: ${known.join(', ')})` : ''}`,
    );
  }
  return exp;
}

function modelOf(ir: IrProgram, exp: IrExperiment) {
  const { model } = mappingParts(ir, exp.mapping);
  if (!model) throw new TrainConfigError(`experiment '${exp.name}': its mapping's model is not in the IR`);
  // The compiler refuses such a training (PIM5007); an IR built another way gets this, not tfjs's error.
  if (exp.kind === 'train' && !model.layers.some(learnsParameters))
    throw new TrainConfigError(`training '${exp.name}': model '${model.name}' has no layer with parameters to learn`);
  return model;
}

function makeOptimizer(exp: IrExperiment): tf.Optimizer {
  const o = exp.optimizer ?? { name: 'sgd', lr: 0.01, momentum: 0, weight_decay: 0, beta1: 0.9, beta2: 0.999 };
  switch (o.name) {
    case 'adam':
      return tf.train.adam(o.lr, o.beta1 || 0.9, o.beta2 || 0.999);
    case 'momentum':
      return tf.train.momentum(o.lr, o.momentum || 0.9);
    default:
      return o.momentum > 0 ? tf.train.momentum(o.lr, o.momentum) : tf.train.sgd(o.lr);
  }
}

/** What a network sees of the data: training steps and accuracy on each split. */
interface Task {
  inputShape: number[];
  classes: number;
  /** Optimizer steps in one epoch (what the progress line counts within an epoch). */
  stepsPerEpoch: number;
  /** One epoch of optimizer steps; returns mean loss and training accuracy. */
  trainEpoch(
    net: Network,
    step: (lossFn: () => { loss: tf.Scalar; correct: tf.Scalar }) => { loss: number; correct: number },
    epoch: number,
  ): { loss: number; accuracy: number; trafficFraction: number };
  accuracy(net: Network, noise: boolean): { train: number; val: number | null; test: number };
  /** Sets calibrated ADC ranges from calibration data (training samples, or the graph). */
  calibrate(net: Network): Record<string, number[]>;
  dispose(): void;
}

function weightDecayLoss(net: Network, wd: number): tf.Scalar | undefined {
  if (!(wd > 0)) return undefined;
  return tf.mul(tf.addN(net.weights.map((w) => tf.sum(tf.square(w.w)))), wd / 2) as tf.Scalar;
}

function graphTask(
  data: Extract<LoadedData, { kind: 'graph' }>,
  exp: IrExperiment,
  seed: number,
  trainNoise: boolean,
): Task {
  const g = data.graph;
  const x = graphFeatures(g);
  const full = normalizedAdjacency(g).adj;
  const idx = (s: number): number[] => Array.from(g.split).flatMap((v, i) => (v === s ? [i] : []));
  const sets = { train: idx(SPLIT_TRAIN), val: idx(SPLIT_VAL), test: idx(SPLIT_TEST) };
  // The loss is masked rather than gathered: gather's gradient (UnsortedSegmentSum) is missing on wasm.
  const maskArr = new Float32Array(g.nodes);
  for (const i of sets.train) maskArr[i] = 1 / sets.train.length;
  const trainMask = tf.tensor1d(maskArr);
  const labelsOneHot = tf.tidy(() =>
    tf.oneHot(
      tf.tensor1d(
        Array.from(g.labels, (y, i) => (g.split[i] === SPLIT_TRAIN ? y : -1)),
        'int32',
      ),
      g.classes,
    ),
  );
  const dropEdge = exp.droplayer?.dropedge ?? 0;
  const featureKeep = 1 - (exp.droplayer?.dropout ?? 0);
  const wd = exp.optimizer?.weight_decay ?? 0;
  const rng = new Rng(seed ^ 0x9e37);
  const totalEdges = g.edges.length / 2;
  const acc = (pred: Int32Array, nodes: number[]): number =>
    nodes.length ? nodes.filter((i) => pred[i] === g.labels[i]).length / nodes.length : 0;
  return {
    inputShape: [g.features],
    classes: g.classes,
    stepsPerEpoch: 1,
    trainEpoch(net, step, epoch) {
      const { adj, keptEdges } =
        dropEdge > 0 ? normalizedAdjacency(g, dropEdge, rng) : { adj: full, keptEdges: totalEdges };
      const r = step(() => {
        const logits = net.forward(x, {
          training: true,
          noise: trainNoise,
          seed: seed + 1000 * epoch,
          adj,
          graph: full,
        });
        const ce = tf.neg(tf.sum(tf.mul(labelsOneHot, tf.logSoftmax(logits)), 1));
        let loss = tf.sum(tf.mul(ce, trainMask)) as tf.Scalar;
        const l2 = weightDecayLoss(net, wd);
        if (l2) loss = tf.add(loss, l2) as tf.Scalar;
        const hit = tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(labelsOneHot, 1)), 'float32');
        const correct = tf.mul(tf.sum(tf.mul(hit, trainMask)), sets.train.length) as tf.Scalar;
        return { loss, correct };
      });
      // Aggregation traffic ∝ non-zeros of Â (edges both ways + self loops) times the features sent.
      const traffic = ((2 * keptEdges + g.nodes) / (2 * totalEdges + g.nodes)) * featureKeep;
      return { loss: r.loss, accuracy: r.correct / sets.train.length, trafficFraction: traffic };
    },
    accuracy(net, noise) {
      const pred = tf.tidy(() => tf.argMax(net.forward(x, { training: false, noise, seed, adj: full }), 1));
      const p = pred.dataSync() as Int32Array;
      pred.dispose();
      return { train: acc(p, sets.train), val: sets.val.length ? acc(p, sets.val) : null, test: acc(p, sets.test) };
    },
    calibrate(net) {
      // The forward needs the whole graph (Â mixes every node), but `calibration_samples` nodes set the ranges.
      return net.calibrate(x, full, exp.numerics.adc_calibration_samples ?? 64);
    },
    dispose() {
      x.dispose();
      trainMask.dispose();
      labelsOneHot.dispose();
    },
  };
}

function tensorTask(
  data: Extract<LoadedData, { kind: 'tensor' }>,
  exp: IrExperiment,
  seed: number,
  trainNoise: boolean,
): Task {
  const s = data.set;
  const trainX = samplesToTensor(s.train.x, s.train.n, s.sampleShape);
  const testX = samplesToTensor(s.test.x, s.test.n, s.sampleShape);
  const trainY = tf.tensor1d(s.train.y, 'int32');
  const batch = Math.max(1, exp.batch || 32);
  const wd = exp.optimizer?.weight_decay ?? 0;
  const evalBatch = 500;
  const accuracyOf = (net: Network, xs: tf.Tensor, ys: Int32Array, noise: boolean): number => {
    let correct = 0;
    for (let i = 0; i < ys.length; i += evalBatch) {
      const n = Math.min(evalBatch, ys.length - i);
      const pred = tf.tidy(() => tf.argMax(net.forward(rows(xs, i, n), { training: false, noise, seed }), 1));
      const p = pred.dataSync();
      pred.dispose();
      for (let k = 0; k < n; k++) if (p[k] === ys[i + k]) correct++;
    }
    return ys.length ? correct / ys.length : 0;
  };
  return {
    inputShape: s.sampleShape,
    classes: s.classes,
    stepsPerEpoch: Math.ceil(s.train.n / batch),
    trainEpoch(net, step, epoch) {
      const order = new Rng((seed ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0).shuffle(
        Array.from({ length: s.train.n }, (_, i) => i),
      );
      let lossSum = 0;
      let correct = 0;
      let steps = 0;
      for (let b = 0; b < order.length; b += batch) {
        const ids = tf.tensor1d(order.slice(b, b + batch), 'int32');
        const xb = tf.gather(trainX, ids);
        const yb = tf.gather(trainY, ids);
        const oh = tf.oneHot(yb, s.classes);
        const r = step(() => {
          const logits = net.forward(xb, {
            training: true,
            noise: trainNoise,
            seed: seed + 7919 * (epoch * 100003 + steps),
          });
          let loss = tf.losses.softmaxCrossEntropy(oh, logits) as tf.Scalar;
          const l2 = weightDecayLoss(net, wd);
          if (l2) loss = tf.add(loss, l2) as tf.Scalar;
          const c = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), yb), 'float32')) as tf.Scalar;
          return { loss, correct: c };
        });
        tf.dispose([ids, xb, yb, oh]);
        lossSum += r.loss;
        correct += r.correct;
        steps++;
      }
      return { loss: lossSum / Math.max(1, steps), accuracy: correct / Math.max(1, s.train.n), trafficFraction: 1 };
    },
    accuracy(net, noise) {
      return { train: NaN, val: null, test: accuracyOf(net, testX, s.test.y, noise) };
    },
    calibrate(net) {
      const n = Math.min(s.train.n, exp.numerics.adc_calibration_samples ?? 64);
      return tf.tidy(() => net.calibrate(rows(trainX, 0, n)));
    },
    dispose() {
      tf.dispose([trainX, testX, trainY]);
    },
  };
}

function makeTask(data: LoadedData, exp: IrExperiment, seed: number, trainNoise: boolean): Task {
  return data.kind === 'graph' ? graphTask(data, exp, seed, trainNoise) : tensorTask(data, exp, seed, trainNoise);
}

/**
 * A graph read from files must be the one the model declares (nodes, features, classes): checked before
 * its features are made dense, so a file with one stray feature index cannot ask for gigabytes.
 */
function checkGraphFits(model: IrModel, data: LoadedData, exp: IrExperiment): void {
  if (data.kind !== 'graph' || model.input.kind !== 'graph') return;
  const g = data.graph;
  const declared = model.input;
  const wrong = (['nodes', 'features'] as const).find((k) => g[k] !== declared[k]);
  if (wrong)
    throw new TrainConfigError(
      `experiment '${exp.name}': model '${model.name}' declares ${declared[wrong]} ${wrong}, but the graph '${g.name}' of dataset '${exp.dataset}' has ${g[wrong]}`,
    );
  if (g.classes > declared.classes)
    throw new TrainConfigError(
      `experiment '${exp.name}': model '${model.name}' declares ${declared.classes} classes, but the graph '${g.name}' of dataset '${exp.dataset}' has labels up to ${g.classes - 1}`,
    );
}

/** A loss that is not a finite number ends the training: every later step would train a dead network. */
function requireFiniteLoss(
  loss: number,
  exp: IrExperiment,
  at: { epoch: number; step: number },
  checkpoint: string | undefined,
): void {
  if (Number.isFinite(loss)) return;
  const file = checkpoint ? checkpointPath(checkpoint, exp.name) : undefined;
  throw new TrainDivergedError(exp.name, at.epoch, at.step, loss, file);
}

/** Adds an epoch's metrics, and says once when the loss is running away (risingLoss). */
function recordEpoch(
  metrics: EpochMetrics[],
  m: EpochMetrics,
  experiment: string,
  warnings: string[],
  warn: (message: string) => void,
): void {
  metrics.push(m);
  const rising = risingLoss(experiment, metrics);
  if (!rising || warnings.some((w) => w.startsWith(divergingLead(experiment)))) return;
  warnings.push(rising);
  warn(rising);
}

/** How the divergence warning begins: what recordEpoch recognises it by, to say it once. */
const divergingLead = (experiment: string): string => `training '${experiment}' is diverging`;

/**
 * A training whose loss has more than doubled in each of two epochs in a row, to above where it began, is
 * diverging though its loss is still finite (a Citeseer GCN with stuck cells: 3.1, 14.7, 64): said once,
 * while it runs, with what usually tames it. Undefined otherwise.
 */
export function risingLoss(experiment: string, metrics: readonly EpochMetrics[]): string | undefined {
  const n = metrics.length;
  if (n < 3) return undefined;
  const [a, b, c] = [metrics[n - 3]!.loss, metrics[n - 2]!.loss, metrics[n - 1]!.loss];
  if (!(b > 2 * a && c > 2 * b && c > metrics[0]!.loss)) return undefined;
  const shown = metrics.map((e) => Number(e.loss.toPrecision(3))).join(', ');
  return `${divergingLead(experiment)}: its loss rose ${shown} over epochs 1–${n}; a lower learning rate, weight clipping (mitigate { clip }) or fewer faults usually tame it`;
}

/**
 * Warnings about a training that will run but not as the program suggests, given before its first step:
 * crossbar layers whose initial weights nearly all quantize to 0 (`seeded`: not a checkpoint's), and a batch
 * larger than the training split (each step then takes the whole split: memory for all of it at once).
 */
function startWarnings(net: Network, exp: IrExperiment, data: LoadedData, seeded: boolean): string[] {
  const out: string[] = [];
  const n = data.kind === 'tensor' ? data.set.train.n : undefined;
  if (n !== undefined && exp.batch > n)
    out.push(
      `batch ${exp.batch} is larger than the training split's ${n} samples: every step takes the whole split as one batch of ${n}`,
    );
  if (seeded)
    for (const z of net.zeroWeightLayers())
      out.push(
        `layer '${z.layer}': ${(100 * z.fraction).toFixed(1)}% of its initial weights quantize to 0 at ${z.bits}-bit weights (range ±${+z.range.toPrecision(3)}, ${exp.mitigate?.clip ? 'the clip; the Glorot bound is' : '8× the Glorot bound'} ${+z.glorot.toPrecision(3)}), so it starts out computing 0; narrow the range with mitigate { clip: ${+z.glorot.toPrecision(2)} } (the Glorot bound) or give the weights more bits`,
      );
  return out;
}

/**
 * Fine-tuning: the network starts from the checkpoint's variables, else from the seeded initialisation;
 * the warnings about the start (startWarnings) are sent to `warn` and returned.
 */
function startFrom(net: Network, opts: TrainOptions, model: string, exp: IrExperiment, data: LoadedData): string[] {
  if (opts.init) loadCheckpointInto(net, opts.init, model, opts.warn);
  const warnings = startWarnings(net, exp, data, !opts.init);
  for (const w of warnings) (opts.warn ?? defaultWarn)(w);
  return warnings;
}

/** Runs the `train` experiment `experimentName`; metrics per epoch and final. Same seed ⇒ same metrics. */
export async function train(ir: IrProgram, experimentName: string, opts: TrainOptions = {}): Promise<TrainResult> {
  const exp = findExperiment(ir, experimentName, 'train');
  const seed = opts.seed ?? exp.seed;
  const epochs = opts.epochs ?? exp.epochs;
  if (opts.checkpoint) refuseToReplace(opts.checkpoint, exp.name, opts.overwrite === true);
  await initTf();
  const model = modelOf(ir, exp);
  const { temperatures, layers } = trainingHardware(ir, exp, opts.dataRoot);
  const data = opts.data ?? loadExperimentData(ir, exp, opts);
  checkGraphFits(model, data, exp);
  const optimizer = makeOptimizer(exp);
  const task = makeTask(data, exp, seed, exp.mitigate?.noise_aware === true);
  const net = new Network(model, layers, exp, task.inputShape, seed);
  net.path = opts.path ?? 'approx';
  // From here a failure (a checkpoint to start from that does not fit, say) frees what was allocated.
  try {
    const warnings = startFrom(net, opts, model.name, exp, data);
    const clip = exp.mitigate?.clip;
    const progress =
      opts.progress === true ? new ProgressReporter(process.stderr, exp.name) : opts.progress || undefined;
    const evalNoise = exp.noise !== undefined;
    const start = performance.now();
    const metrics: EpochMetrics[] = [];
    let epochWrites = 0;
    let totalWrites = net.program().written;
    /** Weight updates so far (each writes the changed cells back): the checkpoint's write counts cover them. */
    let updates = 0;
    let adcRanges = net.calibrates ? task.calibrate(net) : undefined;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const t0 = performance.now();
      epochWrites = 0;
      let stepTime = 0;
      let stepCpu = 0;
      let steps = 0;
      const step = (lossFn: () => { loss: tf.Scalar; correct: tf.Scalar }): { loss: number; correct: number } => {
        let correct: tf.Scalar | undefined;
        const ts = performance.now();
        const cs = process.cpuUsage();
        // Static fixed point: the binary points are chosen on the first batch, before the first update.
        if (net.formatsPending) net.calibrateFormats(() => lossFn().loss);
        const loss = optimizer.minimize(
          () => {
            const r = lossFn();
            correct = tf.keep(r.correct);
            return r.loss;
          },
          true,
          net.trainable,
        );
        net.clip(clip);
        const w = net.program();
        epochWrites += w.written;
        const out = { loss: loss!.dataSync()[0]!, correct: correct!.dataSync()[0]! };
        tf.dispose([loss!, correct!]);
        requireFiniteLoss(out.loss, exp, { epoch, step: steps + 1 }, opts.checkpoint);
        stepTime += performance.now() - ts;
        const cpu = process.cpuUsage(cs);
        stepCpu += (cpu.user + cpu.system) / 1000;
        steps++;
        updates++;
        progress?.step({
          epoch,
          epochs,
          step: steps,
          steps: task.stepsPerEpoch,
          elapsed: (performance.now() - start) / 1000,
        });
        return out;
      };
      const r = task.trainEpoch(net, step, epoch);
      totalWrites += epochWrites;
      // The ADC is calibrated on the weights as they are deployed after this epoch.
      if (adcRanges) adcRanges = task.calibrate(net);
      const acc = task.accuracy(net, evalNoise);
      const wear = net.wear();
      const m: EpochMetrics = {
        epoch,
        loss: r.loss,
        train_accuracy: Number.isNaN(acc.train) ? r.accuracy : acc.train,
        val_accuracy: acc.val,
        test_accuracy: acc.test,
        writes: epochWrites,
        total_writes: totalWrites,
        worn_cells: wear.worn,
        max_cell_writes: wear.maxWrites,
        traffic_fraction: r.trafficFraction,
        step_ms: stepTime / Math.max(1, steps),
        step_cpu_ms: stepCpu / Math.max(1, steps),
        seconds: (performance.now() - t0) / 1000,
      };
      recordEpoch(metrics, m, exp.name, warnings, opts.warn ?? defaultWarn);
      opts.onEpoch?.(m);
      progress?.update({
        epoch,
        epochs,
        loss: m.loss,
        accuracy: m.test_accuracy,
        elapsed: (performance.now() - start) / 1000,
      });
      if (opts.checkpoint) saveCheckpoint(opts.checkpoint, exp, model.name, { epoch, updates }, net);
    }
    const final = metrics[metrics.length - 1] ?? emptyMetrics();
    const result: TrainResult = {
      experiment: exp.name,
      seed,
      epochs: metrics,
      final,
      checkpoint: opts.checkpoint ? checkpointPath(opts.checkpoint, exp.name) : undefined,
    };
    if (temperatures) result.temperatures = temperatures;
    if (adcRanges) result.adc_ranges = adcRanges;
    if (warnings.length) result.warnings = warnings;
    Object.assign(result, approximateNote(net.approximateLayers()));
    return result;
  } finally {
    optimizer.dispose();
    net.dispose();
    task.dispose();
  }
}

function emptyMetrics(): EpochMetrics {
  return {
    epoch: 0,
    loss: NaN,
    train_accuracy: 0,
    val_accuracy: null,
    test_accuracy: 0,
    writes: 0,
    total_writes: 0,
    worn_cells: 0,
    max_cell_writes: 0,
    traffic_fraction: 1,
    step_ms: 0,
    step_cpu_ms: 0,
    seconds: 0,
  };
}

function saveCheckpoint(
  dir: string,
  exp: IrExperiment,
  model: string,
  at: { epoch: number; updates: number },
  net: Network,
): void {
  const values = net.trainable.map((v) => v.dataSync() as Float32Array);
  // A diverged training (NaN or infinite weights) would leave a checkpoint nothing can load
  // (readCheckpoint refuses it), or replace a good one under --overwrite: stop, keeping what is on disk.
  if (values.some((a) => a.some((x) => !Number.isFinite(x))))
    throw new TrainConfigError(
      `experiment '${exp.name}': training diverged in epoch ${at.epoch} (weights are no longer finite numbers); no checkpoint written for it, '${checkpointPath(dir, exp.name)}' left as it was`,
    );
  const ck: Checkpoint = {
    format: 'pim-checkpoint',
    version: 1,
    experiment: exp.name,
    model,
    epoch: at.epoch,
    updates: at.updates,
    variables: values.map((a, i) => encodeTensor(a, net.trainable[i]!.shape)),
    writes: Object.fromEntries(
      net.weights
        .filter((w) => w.crossbar)
        .map((w) => [
          w.name,
          encodeTensor(w.crossbar!.writeCounts(), [w.crossbar!.K, w.crossbar!.groups * w.crossbar!.N]),
        ]),
    ),
  };
  writeCheckpoint(dir, ck);
}

export interface EvaluateResult {
  experiment: string;
  checkpoint: string;
  temperatures?: TemperatureUse;
  test_accuracy: number;
  val_accuracy: number | null;
  stuck_cells: number;
  /** Calibrated ADC full scales per crossbar layer and column group (ADC units). */
  adc_ranges?: Record<string, number[]>;
}

/**
 * Training writes its checkpoint after every epoch: an earlier run's checkpoint there (perhaps 200
 * epochs of work) would be replaced by epoch 1's weights within a second. Refused unless asked for.
 */
export function refuseToReplace(dir: string, experiment: string, overwrite: boolean): void {
  const file = checkpointPath(dir, experiment);
  if (!existsSync(file)) return;
  // Found now, not when the first epoch's checkpoint fails to replace it.
  if (!statSync(file).isFile())
    throw new TrainConfigError(`'${file}' is not a file: the checkpoint cannot be written there`);
  if (overwrite) return;
  let what = 'a checkpoint';
  try {
    what = `a checkpoint of epoch ${readCheckpoint(file).epoch}`;
  } catch {
    // unreadable: still the user's file
  }
  throw new TrainConfigError(
    `'${file}' already holds ${what}; pass --overwrite to replace it, or choose another --checkpoint folder`,
  );
}

/** A checkpoint file, or in a folder the newest valid checkpoint of the given model; invalid ones are skipped with a warning. */
function resolveCheckpoint(path: string, model: string, warn: (message: string) => void): string {
  if (!existsSync(path)) throw new TrainConfigError(`checkpoint '${path}' does not exist`);
  const st = statSync(path);
  if (st.isFile()) return path;
  if (!st.isDirectory()) throw new TrainConfigError(`checkpoint '${path}' is neither a checkpoint file nor a folder`);
  const ofModel = (f: string): boolean => {
    try {
      return readCheckpoint(f).model === model;
    } catch (e) {
      warn(`skipping ${(e as Error).message}`);
      return false;
    }
  };
  const found = readdirSync(path)
    .filter((f) => f.endsWith('.ckpt.json'))
    .map((f) => join(path, f))
    .filter(ofModel)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!found.length) throw new TrainConfigError(`no checkpoint of model '${model}' in '${path}'`);
  return found[0]!;
}

/** The variables of a checkpoint (a file, or a folder's newest of the model) assigned to the network's. */
function loadCheckpointInto(net: Network, checkpoint: string, model: string, warn = defaultWarn): void {
  const file = resolveCheckpoint(checkpoint, model, warn);
  assignVariables(net, readCheckpoint(file), file, model, warn);
}

/**
 * Warnings of trainings run without a `warn` of their own, each text once per process: an exploration's
 * worker trains many designs with the same data limits, and a warning about them (a batch larger than
 * the split) repeated per design says nothing new.
 */
const warned = new Set<string>();
const defaultWarn = (message: string) => {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message);
};

/**
 * The checkpoint's variables (master weights, biases, …) assigned to the network's, shapes checked. A
 * checkpoint of another model whose shapes agree loads (weights may be carried over on purpose), with a
 * warning: named by mistake, it would run silently wrong.
 */
function assignVariables(
  net: Network,
  ck: Checkpoint,
  file: string,
  model: string,
  warn: (message: string) => void,
): void {
  if (ck.variables.length !== net.trainable.length)
    throw new TrainConfigError(
      `${file}: checkpoint has ${ck.variables.length} tensors, model '${model}' needs ${net.trainable.length}`,
    );
  net.trainable.forEach((v, i) => {
    const t = ck.variables[i]!;
    if (t.shape.join('x') !== v.shape.join('x'))
      throw new TrainConfigError(`${file}: tensor ${i} has shape [${t.shape}], the model needs [${v.shape}]`);
  });
  if (ck.model !== model)
    warn(`${file}: a checkpoint of model '${ck.model}' (experiment '${ck.experiment}'), loaded into model '${model}'`);
  net.trainable.forEach((v, i) => {
    const t = ck.variables[i]!;
    // The variable takes the tensor's data; the tensor itself is then only a handle to free.
    const value = tf.tensor(decodeTensor(t), t.shape);
    v.assign(value);
    value.dispose();
  });
}

/** Runs the `run` experiment `runName`: the checkpoint's weights written to a (faulty, noisy) chip, then tested. */
export async function evaluate(
  ir: IrProgram,
  runName: string,
  opts: DataOptions & {
    checkpoint: string;
    seed?: number;
    data?: LoadedData;
    path?: MvmPath;
    warn?: (message: string) => void;
  },
): Promise<EvaluateResult> {
  await initTf();
  const exp = findExperiment(ir, runName, 'run');
  const seed = opts.seed ?? exp.seed;
  const model = modelOf(ir, exp);
  const warn = opts.warn ?? defaultWarn;
  const file = resolveCheckpoint(opts.checkpoint, model.name, warn);
  const ck = readCheckpoint(file);
  const { temperatures, layers } = trainingHardware(ir, exp, opts.dataRoot);
  const data = opts.data ?? loadExperimentData(ir, exp, opts);
  checkGraphFits(model, data, exp);
  const task = makeTask(data, exp, seed, false);
  const net = new Network(model, layers, exp, task.inputShape, seed);
  net.path = opts.path ?? 'auto';
  try {
    assignVariables(net, ck, file, model.name, warn);
    for (const w of net.weights) {
      const saved = ck.writes[w.name];
      // Counts of another encoding (other column groups) do not apply to these cells.
      if (w.crossbar && saved && saved.shape[0] === w.crossbar.K && saved.shape[1] === w.crossbar.groups * w.crossbar.N)
        w.crossbar.restoreWrites(decodeTensor(saved));
    }
    net.program();
    const adcRanges = net.calibrates ? task.calibrate(net) : undefined;
    const acc = task.accuracy(net, exp.noise !== undefined);
    const stuck = net.weights.reduce((s, w) => s + (w.crossbar?.stats().stuck ?? 0), 0);
    const result: EvaluateResult = {
      experiment: exp.name,
      checkpoint: file,
      test_accuracy: acc.test,
      val_accuracy: acc.val,
      stuck_cells: stuck,
    };
    if (temperatures) result.temperatures = temperatures;
    if (adcRanges) result.adc_ranges = adcRanges;
    return result;
  } finally {
    net.dispose();
    task.dispose();
  }
}
