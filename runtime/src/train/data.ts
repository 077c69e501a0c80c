// The experiment's data set, loaded from its IR declaration and turned into tensors for the trainer.

import type { IrDataset, IrExperiment, IrProgram } from '@pim/ir';
import { DataError } from '../data/errors.js';
import { loadMnist } from '../data/mnist.js';
import {
  loadPlanetoid,
  planetoidDir,
  SPLIT_TEST,
  SPLIT_TRAIN,
  syntheticDegree,
  syntheticGraph,
  type PlanetoidGraph,
} from '../data/planetoid.js';
import { statedSplit, SYNTHETIC_TEST, SYNTHETIC_TRAIN } from '../data/sizes.js';
import { syntheticSet } from '../data/synthetic.js';
import { sampleSize, type TensorDataset } from '../data/tensor-set.js';
import { tf } from '../numerics/tf.js';
import { denseFeatures } from './graph.js';

export interface DataOptions {
  /** Folder that relative dataset paths resolve against (default: the working directory). */
  dataRoot?: string;
  /** Caps on samples, for quick runs. */
  trainLimit?: number;
  testLimit?: number;
  /** A Planetoid set's files by name (`nodes.tsv`, `edges.tsv`), read instead of its folder's: an exploration's job carries them. */
  planetoidTexts?: Readonly<Record<string, string>>;
}

export type LoadedData = { kind: 'tensor'; set: TensorDataset } | { kind: 'graph'; graph: PlanetoidGraph };

function attrNum(ds: IrDataset, key: string): number | undefined {
  const v = ds.attributes[key];
  return typeof v === 'number' ? v : undefined;
}

export function loadExperimentData(ir: IrProgram, exp: IrExperiment, opts: DataOptions = {}): LoadedData {
  const ds = ir.datasets.find((d) => d.name === exp.dataset);
  if (!ds) throw new DataError(`experiment '${exp.name}': dataset '${exp.dataset}' is not in the IR`);
  const data = loadDeclared(ds, opts);
  checkSplits(ds, data, exp.kind === 'train' ? ['train', 'test'] : ['test']);
  return data;
}

/**
 * A split the experiment uses with no samples would train on nothing or report an accuracy of nothing
 * (printed as 0%): `samples: 2` leaves none for the test split.
 */
function checkSplits(ds: IrDataset, data: LoadedData, used: ('train' | 'test')[]): void {
  const sizes =
    data.kind === 'tensor'
      ? { train: data.set.train.n, test: data.set.test.n }
      : {
          train: data.graph.split.filter((c) => c === SPLIT_TRAIN).length,
          test: data.graph.split.filter((c) => c === SPLIT_TEST).length,
        };
  for (const split of used)
    if (sizes[split] === 0) throw new DataError(`dataset '${ds.name}': its ${split} split has no samples`);
}

/**
 * The most numbers a synthetic set's samples (or a graph's dense features) may hold: 2^26. The trainer
 * keeps them as 32-bit floats and again as tensors: 6.4·10^7 of them (8 million samples of 8) peaked at
 * 0.8 GB, 1.6·10^8 grew past 1.5 GB before the first step, and `samples: 1e12` failed with V8's
 * 'Invalid typed array length' (an internal error). The largest known set, Citeseer's dense features,
 * holds 12.3 million.
 */
export const SYNTHETIC_MAX_VALUES = 2 ** 26;
/** The most edges a synthetic graph draws: 2^22 (4.5 million on 3,000 nodes peaked at 1.4 GB). PubMed has 44,324. */
export const SYNTHETIC_MAX_EDGES = 2 ** 22;

function refuseHuge(ds: IrDataset, what: string, count: number, most: number): void {
  if (count > most)
    throw new DataError(
      `dataset '${ds.name}': ${what} are more than the trainer generates in memory (at most ${most} ${most === SYNTHETIC_MAX_EDGES ? 'edges' : 'numbers'})`,
    );
}

function loadDeclared(ds: IrDataset, opts: DataOptions): LoadedData {
  switch (ds.source) {
    case 'planetoid': {
      return { kind: 'graph', graph: loadPlanetoid(planetoidDir(ds, opts.dataRoot), opts.planetoidTexts) };
    }
    case 'builtin': {
      if ((ds.set ?? ds.name) !== 'mnist')
        throw new DataError(`dataset '${ds.name}': unknown built-in set '${ds.set ?? ds.name}' (known: mnist)`);
      // `samples: N` uses N digits of the fixed split, 80% train / 20% test.
      const split = statedSplit(ds.attributes);
      return {
        kind: 'tensor',
        set: loadMnist({ trainLimit: opts.trainLimit ?? split.train, testLimit: opts.testLimit ?? split.test }),
      };
    }
    case 'synthetic': {
      const seed = attrNum(ds, 'seed') ?? 1;
      if (ds.kind === 'graph') {
        // The compiler writes a graph's size as its shape, [nodes, features].
        const [shapeNodes, features] = ds.shape.length === 2 ? ds.shape : [];
        const nodes = attrNum(ds, 'nodes') ?? shapeNodes ?? 600;
        const F = attrNum(ds, 'features') ?? features ?? 100;
        const avgDegree = syntheticDegree(nodes, attrNum(ds, 'edges'), attrNum(ds, 'degree'));
        refuseHuge(ds, `${nodes} nodes of ${F} features`, nodes * F, SYNTHETIC_MAX_VALUES);
        refuseHuge(ds, `${Math.round((nodes * avgDegree) / 2)} edges`, (nodes * avgDegree) / 2, SYNTHETIC_MAX_EDGES);
        return {
          kind: 'graph',
          graph: syntheticGraph({ nodes, features: F, classes: ds.classes || 4, avgDegree, seed }),
        };
      }
      const split = statedSplit(ds.attributes);
      const train = Math.min(opts.trainLimit ?? Infinity, split.train ?? SYNTHETIC_TRAIN);
      const test = Math.min(opts.testLimit ?? Infinity, split.test ?? SYNTHETIC_TEST);
      const size = sampleSize(ds.shape.length ? ds.shape : [1, 12, 12]);
      refuseHuge(ds, `${train + test} samples of ${size} numbers`, (train + test) * size, SYNTHETIC_MAX_VALUES);
      return {
        kind: 'tensor',
        set: syntheticSet({
          shape: ds.shape.length ? ds.shape : [1, 12, 12],
          classes: ds.classes || 4,
          train,
          test,
          seed,
          noise: attrNum(ds, 'noise'),
        }),
      };
    }
    default:
      throw new DataError(`dataset '${ds.name}': unknown source '${String(ds.source)}'`);
  }
}

/** Samples [n, C, H, W] → NHWC tensor [n, H, W, C]; vectors stay [n, D]. */
export function samplesToTensor(x: Float32Array, n: number, sampleShape: number[]): tf.Tensor {
  if (sampleShape.length !== 3) return tf.tensor2d(x, [n, sampleShape.reduce((a, b) => a * b, 1)]);
  const [c, h, w] = sampleShape as [number, number, number];
  return tf.tidy(() =>
    c === 1 ? tf.tensor4d(x, [n, h, w, 1]) : tf.transpose(tf.tensor4d(x, [n, c, h, w]), [0, 2, 3, 1]),
  );
}

export function graphFeatures(g: PlanetoidGraph): tf.Tensor2D {
  return tf.tensor2d(denseFeatures(g), [g.nodes, g.features]);
}
