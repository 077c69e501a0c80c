// The trainer's custom-gradient ops. tfjs-wasm lacks Conv2DBackpropFilter, so conv gets a filter gradient
// computed as a forward conv; crossbar layers run the numerics in ONE customGrad each with a straight-through
// backward on the effective (stored) weights — recording the numerics op by op would cost 3× the time and
// the wasm heap.

import type { AdjacencyCrossbar, Csr } from '../numerics/adjacency.js';
import type { CalibrationPass, CrossbarLayer, MvmPath } from '../numerics/crossbar.js';
import { fixedPointScale } from '../numerics/encoding.js';
import type { NormalPool } from '../numerics/normal-pool.js';

export type { Csr };
import { tf } from '../numerics/tf.js';

export interface ConvGeometry {
  stride: number;
  pad: number;
}

/** tf.customGrad with the argument typing its overloads lack. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function customGrad(
  f: (...args: any[]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] },
): (...xs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    ...xs: tf.Tensor[]
  ) => tf.Tensor;
}

function padOf(pad: number): 'valid' | number {
  return pad === 0 ? 'valid' : pad;
}

/**
 * Filter gradient [kh, kw, cin, cout] of a conv as a forward conv: correlate the (padded) input, batch moved
 * into channels, with the output gradient as the filter; stride becomes dilation. (An im2col from strided
 * slices is 10–20× slower on wasm: 4-D slices and channel concats are slow kernels there.)
 */
