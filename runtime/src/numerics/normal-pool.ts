// Gaussian (or uniform) draws for the numerics, fast: tfjs' randomNormal runs in JS at ~30 ns a sample, too slow
// for per-forward noise on every output, and tf.slice of a big wasm tensor costs ~100 ms. One pool of 2M draws
// is made per process from a fixed seed; each consumer takes windows at offsets from its own seeded stream.
// Windows of different calls overlap at different alignments, so within one tensor the draws are independent
// and across calls decorrelated; it is not a cryptographic stream.

import { Rng } from '../util/rng.js';
import { tf } from './tf.js';

const POOL = 1 << 21;

/** The pools are shared by every instance (drawn once per process from a fixed seed); instances differ by their seeded offsets. */
const shared: { normal?: Float32Array; uniform?: Float32Array } = {};
const POOL_SEED = 0x5eed;

export class NormalPool {
  /** Kept in JS: tf.slice of a large wasm tensor costs ~100 ms whatever the window. */
  private pool: Float32Array | undefined;
  /** `uniform` makes it a pool of U[0, 1) draws instead. */
  constructor(
    private readonly rng: Rng,
    private readonly uniform = false,
  ) {}

  private ensure(): Float32Array {
    if (!this.pool) {
      const kind = this.uniform ? 'uniform' : 'normal';
      let a = shared[kind];
      if (!a) {
        const r = new Rng(this.uniform ? POOL_SEED + 1 : POOL_SEED);
        a = new Float32Array(POOL);
        for (let i = 0; i < POOL; i++) a[i] = this.uniform ? r.next() : r.normal();
        shared[kind] = a;
      }
      this.pool = a;
    }
    return this.pool;
  }

  /** Draws in JS: a view of the pool and a seeded random start; read it cyclically (index & (size − 1)). */
  cursor(): { pool: Float32Array; start: number } {
    const pool = this.ensure();
    return { pool, start: this.rng.int(POOL) };
  }

  /** A tensor of N(0, 1) (or U[0, 1)) draws of the given shape. */
  take(shape: number[]): tf.Tensor {
    const pool = this.ensure();
    const size = shape.reduce((a, b) => a * b, 1);
    if (size <= POOL) {
      const off = this.rng.int(POOL - size + 1);
      return tf.tensor(pool.subarray(off, off + size), shape);
    }
    const out = new Float32Array(size);
    for (let done = 0; done < size;) {
      const n = Math.min(size - done, POOL);
      const off = this.rng.int(POOL - n + 1);
      out.set(pool.subarray(off, off + n), done);
      done += n;
    }
    return tf.tensor(out, shape);
  }

  dispose(): void {
    this.pool = undefined;
  }
}
