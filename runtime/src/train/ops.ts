// The trainer's custom-gradient ops. tfjs-wasm lacks Conv2DBackpropFilter, so conv gets a filter gradient
// computed as a forward conv; crossbar layers run the numerics in ONE customGrad each with a straight-through
// backward on the effective (stored) weights — recording the numerics op by op would cost 3× the time and
// the wasm heap.

import type { CrossbarLayer, MvmPath } from '../numerics/crossbar.js';
import { tf } from '../numerics/tf.js';

export interface ConvGeometry {
  stride: number;
  pad: number;
}

/** tf.customGrad with the argument typing its overloads lack. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function customGrad(f: (...args: any[]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] }): (...xs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...xs: tf.Tensor[]) => tf.Tensor;
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
    const xp = g.pad > 0 ? tf.pad(x, [[0, 0], [g.pad, g.pad], [g.pad, g.pad], [0, 0]]) : x;
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
export function convInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: [number, number, number, number], g: ConvGeometry): tf.Tensor4D {
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
        return [needDx ? convInputGrad(d, sf, sx.shape, g) : tf.zerosLike(sx), convFilterGrad(sx, d, sf.shape[0], sf.shape[1], g)];
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
export function crossbarOp(xb: CrossbarLayer, x: tf.Tensor, w: tf.Tensor2D, opts: { noise: boolean; gradBits: number; xT?: tf.Tensor2D; needDx?: boolean; path?: MvmPath; calibrate?: boolean }): tf.Tensor {
  const needDx = opts.needDx ?? true;
  const k = xb.kernel;
  const op = customGrad((xi: tf.Tensor, _wi: tf.Tensor, save: tf.GradSaveFunc) => {
    save(opts.xT ? [xi, opts.xT] : [xi]);
    return {
      value: xb.forward(xi, { noise: opts.noise, path: opts.path, calibrate: opts.calibrate }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const sx = saved[0]!;
        const sxT = saved[1] as tf.Tensor2D | undefined;
        const dq = fixedPoint(dy, opts.gradBits);
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

/** A sparse symmetric matrix in CSR (the GCN's normalized adjacency Â). */
export interface Csr {
  n: number;
  rowPtr: Int32Array;
  cols: Int32Array;
  vals: Float32Array;
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
