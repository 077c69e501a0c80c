// The hardware objectives an exploration can name (compiler OBJECTIVES, except accuracy, which training
// measures), read off a simulation report in SI units.
import type { SimReport } from './types.js';

export interface HardwareObjectives {
  /** Chip area, m². */
  area: number;
  /** Chip power, W. */
  power: number;
  /** Energy per inference, J. */
  energy: number;
  /** One inference through the pipeline, s. */
  latency: number;
  /** Inferences per second. */
  throughput: number;
  /** Energy-delay product per inference, J·s. */
  edp: number;
  /** Hottest point of any chip (the hottest chip's peak) at the simulated throughput, K (architectures with a `thermal` block; else NaN). */
  peak_temperature: number;
}

export function objectivesOf(r: SimReport): HardwareObjectives {
  const s = r.summary;
  return {
    area: s.area_m2,
    power: s.power_w,
    energy: s.energy_per_inference_j,
    latency: s.latency_s,
    throughput: s.throughput_per_s,
    edp: s.energy_per_inference_j * s.latency_s,
    peak_temperature: r.thermal?.peak_k ?? NaN,
  };
}
