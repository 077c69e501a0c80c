// Device physics the numerics need: thermal (Johnson–Nyquist) noise and the bandwidth it is read at.

/** Boltzmann constant, J/K. */
export const K_B = 1.380649e-23;

/** RMS thermal noise current of a conductance G (S) read at temperature T (K) over bandwidth Δf (Hz): √(4·k_B·T·Δf·G). */
export function thermalNoiseCurrent(g: number, temperatureK: number, bandwidthHz: number): number {
  return Math.sqrt(4 * K_B * temperatureK * bandwidthHz * g);
}

/**
 * The level (conductance above G_off, in steps ΔG) a cell programmed to `level` holds under its static
 * spread δ and this write's noise ε: G·(1+δ)·(1+ε) with G = G_off + level·ΔG, so (G_off/ΔG + level)·(1+δ)·(1+ε)
 * − G_off/ΔG; `gOffSteps` is G_off/ΔG. Exactly `level` without either, so ideal reads stay exact.
 */
export function programmedLevel(level: number, gOffSteps: number, delta: number, eps: number): number {
  return delta === 0 && eps === 0 ? level : (gOffSteps + level) * (1 + delta) * (1 + eps) - gOffSteps;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * Variance of round(ε) for ε ~ N(0, σ²): what remains of Gaussian noise after an ADC whose LSB is one
 * unit rounds it. Small noise (σ ≪ 0.5) is rounded away entirely — why coarse cells tolerate heat.
 */
export function roundedGaussianVariance(sigma: number): number {
  if (sigma <= 0) return 0;
  if (sigma > 4) return sigma * sigma + 1 / 12;
  let v = 0;
  const kmax = Math.ceil(8 * sigma + 1);
  for (let k = 1; k <= kmax; k++) {
    const p = normalCdf((k + 0.5) / sigma) - normalCdf((k - 0.5) / sigma);
    v += 2 * k * k * p;
  }
  return v;
}

/**
 * Noise bandwidth of one column read. Each input cycle the rows are driven for one sampling period and the
 * sample-and-hold captures the column at its end; the period is set by the slower of the chip's clock and
 * the ADC's sampling rate, f_s = min(f_clock, f_ADC). Integrating white noise over a window T = 1/f_s and
 * sampling it has an equivalent noise bandwidth of 1/(2T), so Δf = f_s / 2: a faster clock reads noisier.
 */
export function readNoiseBandwidth(clockHz: number, adcRateHz: number): number {
  const rates = [clockHz, adcRateHz].filter((r) => r > 0 && Number.isFinite(r));
  return rates.length ? Math.min(...rates) / 2 : 0;
}