export function convFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kh: number, kw: number, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const xp =
      g.pad > 0
        ? tf.pad(x, [
            [0, 0],
            [g.pad, g.pad],
            [g.pad, g.pad],
            [0, 0],
          ])
        : x;
    // Trim input rows/cols the strided forward never reached, so the result is exactly kh × kw.
    const [, ho, wo] = dy.shape;
    const needH = (ho - 1) * g.stride + kh;
    const needW = (wo - 1) * g.stride + kw;
    const xt = tf.transpose(tf.slice(xp, [0, 0, 0, 0], [-1, needH, needW, -1]), [3, 1, 2, 0]); // [cin, H, W, B]
    const f = tf.transpose(dy, [1, 2, 0, 3]); // [ho, wo, B, cout]
    const r = tf.conv2d(xt as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid', 'NHWC', g.stride); // [cin, kh, kw, cout]
    return tf.transpose(r, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** Input gradient of a conv. */
export function convInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: [number, number, number, number],
  g: ConvGeometry,
): tf.Tensor4D {
  return tf.conv2dTranspose(dy, filter, xShape, g.stride, padOf(g.pad));
}

/** An fp32 conv with the forward-conv filter gradient (what the GPU partition and the ideal numerics use). */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry, needDx = true): tf.Tensor4D {
  const op = customGrad((xi: tf.Tensor, fi: tf.Tensor, save: tf.GradSaveFunc) => {
    const xx = xi as tf.Tensor4D;
    const ff = fi as tf.Tensor4D;
    save([xx, ff]);
    return {
      value: tf.conv2d(xx, ff, g.stride, padOf(g.pad)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sf] = saved as [tf.Tensor4D, tf.Tensor4D];
        const d = dy as tf.Tensor4D;
        // The network's input needs no gradient: zeros instead of a transposed conv.
        return [
          needDx ? convInputGrad(d, sf, sx.shape, g) : tf.zerosLike(sx),
          convFilterGrad(sx, d, sf.shape[0], sf.shape[1], g),
        ];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}

/**
 * Symmetric dynamic fixed point: `bits` bits, the scale set by the tensor's largest magnitude. Values far
 * below that magnitude round to zero — the underflow that 16-bit activations and gradients suffer.
 */
export function fixedPoint(x: tf.Tensor, bits: number): tf.Tensor {
  return tf.tidy(() => {
    const qmax = 2 ** (bits - 1) - 1;
    const scale = tf.div(tf.maximum(tf.max(tf.abs(x)), 1e-30), qmax);
    return tf.mul(tf.round(tf.div(x, scale)), scale);
  });
}

/**
 * A static fixed-point format, as fixed-function hardware has it: `bits` bits with a binary point chosen
 * before training (frac = fraction bits), for a layer's activations and for their gradients. While
 * `recording`, values pass through dynamically scaled and their largest magnitudes are kept, from which
 * `fix` sets the binary points.
 */
export class StaticFormat {
  act: number | undefined;
  grad: number | undefined;
  private maxAct = 0;
  private maxGrad = 0;
  recording = false;
  constructor(readonly bits: number) {}

  /** Fraction bits that fit a largest magnitude m: bits − 1 − ⌈log2 m⌉ (m ≤ 2^(bits−1−frac)). */
  static fracFor(bits: number, m: number): number {
    return m > 0 ? bits - 1 - Math.ceil(Math.log2(m)) : bits - 1;
  }

  observe(x: tf.Tensor, kind: 'act' | 'grad'): void {
    const m = tf.tidy(() => tf.max(tf.abs(x))).dataSync()[0]!;
    if (kind === 'act') this.maxAct = Math.max(this.maxAct, m);
    else this.maxGrad = Math.max(this.maxGrad, m);
  }

  fix(): void {
    this.act = StaticFormat.fracFor(this.bits, this.maxAct);
    this.grad = StaticFormat.fracFor(this.bits, this.maxGrad);
  }

  /** x in this format (saturating), or dynamically scaled while recording or before calibration. */
  apply(x: tf.Tensor, kind: 'act' | 'grad'): tf.Tensor {
    const frac = kind === 'act' ? this.act : this.grad;
    if (this.recording || frac === undefined) {
      if (this.recording) this.observe(x, kind);
      return fixedPoint(x, this.bits);
    }
    return staticFixedPoint(x, this.bits, frac);
  }
}

/** x with `frac` fraction bits in a `bits`-bit signed word: round(x·2^frac), saturated to ±(2^(bits−1) − 1). */
export function staticFixedPoint(x: tf.Tensor, bits: number, frac: number): tf.Tensor {
  return tf.tidy(() => {
    const qmax = 2 ** (bits - 1) - 1;
    return tf.mul(tf.clipByValue(tf.round(tf.mul(x, 2 ** frac)), -qmax, qmax), 2 ** -frac);
  });
}

/** Activations and their gradients in a static per-layer format (straight-through). */
export function staticFixedPointSte(x: tf.Tensor, format: StaticFormat): tf.Tensor {
  const op = customGrad((xi: tf.Tensor) => ({
    value: format.apply(xi, 'act'),
    gradFunc: (dy: tf.Tensor) => format.apply(dy, 'grad'),
  }));
  return op(x);
}

/** Activations in fixed point on the way forward, their gradients in fixed point on the way back (straight-through). */
export function fixedPointSte(x: tf.Tensor, bits: number): tf.Tensor {
  const op = customGrad((xi: tf.Tensor) => ({
    value: fixedPoint(xi, bits),
    gradFunc: (dy: tf.Tensor) => fixedPoint(dy, bits),
  }));
  return op(x);
}

/**
 * A crossbar layer (matrix [M, K] → [M, N], or NHWC conv) through the numerics. `w` is the trainer's master
 * weight variable [K, N]: the forward reads the cells (programmed from w after each update), the backward is
 * straight-through — input gradient on the stored weights, weight gradient as for an ideal layer — with the
 * output gradient in `gradBits` fixed point (the ReRAM partition's precision).
 */
export function crossbarOp(
  xb: CrossbarLayer,
  x: tf.Tensor,
  w: tf.Tensor2D,
  opts: {
    noise: boolean;
    gradBits: number;
    gradFormat?: StaticFormat;
    xT?: tf.Tensor2D;
    needDx?: boolean;
    path?: MvmPath;
    calibrate?: CalibrationPass;
  },
): tf.Tensor {
  const needDx = opts.needDx ?? true;
  const k = xb.kernel;
  const op = customGrad((xi: tf.Tensor, _wi: tf.Tensor, save: tf.GradSaveFunc) => {
    save(opts.xT ? [xi, opts.xT] : [xi]);
    return {
      value: xb.forward(xi, { noise: opts.noise, path: opts.path, calibrate: opts.calibrate }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const sx = saved[0]!;
        const sxT = saved[1] as tf.Tensor2D | undefined;
        const dq = opts.gradFormat ? opts.gradFormat.apply(dy, 'grad') : fixedPoint(dy, opts.gradBits);
        if (!k) {
          const dx = needDx ? tf.matMul(dq as tf.Tensor2D, xb.effectiveWeightsT()) : tf.zerosLike(sx);
          const dw = tf.matMul(sxT ?? tf.transpose(sx as tf.Tensor2D), dq as tf.Tensor2D);
          return [dx, dw];
        }
        const filter = tf.reshape(xb.effectiveWeights(), [k.kh, k.kw, k.cin, xb.N]) as tf.Tensor4D;
        const g = { stride: k.stride, pad: k.pad };
        const dx = needDx ? convInputGrad(dq as tf.Tensor4D, filter, (sx as tf.Tensor4D).shape, g) : tf.zerosLike(sx);
        const dw = tf.reshape(convFilterGrad(sx as tf.Tensor4D, dq as tf.Tensor4D, k.kh, k.kw, g), [xb.K, xb.N]);
        return [dx, dw];
      },
    };
  });
  return op(x, w);
}

/**
 * x·w with explicit transposes in the backward (wasm's transposed matmul is an order of magnitude slower than
 * a transpose plus a plain matmul); `xT` is x's transpose when the caller has it cached.
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, xT?: tf.Tensor2D): tf.Tensor2D {
  const op = customGrad((xi: tf.Tensor, wi: tf.Tensor, save: tf.GradSaveFunc) => {
    // Saved, not captured: tensors of the forward that are not saved are disposed before the backward runs.
    save(xT ? [xi, wi, xT] : [xi, wi]);
    return {
      value: tf.matMul(xi as tf.Tensor2D, wi as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sxT] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
        return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sw)), tf.matMul(sxT ?? tf.transpose(sx), dy as tf.Tensor2D)];
      },
    };
  });
  return op(x, w) as tf.Tensor2D;
}

function spmm(a: Csr, h: Float32Array, f: number): Float32Array {
  const out = new Float32Array(a.n * f);
  for (let i = 0; i < a.n; i++) {
    const o = i * f;
    for (let e = a.rowPtr[i]!; e < a.rowPtr[i + 1]!; e++) {
      const v = a.vals[e]!;
      const r = a.cols[e]! * f;
      for (let c = 0; c < f; c++) out[o + c]! += v * h[r + c]!;
    }
  }
  return out;
}

/**
 * Â·H for a symmetric Â. Sparse products in JS: Cora's Â has 13k non-zeros, so this is far cheaper than a
 * dense 2708² matmul, and tfjs-wasm has no sparse matmul. The gradient is Âᵀ·dY = Â·dY.
 */
export function aggregate(a: Csr, h: tf.Tensor2D): tf.Tensor2D {
  const op = customGrad((hi: tf.Tensor) => {
    const f = hi.shape[1]!;
    return {
      value: tf.tensor2d(spmm(a, hi.dataSync() as Float32Array, f), [a.n, f]),
      gradFunc: (dy: tf.Tensor) => tf.tensor2d(spmm(a, dy.dataSync() as Float32Array, f), [a.n, f]),
    };
  });
  return op(h) as tf.Tensor2D;
}

/**
 * Â·H with Â on crossbars (numerics/adjacency.ts): D^−½·H in `input_bits` fixed point (per-call scale) through
 * the cells holding A + I, the sums scaled by D^−½, and per-node thermal noise when `noise`; the backward is
 * straight-through on the stored cells (dH = D^−½·cellsᵀ·D^−½·dY).
 */
export function crossbarAggregate(
  xa: AdjacencyCrossbar,
  h: tf.Tensor2D,
  noise: boolean,
  pool: NormalPool,
): tf.Tensor2D {
  const { dinv } = xa;
  const n = xa.cells.n;
  /** Each row i of a [n, f] array times D_i^−½, in place. */
  const scaleRows = (a: Float32Array, f: number): Float32Array => {
    for (let i = 0; i < n; i++) for (let c = i * f; c < (i + 1) * f; c++) a[c]! *= dinv[i]!;
    return a;
  };
  const op = customGrad((hi: tf.Tensor) => {
    const f = hi.shape[1]!;
    const a = scaleRows(Float32Array.from(hi.dataSync() as Float32Array), f);
    let lo = 0;
    let hiMax = 0;
    for (const v of a) {
      if (v < lo) lo = v;
      if (v > hiMax) hiMax = v;
    }
    const { signed, sx } = fixedPointScale(lo, hiMax, xa.params.inputBits);
    const hq = Float32Array.from(a, (v) => Math.round(v / sx));
    const y = spmm(xa.cells, hq, f);
    for (let i = 0; i < y.length; i++) y[i]! *= sx;
    let value = tf.tensor2d(scaleRows(y, f), [n, f]);
    if (noise && xa.noiseStd) {
      const perNode = signed ? xa.noiseStd.signed : xa.noiseStd.unsigned;
      const std = tf.tensor2d(
        Float32Array.from(perNode, (v, i) => v * sx * dinv[i]!),
        [n, 1],
      );
      value = tf.add(value, tf.mul(pool.take([n, f]), std)) as tf.Tensor2D;
    }
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const g = scaleRows(Float32Array.from(dy.dataSync() as Float32Array), f);
        return tf.tensor2d(scaleRows(spmm(xa.cellsT, g, f), f), [n, f]);
      },
    };
  });
  return op(h) as tf.Tensor2D;
}
