import assert from 'node:assert/strict';
import {
  calibrationRows,
  CrossbarLayer,
  initTf,
  K_B,
  Rng as Rng_,
  roundedGaussianVariance,
  adcBitsNeeded,
  tf,
  type CrossbarParams,
  cellEncoding,
  columnsPerOutput,
  rows,
  calibratedScale,
  convert,
  readNoiseBandwidth,
  SumHistogram,
  worstCaseScale,
} from '@pim/runtime/train';
import { IDEAL_CROSSBAR } from './fixtures/crossbar.js';

const BASE = IDEAL_CROSSBAR;

function randomMatrix(rng: Rng_, n: number, lo: number, hi: number, int = false): Float32Array {
  return Float32Array.from({ length: n }, () =>
    int ? Math.floor(lo + rng.next() * (hi - lo + 1)) : lo + rng.next() * (hi - lo),
  );
}

/** Σ x·q in float64 — the ideal fixed-point MVM. */
function integerMvm(x: Float32Array, q: ArrayLike<number>, M: number, K: number, N: number): Float64Array {
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
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
    {
      name: '7-bit weights on 3-bit cells (partial top slice), 2-bit DAC, 64 rows',
      p: { weightBits: 7, bitsPerCell: 3, dacBits: 2, rows: 64 },
    },
    {
      name: '6-bit weights on 1-bit cells, 16 rows, ADC exactly at the needed bits',
      p: { weightBits: 6, bitsPerCell: 1, rows: 16, adcBits: adcBitsNeeded(16, 1, 1, true) },
    },
    { name: 'differential, 8-bit weights on 2-bit cells', p: { encoding: 'differential' as const } },
    {
      name: 'differential, 7-bit weights on 3-bit cells, 2-bit DAC, 64 rows',
      p: { encoding: 'differential' as const, weightBits: 7, bitsPerCell: 3, dacBits: 2, rows: 64 },
    },
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
      assert.deepEqual(
        Array.from(xb.integerWeights().dataSync(), (v) => v + 0),
        Array.from(q, (v) => v + 0),
      ); // +0: −0 ≡ 0
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
      for (let m = 0; m < M; m++)
        for (let n = 0; n < N; n++) {
          let y = 0;
          for (let t = 0; t < 2; t++)
            for (let j = 0; j < 2; j++)
              for (let rt = 0; rt * 32 < K; rt++) {
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
    for (const [n, rate] of [
      [n0, 0.02],
      [n1, 0.01],
    ] as const) {
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

  it('a stuck cell sticks at a conductance: in a column stored complemented, stuck at G_on restores as level 0', () => {
    // q = 21 at 16 bits in offset encoding: u = 21 + 2^15, 2-bit slices 1, 1, 1, 0, 0, 0, 0, 2 (low first),
    // so ISAAC's flip complements the top slice's column (2 > 3/2) and no other. Every cell stuck at
    // G_on: the top slice restores as 3 − 3 = 0, the others as 3: q = 3·(4^7 − 1)/3 − 2^15 = −16385, where
    // the same cells read unflipped give 4^8 − 1 − 2^15 = 32767.
    const K = 128;
    const N = 2;
    const w = tf.fill([K, N], 21 / 32767) as tf.Tensor2D;
    const read = (flipEncoding: boolean): number[] => {
      const xb = new CrossbarLayer(K, N, { ...BASE, weightBits: 16, stuckAtOne: 1, flipEncoding }, 1);
      xb.program(w);
      const q = Array.from(new Set(xb.integerWeights().dataSync()));
      xb.dispose();
      return q;
    };
    assert.deepEqual(read(true), [-16385]);
    assert.deepEqual(read(false), [32767]);
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
    const p = {
      ...BASE,
      rows: 64,
      weightBits: 2,
      bitsPerCell: 2,
      inputBits: 1,
      dacBits: 1,
      temperatureK: 400,
      bandwidthHz: 1e12,
    };
    const xb = new CrossbarLayer(K, N, p, 5);
    // q = 0 everywhere ⇒ u = 2 on every cell, digits past half the column's (2 > 3/2): ISAAC's flip stores
    // the complement, so every cell holds level 1 and ΣG = 64·(G_off + ΔG); unflipped, 64·(G_off + 2ΔG).
    xb.program(tf.zeros([K, N]) as tf.Tensor2D);
    const dG = (p.gOn - p.gOff) / 3;
    const sigmaOf = (levels: number) =>
      Math.sqrt(4 * K_B * p.temperatureK * p.bandwidthHz * K * (p.gOff + levels * dG)) / (p.readVoltage * dG);
    const sigmaUnits = sigmaOf(1);
    assert.ok(Math.abs(xb.columnSigma()[0]! - sigmaUnits) / sigmaUnits < 1e-4);
    const unflipped = new CrossbarLayer(K, N, { ...p, flipEncoding: false }, 5);
    unflipped.program(tf.zeros([K, N]) as tf.Tensor2D);
    assert.ok(Math.abs(unflipped.columnSigma()[0]! - sigmaOf(2)) / sigmaOf(2) < 1e-4);
    unflipped.dispose();
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
    const w = tf.fill([K, N], 0.9) as tf.Tensor2D; // q = 1 ⇒ u = 3 ⇒ every digit at the top level
    const dG = (BASE.gOn - BASE.gOff) / 3;
    // Unflipped, every cell at G_on: q_eff = d_eff − 2 with d_eff = 3·(1+ε) + (G_off/ΔG)·ε, so its spread is
    // ε's times (3 + G_off/ΔG). Flipped (ISAAC's encoding: the column's digits are past half), every cell
    // holds the complement, G_off: the restored level is 3 − (G_off/ΔG)·ε, spread ε's times G_off/ΔG.
    for (const [flipEncoding, levels] of [
      [false, 3],
      [true, 0],
    ] as const) {
      const xb = new CrossbarLayer(
        K,
        N,
        { ...BASE, weightBits: 2, bitsPerCell: 2, writeNoise: 0.05, flipEncoding },
        12,
      );
      xb.program(w);
      const q = Array.from(xb.integerWeights().dataSync());
      const mean = q.reduce((a, b) => a + b, 0) / q.length;
      const sd = Math.sqrt(q.reduce((a, b) => a + (b - mean) ** 2, 0) / q.length);
      const expected = 0.05 * (levels + BASE.gOff / dG);
      assert.ok(Math.abs(mean - 1) < 0.02, `mean ${mean}`);
      assert.ok(Math.abs(sd - expected) / expected < 0.1, `flip ${flipEncoding}: sd ${sd} vs ${expected}`);
      xb.dispose();
    }
  });
});

describe('numerics: encodings, ADC ranges, bandwidth, spread', () => {
  before(() => initTf());

  it('differential encoding: G+ holds max(q, 0), G− max(−q, 0), W−1 magnitude bits over ⌈(W−1)/c⌉ slices', () => {
    const enc = cellEncoding('differential', 8, 2);
    assert.equal(enc.slices, 4); // ⌈7/2⌉
    assert.equal(enc.groups, 8);
    assert.equal(enc.offset, 0);
    const d = new Int32Array(8);
    enc.digits(5, d); // 5 = 01 01
    assert.deepEqual(Array.from(d), [1, 1, 0, 0, 0, 0, 0, 0]);
    enc.digits(-6, d); // 6 = 01 10
    assert.deepEqual(Array.from(d), [0, 0, 0, 0, 2, 1, 0, 0]);
    enc.digits(127, d); // 127 = 01 11 11 11
    assert.deepEqual(Array.from(d), [3, 3, 3, 1, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(enc.factor), [1, 4, 16, 64, -1, -4, -16, -64]);
    const off = cellEncoding('offset', 8, 2);
    off.digits(-6, d); // u = 122 = 01 11 10 10
    assert.deepEqual(Array.from(d.subarray(0, 4)), [2, 2, 3, 1]);
    assert.equal(columnsPerOutput('offset', 16, 2), 8);
    assert.equal(columnsPerOutput('differential', 16, 2), 16);
    assert.equal(columnsPerOutput('differential', 16, 8), 4); // ⌈15/8⌉ = 2 slices, two columns each
  });

  it('every weight is the sum of its digits times their factors, minus the offset, up to 31 bits and beyond', () => {
    // Up to 31 bits the digits come from integer shifts, above from division: both must rebuild q.
    for (const encoding of ['offset', 'differential'] as const)
      for (const [bits, cell] of [
        [8, 1],
        [8, 3],
        [16, 2],
        [16, 8],
        [31, 4],
        [31, 8],
        [40, 6],
      ] as const) {
        const enc = cellEncoding(encoding, bits, cell);
        const d = new Int32Array(enc.groups);
        const top = 2 ** (bits - 1) - 1;
        for (const q of [0, 1, -1, 5, -6, top, -top, Math.floor(top / 3), -Math.floor(top / 7)]) {
          enc.digits(q, d);
          assert.ok(
            d.every((x) => x >= 0 && x < 2 ** cell),
            `${encoding} ${bits}/${cell} q=${q}: ${d}`,
          );
          const rebuilt = Array.from(d).reduce((s, x, g) => s + x * enc.factor[g]!, 0) - enc.offset;
          assert.equal(rebuilt, q, `${encoding} ${bits}/${cell} q=${q}`);
        }
      }
  });

  it('ADC scales: worst case drops LSBs; a calibrated range sets LSB = max(1, R/(2^b − 1)) and clips above it', () => {
    assert.deepEqual(worstCaseScale(8, 8), { lsb: 1, codeMax: Infinity });
    assert.deepEqual(worstCaseScale(6, 8), { lsb: 4, codeMax: 252 });
    assert.deepEqual(calibratedScale(6, 126), { lsb: 2, codeMax: 126 });
    assert.deepEqual(calibratedScale(6, 40), { lsb: 1, codeMax: 63 });
    const s = calibratedScale(4, 30); // LSB 2
    assert.equal(convert(0, s), 0);
    assert.equal(convert(1, s), 2); // half up
    assert.equal(convert(2.9, s), 2);
    assert.equal(convert(29, s), 30);
    assert.equal(convert(100, s), 30); // clipped at the top code
    const h = new SumHistogram();
    h.add([0, 1, 1, 2, 3, 3, 3, 10, 0, 0]);
    assert.equal(h.max(), 10);
    assert.equal(h.percentile(1), 10);
    assert.equal(h.percentile(0.9), 3);
    assert.equal(h.percentile(0.3), 0);
  });

  it('calibrated ADC: ranges per input chunk and column group are the largest partial sums seen; every conversion matches an independent model', () => {
    const params: CrossbarParams = {
      ...BASE,
      flipEncoding: false,
      rows: 32,
      weightBits: 6,
      inputBits: 4,
      bitsPerCell: 2,
      dacBits: 2,
      adcBits: 4,
      adcRange: 'calibrated',
      encoding: 'differential',
    };
    const rng = new Rng_(21);
    const K = 40;
    const N = 3;
    const M = 5;
    const w = randomMatrix(rng, K * N, -1, 1);
    const x = randomMatrix(rng, M * K, 0, 15, true);
    const xb = new CrossbarLayer(K, N, params, 2);
    xb.program(tf.tensor2d(w, [K, N]));
    const q = xb.quantizeWeights(tf.tensor2d(w, [K, N])).dataSync();
    const enc = cellEncoding('differential', 6, 2); // 3 slices, 6 groups
    const dig = (k: number, n: number): Int32Array => {
      const d = new Int32Array(6);
      enc.digits(q[k * N + n]!, d);
      return d;
    };
    // Every partial sum: chunk t (2 bits), group g, row tile rt (32 rows), column n.
    const sums: number[][] = Array.from({ length: 12 }, () => []); // per chunk t and group g: t·6 + g
    const partial = (m: number, t: number, g: number, rt: number, n: number): number => {
      let s = 0;
      for (let k = rt * 32; k < Math.min(K, rt * 32 + 32); k++)
        s += (Math.floor(x[m * K + k]! / 4 ** t) % 4) * dig(k, n)[g]!;
      return s;
    };
    for (let m = 0; m < M; m++)
      for (let t = 0; t < 2; t++)
        for (let g = 0; g < 6; g++)
          for (let rt = 0; rt < 2; rt++) for (let n = 0; n < N; n++) sums[t * 6 + g]!.push(partial(m, t, g, rt, n));
    const ranges = xb.calibrate(tf.tensor2d(x, [M, K]), false);
    assert.deepEqual(
      ranges,
      sums.map((s) => Math.max(...s)),
    );
    /** Each output: every partial sum converted at its group's scale, shifted by its input digit and slice weight. */
    const expected = (scales: ReturnType<typeof calibratedScale>[]): Float64Array => {
      const out = new Float64Array(M * N);
      for (let m = 0; m < M; m++)
        for (let n = 0; n < N; n++) {
          let y = 0;
          for (let t = 0; t < 2; t++)
            for (let g = 0; g < 6; g++)
              for (let rt = 0; rt < 2; rt++)
                y += 4 ** t * enc.factor[g]! * convert(partial(m, t, g, rt, n), scales[t * 6 + g]!);
          out[m * N + n] = y;
        }
      return out;
    };
    const expect = expected(ranges.map((r) => calibratedScale(4, r)));
    for (const path of ['bitserial', 'auto'] as const) {
      const got = xb.integerForward(tf.tensor2d(x, [M, K]), { signed: false, noise: false, path }).dataSync();
      // Float32 arithmetic on a non-integer LSB grid: equal to rounding error.
      assert.ok(maxAbsDiff(got, expect) < 1e-3, `${path}: ${maxAbsDiff(got, expect)}`);
    }
    // A lower percentile clips the largest sums at the top code, as the same independent model predicts.
    const clipped = new CrossbarLayer(K, N, { ...params, adcPercentile: 0.5 }, 2);
    clipped.program(tf.tensor2d(w, [K, N]));
    const r = clipped.calibrate(tf.tensor2d(x, [M, K]), false);
    assert.ok(r.every((v, g) => v <= ranges[g]!) && r.some((v, g) => v < ranges[g]!));
    const cs = r.map((v) => calibratedScale(4, v));
    assert.ok(
      sums.some((s, g) => s.some((v) => v > cs[g]!.codeMax)),
      'some sums clip',
    );
    const expectClipped = expected(cs);
    assert.ok(
      maxAbsDiff(
        clipped.integerForward(tf.tensor2d(x, [M, K]), { signed: false, noise: false }).dataSync(),
        expectClipped,
      ) < 1e-3,
    );
    xb.dispose();
    clipped.dispose();
  });

  it('calibration from at most `rows` rows: the ranges of those rows, evenly spaced over the input; all rows when it has no more', () => {
    const params: CrossbarParams = {
      ...BASE,
      rows: 64,
      weightBits: 8,
      inputBits: 8,
      adcBits: 4,
      adcRange: 'calibrated',
    };
    const rng = new Rng_(11);
    const [K, N, M] = [90, 7, 40];
    const w = tf.tensor2d(randomMatrix(rng, K * N, -0.5, 0.5), [K, N]);
    // Rows of growing scale, so that which rows are seen decides the ranges.
    const x = tf.tensor2d(
      Array.from({ length: M * K }, (_, i) => (rng.next() * (1 + Math.floor(i / K))) / M),
      [M, K],
    );
    const ranges = (rows?: number): number[] => {
      const xb = new CrossbarLayer(K, N, params, 3);
      xb.program(w);
      xb.forward(x, { noise: false, path: 'bitserial', calibrate: rows === undefined ? {} : { rows } }).dispose();
      const r = xb.ranges!.slice();
      xb.dispose();
      return r;
    };
    const all = ranges();
    assert.deepEqual(ranges(M), all, 'as many rows as the input: all of them');
    assert.deepEqual(ranges(1000), all);
    // 8 of 40 rows: 0, 5, …, 35, without the largest rows (36–39): smaller sums, smaller ranges.
    const some = ranges(8);
    assert.equal(some.length, all.length);
    assert.ok(some.every((r, i) => r <= all[i]!) && some.some((r, i) => r < all[i]!), `${some} against ${all}`);
    assert.deepEqual(
      (calibrationRows(x, 8) as tf.Tensor2D).arraySync(),
      (tf.gather(x, [0, 5, 10, 15, 20, 25, 30, 35]) as tf.Tensor2D).arraySync(),
      'rows 0, 5, 10, … 35',
    );
    assert.equal(calibrationRows(x, undefined), x);
    x.dispose();
    w.dispose();
  });

  it("bit-serial: a matrix layer's per-row-tile products equal the zero-padded product of a 1×1 conv bit for bit", () => {
    // The same cells (same chip seed) read as a matrix layer (one product per row tile) and as a 1×1 conv (the
    // zero-padded product over every row): write noise, spread, stuck cells, read noise and a clipping 4-bit ADC.
    const params: CrossbarParams = {
      ...BASE,
      rows: 64,
      weightBits: 12,
      inputBits: 10,
      adcBits: 4,
      adcRange: 'calibrated',
      adcPercentile: 0.9,
      encoding: 'differential',
      writeNoise: 0.03,
      spread: 0.02,
      stuckAtOne: 0.01,
      temperatureK: 350,
      bandwidthHz: 6e8,
    };
    const rng = new Rng_(5);
    for (const K of [150, 300]) {
      const N = 11;
      const M = 17;
      const w = tf.tensor2d(randomMatrix(rng, K * N, -0.4, 0.4), [K, N]);
      const x = tf.tensor2d(randomMatrix(rng, M * K, 0, 1), [M, K]);
      const matrix = new CrossbarLayer(K, N, params, 5);
      const conv = new CrossbarLayer(K, N, params, 5, { kh: 1, kw: 1, cin: K, stride: 1, pad: 0 });
      matrix.program(w);
      conv.program(w);
      const x4 = tf.reshape(x, [M, 1, 1, K]);
      matrix.forward(x, { noise: false, path: 'bitserial', calibrate: {} }).dispose();
      conv.forward(x4, { noise: false, path: 'bitserial', calibrate: {} }).dispose();
      assert.deepEqual(matrix.ranges, conv.ranges);
      assert.ok(
        matrix.adcScales().some((s) => s.lsb > 1),
        'a lossy ADC',
      );
      for (const noise of [false, true]) {
        const a = matrix.forward(x, { noise, path: 'bitserial' }).dataSync();
        const b = conv.forward(x4, { noise, path: 'bitserial' }).dataSync();
        assert.deepEqual(Array.from(a), Array.from(b), `K ${K}, noise ${noise}`);
      }
      matrix.dispose();
      conv.dispose();
    }
  });

  it('rows of a tensor hold the values tf.slice gives, to the bit', () => {
    // rows stands in for tfjs-wasm's Slice, which copies the whole input first; same values required.
    const rng = new Rng_(9);
    const x = tf.tensor2d(randomMatrix(rng, 37 * 29, -3, 3), [37, 29]);
    const x4 = tf.tensor4d(randomMatrix(rng, 6 * 5 * 4 * 3, -3, 3), [6, 5, 4, 3]);
    const i32 = tf.tensor2d(randomMatrix(rng, 8 * 7, -50, 50, true), [8, 7], 'int32');
    const same = (a: tf.Tensor, b: tf.Tensor, what: string) => {
      assert.deepEqual(a.shape, b.shape, what);
      assert.equal(a.dtype, b.dtype, what);
      assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()), what);
    };
    for (const [begin, size] of [
      [0, 37],
      [0, 5],
      [30, 7],
      [12, 1],
    ] as const)
      same(rows(x, begin, size), tf.slice(x, begin, size), `rows ${begin}+${size}`);
    same(rows(x4, 2, 3), tf.slice(x4, 2, 3), 'rows of NHWC');
    same(rows(i32, 3, 4), tf.slice(i32, 3, 4), 'int32 rows');
    assert.equal(rows(x, 0, 37), x, 'the whole tensor is itself');
    tf.dispose([x, x4, i32]);
  });

  it('lossless column groups: small differential weights leave the high slices exact, so auto reads only the low ones bit-serially', () => {
    const params: CrossbarParams = {
      ...BASE,
      weightBits: 16,
      inputBits: 8,
      adcBits: 5,
      adcRange: 'calibrated',
      encoding: 'differential',
      rows: 64,
    };
    const rng = new Rng_(4);
    const K = 100;
    const N = 7;
    const M = 9;
    const w = randomMatrix(rng, K * N, -0.01, 0.01); // |q| < 328: slices 5–7 (bits 10–15) hold only zeros
    const x = randomMatrix(rng, M * K, 0, 255, true);
    const xb = new CrossbarLayer(K, N, params, 8);
    xb.program(tf.tensor2d(w, [K, N]));
    xb.calibrate(tf.tensor2d(x, [M, K]), false);
    const lossless = xb.losslessGroups();
    for (const g of [5, 6, 7, 13, 14, 15]) assert.ok(lossless[g], `group ${g}`);
    assert.ok(!lossless[0], 'the lowest slice needs more than 5 bits');
    assert.ok(!xb.lossless);
    const a = xb.integerForward(tf.tensor2d(x, [M, K]), { signed: false, noise: false, path: 'auto' }).dataSync();
    const b = xb.integerForward(tf.tensor2d(x, [M, K]), { signed: false, noise: false, path: 'bitserial' }).dataSync();
    const scale = Math.max(...Array.from(b, Math.abs));
    assert.ok(maxAbsDiff(a, b) <= 1e-6 * scale, `${maxAbsDiff(a, b)} of ${scale}`);
    xb.dispose();
  });

  it('noise bandwidth from the design: Δf = min(clock, ADC rate) / 2, so a slower clock reads quieter', () => {
    assert.equal(readNoiseBandwidth(1.2e9, 1.28e9), 6e8);
    assert.equal(readNoiseBandwidth(0.6e9, 1.28e9), 3e8);
    assert.equal(readNoiseBandwidth(2e9, 1.28e9), 6.4e8);
    const p = { ...BASE, temperatureK: 350 };
    const fast = new CrossbarLayer(64, 4, { ...p, bandwidthHz: readNoiseBandwidth(1.2e9, 1.28e9) }, 1);
    const slow = new CrossbarLayer(64, 4, { ...p, bandwidthHz: readNoiseBandwidth(0.6e9, 1.28e9) }, 1);
    for (const xb of [fast, slow]) xb.program(tf.zeros([64, 4]) as tf.Tensor2D);
    assert.ok(Math.abs(fast.columnSigma()[0]! / slow.columnSigma()[0]! - Math.SQRT2) < 1e-5);
    fast.dispose();
    slow.dispose();
  });

  it('static spread is drawn once per cell and persists across rewrites; write noise is redrawn at each write', () => {
    const K = 64;
    const N = 32;
    const rng = new Rng_(6);
    const w1 = tf.tensor2d(randomMatrix(rng, K * N, -1, 1), [K, N]);
    const w2 = tf.tensor2d(randomMatrix(rng, K * N, -1, 1), [K, N]);
    const readBack = (
      p: Partial<CrossbarParams>,
    ): { first: Float32Array; again: Float32Array; ideal: Float32Array } => {
      const xb = new CrossbarLayer(K, N, { ...BASE, ...p }, 3);
      xb.program(w1);
      const first = xb.integerWeights().dataSync() as Float32Array;
      xb.program(w2);
      xb.program(w1);
      const again = xb.integerWeights().dataSync() as Float32Array;
      const ideal = xb.quantizeWeights(w1).dataSync() as Float32Array;
      xb.dispose();
      return { first, again, ideal };
    };
    const spread = readBack({ spread: 0.05 });
    assert.ok(maxAbsDiff(spread.first, spread.ideal) > 0);
    assert.equal(maxAbsDiff(spread.first, spread.again), 0);
    const noise = readBack({ writeNoise: 0.05 });
    assert.ok(maxAbsDiff(noise.first, noise.ideal) > 0);
    assert.ok(maxAbsDiff(noise.first, noise.again) > 0);
    // Spread σ: 2-bit weights on one 2-bit cell at level 3 (unflipped) ⇒ q_eff − q = (3 + G_off/ΔG)·δ.
    const xb = new CrossbarLayer(128, 50, { ...BASE, weightBits: 2, spread: 0.05, flipEncoding: false }, 12);
    xb.program(tf.fill([128, 50], 0.9) as tf.Tensor2D);
    const q = Array.from(xb.integerWeights().dataSync());
    const mean = q.reduce((a, b) => a + b, 0) / q.length;
    const sd = Math.sqrt(q.reduce((a, b) => a + (b - mean) ** 2, 0) / q.length);
    const expected = 0.05 * (3 + BASE.gOff / ((BASE.gOn - BASE.gOff) / 3));
    assert.ok(Math.abs(sd - expected) / expected < 0.1, `sd ${sd} vs ${expected}`);
    xb.dispose();
  });
});

describe('numerics: static fixed point', () => {
  before(() => initTf());

  it('a binary point per layer: round(x·2^frac), saturated; the point fits the largest magnitude recorded', async () => {
    const { ops } = await import('@pim/runtime/train');
    const y = ops.staticFixedPoint(tf.tensor1d([0.3, -1.7, 5, 0.1]), 4, 2).dataSync();
    assert.deepEqual(Array.from(y), [0.25, -1.75, 1.75, 0]); // 1.2 → 1, −6.8 → −7, 20 → 7 (saturated), 0.4 → 0
    assert.equal(ops.StaticFormat.fracFor(16, 3.2), 13); // 3.2 < 2^2: 2 integer bits, 13 fraction bits
    assert.equal(ops.StaticFormat.fracFor(8, 0.2), 9); // small values get more fraction bits than word bits
    const f = new ops.StaticFormat(8);
    f.recording = true;
    f.apply(tf.tensor1d([0.5, -3]), 'act');
    f.apply(tf.tensor1d([0.01, -0.02]), 'grad');
    f.recording = false;
    f.fix();
    assert.equal(f.act, 5);
    assert.equal(f.grad, 12);
    // A value far below the format's LSB underflows to zero: the static format's failure mode.
    assert.deepEqual(Array.from(f.apply(tf.tensor1d([0.01, 4]), 'act').dataSync()), [0, 3.96875]);
  });
});

describe('numerics: approximate lossy path and Â on crossbars', () => {
  before(() => initTf());

  it('approximate path: its tensors at their peak hold a few times the input, not one copy per input chunk', async () => {
    // A Citeseer GCN's first layer (3,327 × 3,703 features, 16 chunks) once took a 4 GB wasm heap an epoch:
    // the approximate path made every chunk's plane of the input, and their temporaries, at once.
    const params: CrossbarParams = { ...BASE, weightBits: 8, inputBits: 8, adcBits: 4, rows: 64 };
    const rng = new Rng_(32);
    const [M, K, N] = [512, 256, 4];
    const xb = new CrossbarLayer(K, N, params, 5);
    xb.program(tf.tensor2d(randomMatrix(rng, K * N, -1, 1), [K, N]));
    const x = tf.tensor2d(randomMatrix(rng, M * K, 0, 255, true), [M, K]);
    xb.calibrate(rows(x, 0, 64), false);
    const held = tf.memory().numBytes;
    const profile = await tf.profile(() => xb.integerForward(x, { signed: false, noise: false, path: 'approx' }));
    (profile.result as tf.Tensor).dispose();
    // Beyond what was held before: 8 input chunks' planes alone would be 8 inputs, 31 with their temporaries.
    const peak = (profile.peakBytes - held) / (4 * M * K);
    assert.ok(peak < 5, `peak ${peak.toFixed(1)}× the input`);
    x.dispose();
    xb.dispose();
  });

  it('approximate path: the ADC error has the mean and spread of the exact bit-serial conversions', () => {
    const params: CrossbarParams = { ...BASE, weightBits: 8, inputBits: 8, adcBits: 4, rows: 64 };
    const rng = new Rng_(31);
    const K = 100;
    const N = 6;
    const M = 400;
    const w = randomMatrix(rng, K * N, -1, 1);
    const x = Float32Array.from({ length: M * K }, () => (rng.next() < 0.6 ? 0 : Math.floor(rng.next() * 256)));
    const xb = new CrossbarLayer(K, N, params, 5);
    xb.program(tf.tensor2d(w, [K, N]));
    const xt = tf.tensor2d(x, [M, K]);
    xb.calibrate(xt, false);
    const exact = integerMvm(x, xb.integerWeights().dataSync(), M, K, N);
    const stats = (path: 'bitserial' | 'approx'): { mean: number; sd: number } => {
      const y = xb.integerForward(xt, { signed: false, noise: false, path }).dataSync();
      const e = Array.from(y, (v, i) => v - exact[i]!);
      const mean = e.reduce((a, b) => a + b, 0) / e.length;
      return { mean, sd: Math.sqrt(e.reduce((a, b) => a + (b - mean) ** 2, 0) / e.length) };
    };
    const serial = stats('bitserial');
    const approx = stats('approx');
    assert.ok(serial.sd > 0, 'the 4-bit ADC loses bits');
    assert.ok(Math.abs(approx.sd - serial.sd) / serial.sd < 0.35, `σ ${approx.sd} vs ${serial.sd}`);
    assert.ok(Math.abs(approx.mean - serial.mean) < 0.35 * serial.sd, `mean ${approx.mean} vs ${serial.mean}`);
    xb.dispose();
  });

  it('Â on crossbars: one binary cell per entry of A + I, D^−½ applied digitally; a stuck cell drops an edge or adds one of the same weight', async () => {
    const { AdjacencyCrossbar } = await import('@pim/runtime/train');
    // Â of a 3-node path graph with self loops: degrees of A + I 2, 3, 2, so D^−½ = 1/√2, 1/√3, 1/√2.
    const s6 = 1 / Math.sqrt(6);
    const adj = {
      n: 3,
      rowPtr: Int32Array.from([0, 2, 5, 7]),
      cols: Int32Array.from([0, 1, 0, 1, 2, 1, 2]),
      vals: Float32Array.from([0.5, s6, s6, 1 / 3, s6, s6, 0.5]),
    };
    const p = { ...IDEAL_CROSSBAR, block: 2, skipZeroBlocks: true, reorder: 'none' as const };
    const ideal = new AdjacencyCrossbar(adj, p, 1);
    // Every entry is one cell at G_on (1 edge); the chip computes Â once D^−½ scales the features and the sums.
    assert.deepEqual(Array.from(ideal.cells.vals), [1, 1, 1, 1, 1, 1, 1]);
    const eff = ideal.effective();
    assert.deepEqual(Array.from(eff.cols), Array.from(adj.cols));
    eff.vals.forEach((v, e) => assert.ok(Math.abs(v - adj.vals[e]!) < 1e-6, `entry ${e}: ${v}`));
    assert.equal(ideal.storedBlocks, 4); // 2×2 blocks: every one holds an entry ((1,2), (2,1), (2,2) in the corners)
    // Every cell stuck at G_off: no edge is left.
    assert.equal(new AdjacencyCrossbar(adj, { ...p, stuckAtZero: 1 }, 1).cells.vals.length, 0);
    // Every cell stuck at G_on: each of the 9 places of the stored blocks is an edge, of the weight
    // D_i^−½·D_k^−½ a real edge there would have (not a multiple of Â's largest entry).
    const d = [Math.SQRT1_2, 1 / Math.sqrt(3), Math.SQRT1_2];
    const all = new AdjacencyCrossbar(adj, { ...p, stuckAtOne: 1 }, 1).effective();
    const dense = Array.from({ length: 9 }, () => 0);
    for (let i = 0; i < 3; i++)
      for (let e = all.rowPtr[i]!; e < all.rowPtr[i + 1]!; e++) dense[i * 3 + all.cols[e]!]! += all.vals[e]!;
    dense.forEach((v, x) => assert.ok(Math.abs(v - d[Math.floor(x / 3)]! * d[x % 3]!) < 1e-6, `(${x}): ${v}`));
    assert.equal(ideal.noiseStd, undefined);
  });

  it("Â on crossbars: DropEdge rewrites the mapped graph's blocks, whose stuck cells stay where they are", async () => {
    const { AdjacencyCrossbar, adjacencyLayout } = await import('@pim/runtime/train');
    // Â of a path 0–1–2–3 (degrees of A + I 2, 3, 3, 2), and of the path with DropEdge's cut of 1–2.
    const path = (edges: [number, number][]) => {
      const deg = [1, 1, 1, 1];
      for (const [a, b] of edges) (deg[a]!++, deg[b]!++);
      const entries = [0, 1, 2, 3].map((i) => [
        [i, i],
        ...edges.flatMap(([a, b]) => (a === i ? [[i, b]] : b === i ? [[i, a]] : [])),
      ]);
      const rowPtr = Int32Array.from([0, ...entries.map((_, i) => entries.slice(0, i + 1).flat().length)]);
      const flat = entries.flat();
      return {
        n: 4,
        rowPtr,
        cols: Int32Array.from(flat, ([, k]) => k!),
        vals: Float32Array.from(flat, ([i, k]) => 1 / Math.sqrt(deg[i!]! * deg[k!]!)),
      };
    };
    const full = path([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    const dropped = path([
      [0, 1],
      [2, 3],
    ]);
    const p = { ...IDEAL_CROSSBAR, block: 2, skipZeroBlocks: true, reorder: 'none' as const, stuckAtOne: 0.4 };
    const layout = adjacencyLayout(full, p);
    // The cut edge's blocks (0,1) and (1,0) hold no edge of the dropped graph, but the chip still stores them.
    assert.equal(adjacencyLayout(dropped, p).blocks.length, 2);
    assert.equal(layout.blocks.length, 4);
    const places = (a: { rowPtr: Int32Array; cols: Int32Array }, edges: { rowPtr: Int32Array; cols: Int32Array }) => {
      const out: string[] = [];
      for (let i = 0; i < 4; i++)
        for (let e = a.rowPtr[i]!; e < a.rowPtr[i + 1]!; e++) {
          const k = a.cols[e]!;
          if (!edges.cols.subarray(edges.rowPtr[i]!, edges.rowPtr[i + 1]!).includes(k)) out.push(`${i},${k}`);
        }
      return out.sort();
    };
    // Spurious edges: the stuck-at-one cells where each graph has no edge. Those of the full graph are the
    // dropped graph's too (its zero places are a superset), plus any on the cut edge's two places.
    const before = places(new AdjacencyCrossbar(full, p, 9, layout).cells, full);
    const after = places(new AdjacencyCrossbar(dropped, p, 9, layout).cells, dropped);
    assert.ok(before.length > 0, 'some cell is stuck at G_on');
    assert.deepEqual(
      after.filter((x) => x !== '1,2' && x !== '2,1'),
      before,
    );
  });
});

describe('numerics: why offset encoding needs the full ADC resolution', () => {
  before(() => initTf());

  it('a small negative weight fills every slice of offset encoding, and no slice above its bits of differential', () => {
    const digits = (enc: 'offset' | 'differential', q: number): number[] => {
      const e = cellEncoding(enc, 16, 2);
      const out = new Int32Array(e.groups);
      e.digits(q, out);
      return Array.from(out);
    };
    // Offset: u = q + 2^15 in base 4, low slice first. 5 + 32768 = 2·4^7 + 5; −5 + 32768 = 4^7 + (4^7 − 5),
    // and 4^7 − 5 is seven 3s less 4: the complement lights every slice up.
    assert.deepEqual(digits('offset', 5), [1, 1, 0, 0, 0, 0, 0, 2]);
    assert.deepEqual(digits('offset', -5), [3, 2, 3, 3, 3, 3, 3, 1]);
    // Differential: |q| = 5 = (1, 1) in base 4 on the G− cells (the last 8 groups), every other cell at 0.
    assert.deepEqual(digits('differential', -5), [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('6-bit calibrated ADC: offset errs in every slice (its sums are dense), differential converts nearly exactly', () => {
    const K = 256;
    const N = 16;
    const rng = new Rng_(7);
    // Weights at 1/16 of the range (trained weights sit far inside 8× the Glorot bound); half-sparse inputs.
    const w = tf.tensor2d(randomMatrix(rng, K * N, -1 / 16, 1 / 16), [K, N]);
    const x = tf.tensor2d(
      Float32Array.from({ length: 16 * K }, () => (rng.next() < 0.5 ? 0 : rng.next())),
      [16, K],
    );
    const params: CrossbarParams = { ...BASE, weightBits: 16, inputBits: 16, adcBits: 6, adcRange: 'calibrated' };
    const error = (p: CrossbarParams): { rel: number; ranges: number[]; G: number } => {
      const exact = new CrossbarLayer(K, N, { ...p, adcBits: Infinity, adcRange: 'worst_case' }, 1);
      const lossy = new CrossbarLayer(K, N, p, 1);
      exact.program(w);
      lossy.program(w);
      const y = exact.forward(x, { noise: false, path: 'bitserial' });
      const z = lossy.forward(x, { noise: false, path: 'bitserial', calibrate: {} });
      const rel = tf.tidy(() => tf.norm(tf.sub(z, y)).dataSync()[0]! / tf.norm(y).dataSync()[0]!);
      const out = { rel, ranges: lossy.ranges!.slice(), G: lossy.groups };
      tf.dispose([y, z]);
      exact.dispose();
      lossy.dispose();
      return out;
    };
    const offset = error(params);
    const diff = error({ ...params, encoding: 'differential' });
    const clipped = error({ ...params, adcPercentile: 0.999 });
    tf.dispose([w, x]);
    // Offset: every slice (even the top one, weighted 4^7) has sums past the 63 codes, so its LSB exceeds one
    // unit there; differential's top slices hold zeros and convert exactly.
    const top = (r: { ranges: number[]; G: number }, g: number): number =>
      Math.max(...r.ranges.filter((_, i) => i % r.G === g));
    assert.ok(top(offset, 7) > 63, `offset's top slice range ${top(offset, 7)}`);
    assert.equal(top(diff, 7), 0);
    assert.equal(top(diff, 15), 0);
    assert.ok(offset.rel > 0.05, `offset relative error ${offset.rel}`);
    assert.ok(diff.rel < offset.rel / 20, `differential ${diff.rel} vs offset ${offset.rel}`);
    // Clipping the rare largest sums (99.9th percentile) does not rescue offset: the sums are dense, not rare.
    assert.ok(clipped.rel > 0.05, `offset at the 99.9th percentile ${clipped.rel}`);
  });
});
