// Seeded synthetic classification sets: the built-in default, so tests and samples run without files.
// Each class has a smooth random prototype; samples are the prototype plus a random offset and noise,
// so a small network learns them in a few epochs but not trivially in one step.

import { Rng } from '../util/rng.js';
import { sampleSize, type TensorDataset, type TensorSplit } from './tensor-set.js';

export interface SyntheticOptions {
  /** Shape of one sample: [C, H, W] for images, [D] for vectors. */
  shape: number[];
  classes: number;
  train: number;
  test: number;
  seed: number;
  /** Standard deviation of the per-pixel noise relative to the prototypes' spread (default 0.6). */
  noise?: number;
}

export function syntheticSet(opts: SyntheticOptions): TensorDataset {
  const { shape, classes, seed } = opts;
  if (!(classes >= 2 && shape.length >= 1 && shape.every((d) => Number.isInteger(d) && d > 0))) {
    throw new RangeError(
      `syntheticSet: need ≥ 2 classes and a positive shape, got classes ${classes}, shape [${shape.join(', ')}]`,
    );
  }
  const d = sampleSize(shape);
  const rng = new Rng(seed);
  const noise = opts.noise ?? 0.6;
  // Prototypes: a few random low-frequency bumps for images, random vectors otherwise; values in ~[0, 1].
  const protos: Float32Array[] = [];
  for (let c = 0; c < classes; c++) {
    const p = new Float32Array(d);
    if (shape.length === 3) {
      const [C, H, W] = shape as [number, number, number];
      for (let b = 0; b < 3; b++) {
        const ch = rng.int(C);
        const cy = rng.next() * H;
        const cx = rng.next() * W;
        const r = (0.15 + 0.2 * rng.next()) * Math.max(H, W);
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++)
            p[ch * H * W + y * W + x]! += Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * r * r));
      }
    } else {
      for (let i = 0; i < d; i++) p[i] = rng.next();
    }
    protos.push(p);
  }
  const make = (n: number, r: Rng): TensorSplit => {
    const x = new Float32Array(n * d);
    const y = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const c = k % classes;
      y[k] = c;
      const p = protos[c]!;
      const gain = 0.7 + 0.6 * r.next();
      for (let i = 0; i < d; i++) x[k * d + i] = gain * p[i]! + noise * 0.3 * r.normal();
    }
    // Shuffle samples so batches mix classes.
    const order = r.shuffle(Array.from({ length: n }, (_, i) => i));
    const xs = new Float32Array(n * d);
    const ys = new Int32Array(n);
    order.forEach((src, dst) => {
      xs.set(x.subarray(src * d, (src + 1) * d), dst * d);
      ys[dst] = y[src]!;
    });
    return { x: xs, y: ys, n };
  };
  return {
    name: `synthetic-${seed}`,
    kind: shape.length === 3 ? 'image' : 'vector',
    sampleShape: [...shape],
    classes,
    train: make(opts.train, rng.fork(1)),
    test: make(opts.test, rng.fork(2)),
  };
}
