// The in-memory form of an image or vector data set, shared by the MNIST and synthetic loaders. Kept as
// plain typed arrays so loading never pulls in tfjs; the trainer makes tensors from them.

export interface TensorSplit {
  /** Samples, row-major [n, ...sampleShape] (images channel-first: [n, C, H, W]). */
  x: Float32Array;
  /** Class per sample. */
  y: Int32Array;
  n: number;
}

export interface TensorDataset {
  name: string;
  kind: 'image' | 'vector';
  /** Shape of one sample: [C, H, W] for images, [D] for vectors. */
  sampleShape: number[];
  classes: number;
  train: TensorSplit;
  test: TensorSplit;
}

export function sampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The subset of `s` at the given sample indices, in that order. */
export function gather(s: TensorSplit, sampleShape: readonly number[], idx: ArrayLike<number>): TensorSplit {
  const d = sampleSize(sampleShape);
  const x = new Float32Array(idx.length * d);
  const y = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    x.set(s.x.subarray(i * d, (i + 1) * d), k * d);
    y[k] = s.y[i]!;
  }
  return { x, y, n: idx.length };
}
