// Gaussian draws for the numerics, fast: tfjs' randomNormal runs in JS at ~30 ns a sample, too slow for
// per-forward noise on every output. We draw a large pool once from the seed and take windows at seeded
// random offsets. Windows of different calls overlap at different alignments, so within one tensor the
// draws are independent and across calls they are decorrelated; it is not a cryptographic stream.

import { Rng } from '../util/rng.js';
import { tf } from './tf.js';

const POOL = 1 << 21;

export class NormalPool {
  private pool: tf.Tensor1D | undefined;
  /** `uniform` makes it a pool of U[0, 1) draws instead. */
  constructor(
    private readonly rng: Rng,
    private readonly uniform = false,
  ) {}

  private ensure(): tf.Tensor1D {
    if (!this.pool) {
      const r = this.rng.fork(0x5eed);
      const a = new Float32Array(POOL);
      for (let i = 0; i < POOL; i++) a[i] = this.uniform ? r.next() : r.normal();
      this.pool = tf.keep(tf.tensor1d(a));
    }
    return this.pool;
  }

  /** A tensor of N(0, 1) (or U[0, 1)) draws of the given shape. */
  take(shape: number[]): tf.Tensor {
    const pool = this.ensure();
    const size = shape.reduce((a, b) => a * b, 1);
    return tf.tidy(() => {
      const parts: tf.Tensor1D[] = [];
      let left = size;
      while (left > 0) {
        const n = Math.min(left, POOL);
        const off = this.rng.int(POOL - n + 1);
        parts.push(tf.slice(pool, [off], [n]));
        left -= n;
      }
      const flat = parts.length === 1 ? parts[0]! : tf.concat(parts);
      return tf.reshape(flat, shape);
    });
  }

  dispose(): void {
    this.pool?.dispose();
    this.pool = undefined;
  }
}
