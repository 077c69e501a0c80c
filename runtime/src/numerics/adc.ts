// The column ADC's range and resolution, as the hardware sets them.
//
// Units: one ADC unit is one conductance level step times one DAC step (the periphery removes the G_off
// baseline), so an ideal partial sum is an integer.
// - worst_case: the full scale covers the largest possible column sum rows·(2^d−1)·(2^c−1) (halved by
//   ISAAC's column flip). `bits` short of the bits that range needs ⇒ the LSB grows to 2^(needed − bits).
// - calibrated: the full scale R is set from the partial sums seen on calibration data (a percentile of
//   their distribution, per column group: aihwkit's `out_bound`, NeuroSim's calibrated levels), with
//   LSB = max(1, R/(2^bits − 1)) — an LSB finer than one unit would resolve nothing more — and sums above
//   the top code clip to it.
// A conversion rounds half up to the LSB grid and clips to [0, (2^bits − 1)·LSB].

export type AdcRangeMode = 'worst_case' | 'calibrated';

export const ADC_RANGE_MODES: readonly AdcRangeMode[] = ['worst_case', 'calibrated'];

/** The largest column sum a crossbar can produce, in ADC units. */
export function worstCaseSum(rows: number, dacBits: number, bitsPerCell: number, flip: boolean): number {
  return Math.floor((rows * (2 ** dacBits - 1) * (2 ** bitsPerCell - 1)) / (flip ? 2 : 1));
}

/**
 * ADC bits for an exact column sum: the largest partial sum is rows·(2^d−1)·(2^c−1); ISAAC's column-flip
 * encoding (store a column's complement when its digits sum past half) halves it, saving a bit.
 */
export function adcBitsNeeded(rows: number, dacBits: number, bitsPerCell: number, flip: boolean): number {
  return Math.ceil(Math.log2(worstCaseSum(rows, dacBits, bitsPerCell, flip) + 1));
}

/** One ADC setting: the grid step and the top code, in ADC units. */
export interface AdcScale {
  lsb: number;
  codeMax: number;
}

/** The worst-case scale: lossless (LSB 1, no clip) when `bits` suffice, else LSBs dropped. */
export function worstCaseScale(bits: number, needed: number): AdcScale {
  if (!(bits < needed)) return { lsb: 1, codeMax: Infinity };
  const lsb = 2 ** (needed - bits);
  return { lsb, codeMax: (2 ** bits - 1) * lsb };
}

/** The scale of a calibrated full scale `range` (ADC units). */
export function calibratedScale(bits: number, range: number): AdcScale {
  if (!Number.isFinite(bits)) return { lsb: 1, codeMax: Infinity };
  const codes = 2 ** bits - 1;
  const lsb = Math.max(1, range / codes);
  return { lsb, codeMax: codes * lsb };
}

/** One conversion: round half up to the grid, clip to the codes. */
export function convert(sum: number, s: AdcScale): number {
  const code = Math.floor(sum / s.lsb + 0.5) * s.lsb;
  return code < 0 ? 0 : code > s.codeMax ? s.codeMax : code;
}

/**
 * Histogram of non-negative partial sums (rounded to whole units), grown as sums arrive; `percentile` reads
 * the smallest sum that at least a fraction p of the samples do not exceed.
 */
export class SumHistogram {
  private counts = new Float64Array(64);
  total = 0;

  add(
    values: ArrayLike<number>,
    start = 0,
    stride = 1,
    count = Math.floor((values.length - start + stride - 1) / stride),
  ): void {
    for (let i = 0, at = start; i < count; i++, at += stride) {
      const v = values[at]!;
      const b = v > 0 ? Math.round(v) : 0;
      if (b >= this.counts.length) {
        const grown = new Float64Array(Math.max(b + 1, 2 * this.counts.length));
        grown.set(this.counts);
        this.counts = grown;
      }
      this.counts[b]!++;
    }
    this.total += count;
  }

  percentile(p: number): number {
    if (this.total === 0) return 0;
    const target = p * this.total;
    let acc = 0;
    for (let b = 0; b < this.counts.length; b++) {
      acc += this.counts[b]!;
      if (acc >= target) return b;
    }
    return this.counts.length - 1;
  }

  /** Calls f with every non-empty bin: the whole-unit sum and how many samples fell on it. */
  forEachBin(f: (sum: number, count: number) => void): void {
    for (let b = 0; b < this.counts.length; b++) if (this.counts[b]! > 0) f(b, this.counts[b]!);
  }

  max(): number {
    for (let b = this.counts.length - 1; b >= 0; b--) if (this.counts[b]! > 0) return b;
    return 0;
  }
}
