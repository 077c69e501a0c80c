// The GPU partition as a roofline: a layer takes max(FLOPs / peak, bytes / bandwidth) on all the GPU's
// cores together, in 32-bit float, at the cores' full power while it runs.
import type { IrGpu, IrLayer } from '@pim/ir';

export interface GpuCost {
  flops: number;
  bytes: number;
  compute_s: number;
  memory_s: number;
  time_s: number;
  bound: 'compute' | 'memory';
  energy_j: number;
}

const FLOAT_BYTES = 4;

const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/**
 * FLOPs per sample. Inference batchnorm is folded to one multiply-add per element (2 FLOPs); in training
 * the forward pass computes mean, variance, normalization and scale-shift (≈ 8 FLOPs per element) and the
 * backward pass ≈ 12 (Ioffe & Szegedy's gradient formulas). Weight layers do 2 FLOPs per MAC.
 */
export function layerFlops(layer: IrLayer, phase: 'inference' | 'forward' | 'backward'): number {
  const outEl = prod(layer.output_shape);
  const inEl = prod(layer.input_shape);
  if (layer.weights) return phase === 'backward' ? 4 * layer.macs : 2 * layer.macs;
  switch (layer.kind) {
    case 'batchnorm':
      return (phase === 'inference' ? 2 : phase === 'forward' ? 8 : 12) * outEl;
    case 'maxpool':
    case 'avgpool':
      return inEl;
    case 'flatten':
    case 'dropout':
      return 0;
    default:
      return outEl;
  }
}

/** Bytes the layer moves through GPU memory: input and output activations and its parameters (fp32). */
export function layerBytes(layer: IrLayer, phase: 'inference' | 'forward' | 'backward'): number {
  // A reshape moves nothing.
  if (layer.kind === 'flatten') return 0;
  const act = (prod(layer.input_shape) + prod(layer.output_shape)) * FLOAT_BYTES;
  const params = layer.params * FLOAT_BYTES;
  // Backward reads the output gradient and the saved input, writes the input gradient and parameter gradients.
  return phase === 'backward' ? 2 * act + 2 * params : act + params;
}

export function gpuCost(
  gpu: IrGpu,
  layer: IrLayer,
  phase: 'inference' | 'forward' | 'backward' = 'inference',
): GpuCost {
  const flops = layerFlops(layer, phase);
  const bytes = layerBytes(layer, phase);
  const compute = flops / (gpu.peak_flops * gpu.count);
  // memory_bandwidth_bps is in bits per second (SI bit), bytes × 8 bits.
  const memory = (bytes * 8) / (gpu.memory_bandwidth_bps * gpu.count);
  const time = Math.max(compute, memory);
  return {
    flops,
    bytes,
    compute_s: compute,
    memory_s: memory,
    time_s: time,
    bound: compute >= memory ? 'compute' : 'memory',
    energy_j: time * gpu.power_w * gpu.count,
  };
}
