// What every section of `npm run experiments` shares: run sizes, the data (loaded once per process, on first
// use), the programs the sections train, and the section record that docs/results.md is written from.

import { resolve } from 'node:path';
import type { IrProgram } from '@pim/ir';
import { loadMnist, train, type LoadedData, type TrainResult } from '@pim/runtime/train';
import * as B from '../../fixtures/ir-builders.js';

export interface Sizes {
  mnistTrain: number;
  /** Training digits for the sweeps (c–g, i–j), which run many trainings. */
  sweepTrain: number;
  /** Test digits for the bit-serial (lossy ADC) deployments, which cost ~16× a fast read per input bit. */
  deployTest: number;
  mnistTest: number;
  lenetEpochs: number;
  sweepEpochs: number;
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
}

export const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
export const sign = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;
export const SGD = { name: 'momentum' as const, lr: 0.01, momentum: 0.9, weight_decay: 0, beta1: 0.9, beta2: 0.999 };

export function log(s: string): void {
  process.stderr.write(`experiments: ${s}\n`);
}

/** LeNet-5 (or another image model) on an ISAAC-like chip, with the experiment's settings. */
export function imageProgram(
  name: string,
  layers: B.LayerSpec[],
  exp: B.ExperimentSpec,
  devSpec: B.DeviceSpec = {},
  arch: Partial<B.ArchSpec> = {},
  extra: B.ExperimentSpec[] = [],
): IrProgram {
  const dev = B.device('reram', { bitsPerCell: 2, ...devSpec });
  const a = B.architecture('isaac', { device: dev, adcBits: 8, ...arch });
  const m = B.model(name, { kind: 'tensor', shape: [1, 28, 28], classes: 10, dataset: 'mnist' }, layers);
  const map = B.mapping('map', m, a);
  const exps = [
    B.experiment('exp', 'map', 'mnist', { batch: 64, seed: 1, optimizer: SGD, ...exp }),
    ...extra.map((e, i) =>
      B.experiment(e.name ?? `extra${i}`, e.mapping ?? 'map', 'mnist', { batch: 64, seed: 1, ...e }),
    ),
  ];
  return B.program({
    devices: [dev],
    architectures: [a],
    models: [m],
    datasets: [B.MNIST_DATASET],
    mappings: [map],
    experiments: exps,
  });
}

/** Conv blocks (out channels, pool after?) with batchnorm on the GPU partition when `bn`, then linear layers. */
function convStack(
  convs: readonly (readonly [number, boolean])[],
  linears: readonly number[],
  bn: boolean,
): B.LayerSpec[] {
  const out: B.LayerSpec[] = [];
  convs.forEach(([c, pool], k) => {
    const i = k + 1;
    out.push({ kind: 'conv', name: `c${i}`, out: c, kernel: 3, padding: 1 });
    if (bn) out.push({ kind: 'batchnorm', name: `bn${i}` });
    out.push({ kind: 'relu' });
    if (pool) out.push({ kind: 'maxpool', size: 2 });
  });
  out.push({ kind: 'flatten' });
  linears.forEach((n, k) => {
    if (k > 0) out.push({ kind: 'relu' });
    out.push({ kind: 'linear', name: `f${k + 1}`, out: n });
  });
  return out;
}

/** A VGG-style stack for 28×28 digits (6 conv + 2 linear); `bn` puts batchnorm after every conv (on the GPU partition). */
export function vgg(bn: boolean): B.LayerSpec[] {
  const convs = [
    [8, false],
    [8, true],
    [16, false],
    [16, true],
    [32, false],
    [32, true],
  ] as const;
  return convStack(convs, [64, 10], bn);
}

/**
 * VGG-11's layer stack (Simonyan & Zisserman, configuration A: 8 conv + 3 linear, max-pooling after conv 1, 2,
 * 4, 6 and 8) at 1/8 of its widths for 28×28 digits: 28 → 14 → 7 → 3 → 1, so the fifth pool is dropped.
 */
export function vgg11(bn: boolean): B.LayerSpec[] {
  const convs = [
    [8, true],
    [16, true],
    [32, false],
    [32, true],
    [64, false],
    [64, true],
    [64, false],
    [64, false],
  ] as const;
  return convStack(convs, [128, 128, 10], bn);
}

/** A section's view of the run: sizes, lazily loaded data, and `run` (train experiment 'exp', logged). */
export interface Ctx {
  z: Sizes;
  quick: boolean;
  dataRoot: string;
  mnist(): LoadedData;
  sweep(): LoadedData;
  deploy(): LoadedData;
  vggData(): LoadedData;
  exact(): LoadedData;
  run(ir: IrProgram, label: string, epochs: number, data?: LoadedData): Promise<TrainResult>;
}

export function makeContext(quick: boolean, dataRoot = resolve('data')): Ctx {
  const z = quick ? QUICK : FULL;
  const cache = new Map<string, LoadedData>();
  const load = (key: string, trainLimit: number, testLimit: number): LoadedData => {
    if (!cache.has(key)) cache.set(key, { kind: 'tensor', set: loadMnist({ trainLimit, testLimit }) });
    return cache.get(key)!;
  };
  const c: Ctx = {
    z,
    quick,
    dataRoot,
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
