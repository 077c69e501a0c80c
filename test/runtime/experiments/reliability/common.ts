// What every section of `npm run experiments` shares: run sizes, the data (loaded once per process, on first
// use), the programs the sections train, and the section record that docs/results.md is written from.

import type { IrProgram } from '@pim/ir';
import { loadMnist, train, type LoadedData, type TrainResult } from '@pim/runtime/train';
import { compiledFixture, experimentFrom, type ExperimentSettings, type Override } from '../../fixtures/compiled.js';

export interface Sizes {
  mnistTrain: number;
  /** Training digits for the sweeps (c–g, i–j), which run many trainings. */
  sweepTrain: number;
  /** Test digits for the bit-serial (lossy ADC) deployments, which cost ~16× a fast read per input bit. */
  deployTest: number;
  mnistTest: number;
  lenetEpochs: number;
  sweepEpochs: number;
  /** Epochs of fine-tuning a trained model at its deployment's ADC (i). */
  fineTuneEpochs: number;
  gcnEpochs: number;
  vggEpochs: number;
  /** Training digits for the VGG-11 stack (e). */
  vggTrain: number;
  /** Test digits of the exact bit-serial check of the approximate lossy path (i). */
  exactTest: number;
}

export const FULL: Sizes = {
  mnistTrain: 8000,
  sweepTrain: 4000,
  deployTest: 500,
  mnistTest: 2000,
  lenetEpochs: 3,
  sweepEpochs: 2,
  fineTuneEpochs: 1,
  gcnEpochs: 200,
  vggEpochs: 2,
  vggTrain: 2000,
  exactTest: 100,
};
export const QUICK: Sizes = {
  mnistTrain: 640,
  sweepTrain: 640,
  deployTest: 100,
  mnistTest: 200,
  lenetEpochs: 1,
  sweepEpochs: 1,
  fineTuneEpochs: 1,
  gcnEpochs: 20,
  vggEpochs: 1,
  vggTrain: 640,
  exactTest: 50,
};

export interface Section {
  title: string;
  claim: string;
  table: string[][];
  verdict: string;
  note?: string;
  /** When and how the section was produced (date, command, duration, machine load), stamped beside it. */
  produced?: string;
}

/** A Markdown table from rows, the first its header. */
export function mdTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [
    `| ${head!.join(' | ')} |`,
    `|${head!.map(() => '---').join('|')}|`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
export const sign = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;
export const SGD = { name: 'momentum' as const, lr: 0.01, momentum: 0.9, weight_decay: 0, beta1: 0.9, beta2: 0.999 };

export function log(s: string): void {
  process.stderr.write(`experiments: ${s}\n`);
}

/** The image models of test/runtime/fixtures/digits.pim (LeNet-5, a 6-conv VGG-style stack, VGG-11's stack; `_bn`: batchnorm on the GPU). */
export type ImageModel = 'lenet5' | 'vgg6' | 'vgg6_bn' | 'vgg11' | 'vgg11_bn';

/**
 * An image model of fixtures/digits.pim on its ISAAC-like chip, compiled at the design point `overrides`
 * (e.g. `reram.bits_per_cell`): the training experiment 'exp' with `exp`'s settings, and `extra` experiments
 * (deployments from the template 'dep', trainings from 'exp') on the same mapping.
 */
export function imageProgram(
  model: ImageModel,
  exp: ExperimentSettings = {},
  overrides: Override[] = [],
  extra: ExperimentSettings[] = [],
): IrProgram {
  const ir = compiledFixture('digits', overrides);
  const mapping = `${model}_map`;
  ir.experiments = [
    experimentFrom(ir, 'exp', { mapping, optimizer: SGD, ...exp }),
    ...extra.map((e, i) => experimentFrom(ir, e.kind === 'run' ? 'dep' : 'exp', { name: `extra${i}`, mapping, ...e })),
  ];
  return ir;
}

/**
 * The two-layer GCN of fixtures/digits.pim on `set` (experiment 'cora'). The language gives every gcn on crossbars
 * an adjacency policy (Â on the weights' tiles); unless `adjacency`, it is dropped so that Â stays exact (digital).
 */
export function gcnProgram(
  ideal: boolean,
  extra: ExperimentSettings = {},
  adjacency = false,
  set: 'cora' | 'citeseer' = 'cora',
): IrProgram {
  const ir = compiledFixture('digits');
  const mapping = `gcn_${set}_map`;
  ir.experiments = [
    experimentFrom(ir, 'gcn', {
      name: 'cora',
      mapping,
      dataset: set,
      ...extra,
      numerics: { ideal, ...extra.numerics },
    }),
  ];
  if (!adjacency) for (const m of ir.mappings) m.adjacency = [];
  return ir;
}

/** A section's view of the run: sizes, lazily loaded data, and `run` (train experiment 'exp', logged). */
export interface Ctx {
  z: Sizes;
  quick: boolean;
  mnist(): LoadedData;
  sweep(): LoadedData;
  deploy(): LoadedData;
  vggData(): LoadedData;
  exact(): LoadedData;
  run(ir: IrProgram, label: string, epochs: number, data?: LoadedData): Promise<TrainResult>;
}

export function makeContext(quick: boolean): Ctx {
  const z = quick ? QUICK : FULL;
  const cache = new Map<string, LoadedData>();
  const load = (key: string, trainLimit: number, testLimit: number): LoadedData => {
    if (!cache.has(key)) cache.set(key, { kind: 'tensor', set: loadMnist({ trainLimit, testLimit }) });
    return cache.get(key)!;
  };
  const c: Ctx = {
    z,
    quick,
    mnist: () => load('mnist', z.mnistTrain, z.mnistTest),
    sweep: () => load('sweep', z.sweepTrain, z.mnistTest),
    deploy: () => load('deploy', 256, z.deployTest),
    vggData: () => load('vgg', z.vggTrain, z.mnistTest),
    exact: () => load('exact', 256, z.exactTest),
    async run(ir, label, epochs, data = c.sweep()) {
      const t0 = performance.now();
      const r = await train(ir, 'exp', { epochs, data });
      log(`${label}: test ${pct(r.final.test_accuracy)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      return r;
    },
  };
  return c;
}
