import assert from 'node:assert/strict';
import { CrossbarLayer, initTf, K_B, Rng as Rng_, roundedGaussianVariance, adcBitsNeeded, tf, type CrossbarParams } from '@pim/runtime/train';

const BASE: CrossbarParams = {
  rows: 128,
  cols: 128,
  bitsPerCell: 2,
  weightBits: 8,
  inputBits: 8,
  dacBits: 1,
  adcBits: Infinity,
  flipEncoding: true,
  gOn: 1e-5,
  gOff: 1e-6,
  readVoltage: 0.2,
  variation: 0,
  stuckAtZero: 0,
  stuckAtOne: 0,
  endurance: Infinity,
  temperatureK: 0,
  frequencyHz: 0,
  weightRange: 1,
};

function randomMatrix(rng: Rng_, n: number, lo: number, hi: number, int = false): Float32Array {
  return Float32Array.from({ length: n }, () => (int ? Math.floor(lo + rng.next() * (hi - lo + 1)) : lo + rng.next() * (hi - lo)));
}

/** Σ x·q in float64 — the ideal fixed-point MVM. */
function integerMvm(x: Float32Array, q: ArrayLike<number>, M: number, K: number, N: number): Float64Array {
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += x[m * K + k]! * q[k * N + n]!;
    y[m * N + n] = s;
  }
  return y;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('numerics: crossbar MVM', () => {
  before(() => initTf());

  for (const cfg of [
    { name: '8-bit weights on 2-bit cells, 1-bit DAC', p: {} },
    { name: '7-bit weights on 3-bit cells (partial top slice), 2-bit DAC, 64 rows', p: { weightBits: 7, bitsPerCell: 3, dacBits: 2, rows: 64 } },
    { name: '6-bit weights on 1-bit cells, 16 rows, ADC exactly at the needed bits', p: { weightBits: 6, bitsPerCell: 1, rows: 16, adcBits: adcBitsNeeded(16, 1, 1, true) } },
  ]) {
    it(`ideal: both paths equal the fixed-point MVM exactly (${cfg.name})`, () => {
      const params = { ...BASE, ...cfg.p };
      const rng = new Rng_(11);
      const K = 200;
      const N = 9;
      const M = 13;
      const w = randomMatrix(rng, K * N, -1, 1);
      const bits = params.inputBits - 1;
      const x = randomMatrix(rng, M * K, -(2 ** bits - 1), 2 ** bits - 1, true);
      const xb = new CrossbarLayer(K, N, params, 3);
      xb.program(tf.tensor2d(w, [K, N]));
      assert.ok(xb.lossless);
      const q = xb.quantizeWeights(tf.tensor2d(w, [K, N])).dataSync();
      assert.deepEqual(Array.from(xb.integerWeights().dataSync(), (v) => v + 0), Array.from(q, (v) => v + 0)); // +0: −0 ≡ 0
      const ref = integerMvm(x, q, M, K, N);
      for (const path of ['fast', 'bitserial'] as const) {
        const y = xb.integerForward(tf.tensor2d(x, [M, K]), { signed: true, noise: false, path }).dataSync();
        assert.equal(maxAbsDiff(y, ref), 0, path);
      }
      xb.dispose();
    });
  }

  it('ideal conv (NHWC, stride 2, padding 1): bit-serial equals the integer convolution', () => {
    const rng = new Rng_(5);
    const [B, H, W, C, N, k] = [2, 7, 7, 3, 4, 3];
    const K = k * k * C;
    const xb = new CrossbarLayer(K, N, { ...BASE, rows: 16 }, 9, { kh: k, kw: k, cin: C, stride: 2, pad: 1 });
    const w = randomMatrix(rng, K * N, -1, 1);
    xb.program(tf.tensor2d(w, [K, N]));
    const x = randomMatrix(rng, B * H * W * C, 0, 255, true);
    const q = xb.quantizeWeights(tf.tensor2d(w, [K, N]));
    const ref = tf.conv2d(tf.tensor4d(x, [B, H, W, C]), tf.reshape(q, [k, k, C, N]) as tf.Tensor4D, 2, 1).dataSync();
    const y = xb.integerForward(tf.tensor4d(x, [B, H, W, C]), { signed: false, noise: false, path: 'bitserial' });
    assert.deepEqual(y.shape, [B, 4, 4, N]);
    assert.equal(maxAbsDiff(y.dataSync(), ref), 0);
    xb.dispose();
  });

  it('float forward: inputs to fixed point, result within the quantization error of x·w', () => {
    const rng = new Rng_(2);
    const K = 50;
    const N = 6;
    const M = 8;
    const xb = new CrossbarLayer(K, N, { ...BASE, weightBits: 16, inputBits: 16 }, 1);
    const w = randomMatrix(rng, K * N, -0.9, 0.9);
    const x = randomMatrix(rng, M * K, 0, 3);
    xb.program(tf.tensor2d(w, [K, N]));
    const y = xb.forward(tf.tensor2d(x, [M, K]), { noise: false }).dataSync();
    const ref = tf.matMul(tf.tensor2d(x, [M, K]), tf.tensor2d(w, [K, N])).dataSync();
    assert.ok(maxAbsDiff(y, ref) < 1e-3, `diff ${maxAbsDiff(y, ref)}`);
    xb.dispose();
  });

  it('ADC: a short converter drops LSBs of every partial sum, as an independent model predicts', () => {
    const params = { ...BASE, flipEncoding: false, rows: 32, weightBits: 4, inputBits: 4, bitsPerCell: 2, dacBits: 2 };
    const needed = adcBitsNeeded(32, 2, 2, false);
    assert.equal(needed, 9); // 32·3·3 = 288
    const rng = new Rng_(8);
    const K = 70;
    const N = 5;
    const M = 6;
    const w = randomMatrix(rng, K * N, -1, 1);
    const x = randomMatrix(rng, M * K, 0, 15, true);
    const errors: number[] = [];
    for (const adcBits of [9, 7, 5]) {
      const xb = new CrossbarLayer(K, N, { ...params, adcBits }, 4);
      xb.program(tf.tensor2d(w, [K, N]));
      const q = xb.quantizeWeights(tf.tensor2d(w, [K, N])).dataSync();
      const lsb = 2 ** Math.max(0, needed - adcBits);
      const codeMax = adcBits >= needed ? Infinity : (2 ** adcBits - 1) * lsb;
      // Reference: digits of u = q + 8 on 2 slices, 2 chunks of 2 input bits, row tiles of 32.
      const expect = new Float64Array(M * N);
      for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
        let y = 0;
        for (let t = 0; t < 2; t++) for (let j = 0; j < 2; j++) for (let rt = 0; rt * 32 < K; rt++) {
          let s = 0;
          for (let k = rt * 32; k < Math.min(K, rt * 32 + 32); k++) {
            const a = Math.floor(x[m * K + k]! / 4 ** t) % 4;
            const d = Math.floor((q[k * N + n]! + 8) / 4 ** j) % 4;
            s += a * d;
          }
          y += 4 ** t * 4 ** j * Math.min(Math.floor(s / lsb + 0.5) * lsb, codeMax);
        }
        let xs = 0;
        for (let k = 0; k < K; k++) xs += x[m * K + k]!;
        expect[m * N + n] = y - 8 * xs;
      }
      const got = xb.integerForward(tf.tensor2d(x, [M, K]), { signed: false, noise: false }).dataSync();
      assert.equal(maxAbsDiff(got, expect), 0, `adc ${adcBits}`);
      errors.push(maxAbsDiff(got, integerMvm(x, q, M, K, N)));
      assert.equal(xb.lossless, adcBits >= needed);
      xb.dispose();
    }
    assert.equal(errors[0], 0);
    assert.ok(errors[1]! > 0 && errors[2]! > errors[1]!, `errors ${errors}`);
  });

  it('stuck-at faults: rates within 5σ, persistent per chip seed, and never overwritten', () => {
    const K = 256;
    const N = 100;
    const p = { ...BASE, stuckAtZero: 0.02, stuckAtOne: 0.01 };
    const a = new CrossbarLayer(K, N, p, 42);
    const b = new CrossbarLayer(K, N, p, 42);
    const c = new CrossbarLayer(K, N, p, 43);
    const cells = K * N * a.slices;
    const map = a.stuckMap();
    const n0 = map.filter((v) => v === 1).length;
    const n1 = map.filter((v) => v === 2).length;
    for (const [n, rate] of [[n0, 0.02], [n1, 0.01]] as const) {
      const sd = Math.sqrt(cells * rate * (1 - rate));
      assert.ok(Math.abs(n - cells * rate) < 5 * sd, `${n} vs ${cells * rate}`);
    }
    assert.deepEqual(b.stuckMap(), map);
    assert.notDeepEqual(c.stuckMap(), map);
    // Stuck cells are not written and keep their level: weights read back differ from the ideal ones.
    const rng = new Rng_(1);
    const w = tf.tensor2d(randomMatrix(rng, K * N, -1, 1), [K, N]);
    const first = a.program(w);
    assert.equal(first.written, cells - n0 - n1);
    const second = a.program(tf.neg(w) as tf.Tensor2D);
    assert.ok(second.written < cells - n0 - n1);
    assert.deepEqual(a.stuckMap(), map);
    const diff = maxAbsDiff(a.integerWeights().dataSync(), a.quantizeWeights(tf.neg(w) as tf.Tensor2D).dataSync());
    assert.ok(diff > 0);
    for (const x of [a, b, c]) x.dispose();
  });

  it('write counts: only changed cells are written; past the endurance they stick', () => {
    const K = 40;
    const N = 10;
    const xb = new CrossbarLayer(K, N, { ...BASE, endurance: 2 }, 7);
    const rng = new Rng_(3);
    const w1 = tf.tensor2d(randomMatrix(rng, K * N, -1, 1), [K, N]);
    const w2 = tf.tensor2d(randomMatrix(rng, K * N, -1, 1), [K, N]);
    const l1 = xb.levelsOf(w1).dataSync();
    const l2 = xb.levelsOf(w2).dataSync();
    const changed = l1.filter((v, i) => v !== l2[i]).length;
    const cells = K * N * xb.slices;
    assert.equal(xb.program(w1).written, cells);
    assert.equal(xb.program(w1).written, 0);
    assert.equal(xb.program(w2).written, changed);
    const counts = xb.writeCounts();
    assert.equal(counts.filter((c) => c === 2).length, changed);
    // Third write of the changed cells exceeds endurance 2: they wear out (stuck) as they are written.
    const r = xb.program(w1);
    assert.equal(r.written, changed);
    assert.equal(r.newlyWorn, changed);
    assert.equal(xb.stats().worn, changed);
    assert.equal(xb.stats().stuck, changed);
    assert.equal(xb.program(w2).written, 0);
    xb.dispose();
  });

  it('thermal noise: σ of the output matches √(4·k_B·T·Δf·ΣG) per column after ADC rounding', () => {
    // One row tile, one slice (2-bit weights on 2-bit cells), one input chunk: output noise = one read's noise.
    const K = 64;
    const N = 4;
    const M = 6000;
    const p = { ...BASE, rows: 64, weightBits: 2, bitsPerCell: 2, inputBits: 1, dacBits: 1, temperatureK: 400, frequencyHz: 1e12 };
    const xb = new CrossbarLayer(K, N, p, 5);
    // q = 0 everywhere ⇒ u = 2 on every cell: ΣG = 64·(G_off + 2ΔG).
    xb.program(tf.zeros([K, N]) as tf.Tensor2D);
    const dG = (p.gOn - p.gOff) / 3;
    const sigmaI = Math.sqrt(4 * K_B * p.temperatureK * p.frequencyHz * K * (p.gOff + 2 * dG));
    const sigmaUnits = sigmaI / (p.readVoltage * dG);
    assert.ok(Math.abs(xb.columnSigma()[0]! - sigmaUnits) / sigmaUnits < 1e-4);
    const expected = Math.sqrt(roundedGaussianVariance(sigmaUnits));
    const x = tf.ones([M, K]);
    const clean = xb.integerForward(x, { signed: false, noise: false }).dataSync();
    for (const path of ['bitserial', 'fast'] as const) {
      const noisy = xb.integerForward(x, { signed: false, noise: true, path }).dataSync();
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < noisy.length; i++) {
        const d = noisy[i]! - clean[i]!;
        s += d;
        s2 += d * d;
      }
      const n = noisy.length;
      const sd = Math.sqrt(s2 / n - (s / n) ** 2);
      assert.ok(Math.abs(sd - expected) / expected < 0.04, `${path}: σ ${sd} vs ${expected}`);
      assert.ok(Math.abs(s / n) < 5 * (expected / Math.sqrt(n)), `${path}: mean ${s / n}`);
    }
    // Hotter and faster is noisier, by √(T·Δf).
    const hot = new CrossbarLayer(K, N, { ...p, temperatureK: 800 }, 5);
    hot.program(tf.zeros([K, N]) as tf.Tensor2D);
    assert.ok(Math.abs(hot.columnSigma()[0]! / xb.columnSigma()[0]! - Math.SQRT2) < 1e-4);
    hot.dispose();
    xb.dispose();
  });

  it('rounded Gaussian: small noise is rounded away, large noise keeps σ² + 1/12', () => {
    assert.ok(roundedGaussianVariance(0.1) < 1e-6);
    assert.ok(Math.abs(roundedGaussianVariance(10) - 100 - 1 / 12) < 1e-6);
    const rng = new Rng_(9);
    let v = 0;
    const n = 200000;
    for (let i = 0; i < n; i++) v += Math.round(0.6 * rng.normal()) ** 2;
    assert.ok(Math.abs(v / n - roundedGaussianVariance(0.6)) < 0.01);
  });

  it('programming variation: effective conductances spread by the device σ', () => {
    const K = 128;
    const N = 50;
    const xb = new CrossbarLayer(K, N, { ...BASE, weightBits: 2, bitsPerCell: 2, variation: 0.05 }, 12);
    const w = tf.fill([K, N], 0.9) as tf.Tensor2D; // q = 1 ⇒ u = 3 ⇒ every cell at G_on
    xb.program(w);
    // q_eff = d_eff − 2 with d_eff = 3·(1+ε) + (G_off/ΔG)·ε, so its spread is ε's times (3 + G_off/ΔG).
    const q = Array.from(xb.integerWeights().dataSync());
    const mean = q.reduce((a, b) => a + b, 0) / q.length;
    const sd = Math.sqrt(q.reduce((a, b) => a + (b - mean) ** 2, 0) / q.length);
    const dG = (BASE.gOn - BASE.gOff) / 3;
    const expected = 0.05 * (3 + BASE.gOff / dG);
    assert.ok(Math.abs(mean - 1) < 0.02, `mean ${mean}`);
    assert.ok(Math.abs(sd - expected) / expected < 0.1, `sd ${sd} vs ${expected}`);
    xb.dispose();
  });
});
