// Gradient checks: every custom gradient of the trainer (run on wasm) against tfjs autodiff of the plain
// definition on the `cpu` reference backend.
import assert from 'node:assert/strict';
import { CrossbarLayer, initTf, ops, Rng, tf, type CrossbarParams } from '@pim/runtime/train';
import { IDEAL_CROSSBAR } from './fixtures/crossbar.js';

const P: CrossbarParams = {
  ...IDEAL_CROSSBAR,
  rows: 32,
  weightBits: 16,
  inputBits: 16,
  writeNoise: 0.03,
  stuckAtZero: 0.01,
  stuckAtOne: 0.01,
};

function rand(rng: Rng, shape: number[], lo = -1, hi = 1): { data: Float32Array; shape: number[] } {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.next()), shape };
}

const T = (a: { data: Float32Array; shape: number[] }): tf.Tensor => tf.tensor(a.data, a.shape);

/** Runs f on the cpu backend and returns plain arrays. */
async function onCpu(f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend('cpu');
  try {
    return tf.tidy(f).map((t) => t.dataSync() as Float32Array);
  } finally {
    await tf.setBackend('wasm');
  }
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, what: string): void {
  assert.equal(got.length, want.length, what);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  assert.ok(worst <= rel * Math.max(scale, 1e-6), `${what}: max error ${worst} vs scale ${scale}`);
}

/** Gradients of Σ(f(a, b)·R) with respect to a and b. */
function gradsOf(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, a: tf.Tensor, b: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
  return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), r)))([a, b]);
}

