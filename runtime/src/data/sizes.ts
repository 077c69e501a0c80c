// Sizes of the data sets' splits, apart from their loaders: the simulator costs an epoch from them
// (statedSplit) without loading (or depending on) the data.

/** Digits the fixed split holds out for testing (data/mnist.ts); the rest train. */
export const MNIST_TEST_SIZE = 2000;

/** A synthetic image set's sizes when its attributes state none (IR from elsewhere: the compiler states `samples`). */
export const SYNTHETIC_TRAIN = 1024;
export const SYNTHETIC_TEST = 256;

/**
 * Train and test sizes a data set's attributes state: `train` and `test`, else `samples` split 80% train /
 * 20% test (the loaders' rule, and the simulator's epoch, in one place); undefined where nothing is stated.
 */
export function statedSplit(attributes: Record<string, unknown>): { train?: number; test?: number } {
  const num = (k: string): number | undefined => (typeof attributes[k] === 'number' ? attributes[k] : undefined);
  const samples = num('samples');
  const cut = samples !== undefined ? Math.round(0.8 * samples) : undefined;
  const train = num('train') ?? cut;
  const test = num('test') ?? (cut !== undefined ? samples! - cut : undefined);
  return { ...(train !== undefined ? { train } : {}), ...(test !== undefined ? { test } : {}) };
}