describe('numerics: custom gradients vs the cpu backend', () => {
  before(() => initTf('wasm'));
  const rng = new Rng(77);

  for (const g of [
    { stride: 1, pad: 2, k: 5 },
    { stride: 2, pad: 1, k: 3 },
    { stride: 1, pad: 0, k: 3 },
  ]) {
    it(`conv2d (filter gradient as a forward conv), k${g.k} stride ${g.stride} pad ${g.pad}`, async () => {
      const x = rand(rng, [2, 9, 9, 3]);
      const w = rand(rng, [g.k, g.k, 3, 4]);
      const ho = Math.floor((9 + 2 * g.pad - g.k) / g.stride) + 1;
      const r = rand(rng, [2, ho, ho, 4]);
      const ours = tf.tidy(() =>
        gradsOf((a, b) => ops.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, g), T(x), T(w), T(r)).map((t) => t.dataSync()),
      );
      const ref = await onCpu(() =>
        gradsOf((a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, g.stride, g.pad), T(x), T(w), T(r)),
      );
      close(ours[0]!, ref[0]!, 1e-5, 'dx');
      close(ours[1]!, ref[1]!, 1e-5, 'dw');
    });
  }

  it('linear (explicit-transpose backward)', async () => {
    const x = rand(rng, [7, 11]);
    const w = rand(rng, [11, 5]);
    const r = rand(rng, [7, 5]);
    const ours = tf.tidy(() =>
      gradsOf((a, b) => ops.linear(a as tf.Tensor2D, b as tf.Tensor2D), T(x), T(w), T(r)).map((t) => t.dataSync()),
    );
    const ref = await onCpu(() => gradsOf((a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), T(x), T(w), T(r)));
    close(ours[0]!, ref[0]!, 1e-5, 'dx');
    close(ours[1]!, ref[1]!, 1e-5, 'dw');
  });

  it('fixed point straight-through: value and gradient quantized, otherwise identity', async () => {
    const x = rand(rng, [40]);
    const r = rand(rng, [40]);
    const [val, grad] = tf.tidy(() => {
      const xt = T(x);
      return [
        ops.fixedPointSte(xt, 6).dataSync(),
        tf
          .grad((a: tf.Tensor) => tf.sum(tf.mul(ops.fixedPointSte(a, 6), T(r))))(xt)
          .dataSync(),
      ];
    });
    const ref = await onCpu(() => [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(a, T(r))))(T(x))]);
    // 6-bit: steps of max/31; the value and the gradient are within half a step of the exact ones.
    const stepX = Math.max(...Array.from(x.data, Math.abs)) / 31;
    const stepR = Math.max(...Array.from(r.data, Math.abs)) / 31;
    close(val!, x.data, (stepX / 2 + 1e-7) / Math.max(...Array.from(x.data, Math.abs)), 'value');
    close(grad!, ref[0]!, (stepR / 2 + 1e-7) / Math.max(...Array.from(r.data, Math.abs)), 'gradient');
    assert.ok(
      Array.from(val!).some((v, i) => v !== x.data[i]),
      'values are quantized',
    );
  });

  it('crossbar linear: straight-through gradients on the stored (faulty) weights', async () => {
    const K = 70;
    const N = 6;
    const xb = new CrossbarLayer(K, N, P, 3);
    const w = rand(rng, [K, N], -0.8, 0.8);
    xb.program(T(w) as tf.Tensor2D);
    const weff = xb.effectiveWeights().dataSync() as Float32Array;
    const x = rand(rng, [9, K], 0, 2);
    const r = rand(rng, [9, N]);
    const ours = tf.tidy(() =>
      gradsOf((a, b) => ops.crossbarOp(xb, a, b as tf.Tensor2D, { noise: false, gradBits: 16 }), T(x), T(w), T(r)).map(
        (t) => t.dataSync(),
      ),
    );
    const ref = await onCpu(() =>
      gradsOf((a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), T(x), tf.tensor2d(weff, [K, N]), T(r)),
    );
    close(ours[0]!, ref[0]!, 1e-4, 'dx');
    close(ours[1]!, ref[1]!, 1e-4, 'dw');
    xb.dispose();
  });

  it('crossbar conv: straight-through gradients (input via transposed conv, filter via forward conv)', async () => {
    const [k, cin, n] = [3, 2, 4];
    const K = k * k * cin;
    const geo = { kh: k, kw: k, cin, stride: 2, pad: 1 };
    const xb = new CrossbarLayer(K, n, P, 4, geo);
    const w = rand(rng, [K, n], -0.8, 0.8);
    xb.program(T(w) as tf.Tensor2D);
    const weff = xb.effectiveWeights().dataSync() as Float32Array;
    const x = rand(rng, [2, 8, 8, cin], 0, 1);
    const r = rand(rng, [2, 4, 4, n]);
    const ours = tf.tidy(() =>
      gradsOf((a, b) => ops.crossbarOp(xb, a, b as tf.Tensor2D, { noise: false, gradBits: 16 }), T(x), T(w), T(r)).map(
        (t) => t.dataSync(),
      ),
    );
    const ref = await onCpu(() => {
      const [dx, dw] = gradsOf(
        (a, b) => tf.conv2d(a as tf.Tensor4D, tf.reshape(b, [k, k, cin, n]) as tf.Tensor4D, 2, 1),
        T(x),
        tf.tensor2d(weff, [K, n]),
        T(r),
      );
      return [dx!, dw!];
    });
    close(ours[0]!, ref[0]!, 1e-4, 'dx');
    close(ours[1]!, ref[1]!, 1e-4, 'dw');
    xb.dispose();
  });

  it('GCN aggregation Â·H (sparse, JS): value and gradient equal the dense product', async () => {
    // A symmetric 4-node Â with self loops.
    const dense = [0.5, 0.2, 0, 0.3, 0.2, 0.4, 0.1, 0, 0, 0.1, 0.6, 0.2, 0.3, 0, 0.2, 0.5];
    const rowPtr = [0];
    const cols: number[] = [];
    const vals: number[] = [];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) if (dense[i * 4 + j]) (cols.push(j), vals.push(dense[i * 4 + j]!));
      rowPtr.push(cols.length);
    }
    const adj = { n: 4, rowPtr: Int32Array.from(rowPtr), cols: Int32Array.from(cols), vals: Float32Array.from(vals) };
    const h = rand(rng, [4, 3]);
    const r = rand(rng, [4, 3]);
    const [val, grad] = tf.tidy(() => {
      const f = (a: tf.Tensor): tf.Tensor => ops.aggregate(adj, a as tf.Tensor2D);
      return [
        f(T(h)).dataSync(),
        tf
          .grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), T(r))))(T(h))
          .dataSync(),
      ];
    });
    const ref = await onCpu(() => {
      const A = tf.tensor2d(dense, [4, 4]);
      return [
        tf.matMul(A, T(h) as tf.Tensor2D),
        tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.matMul(A, a as tf.Tensor2D), T(r))))(T(h)),
      ];
    });
    close(val!, ref[0]!, 1e-6, 'value');
    close(grad!, ref[1]!, 1e-6, 'gradient');
  });
});
