import { Rng } from '@pim/runtime/train';

/** The median: the middle value, or the mean of the two middle values of an even count. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * A 95% interval of the median of `xs` by the percentile bootstrap (Efron & Tibshirani 1993, ch. 13):
 * the 2.5th and 97.5th percentiles of the medians of 2000 resamples drawn with replacement, seeded, so
 * the same figures give the same interval. On a shared machine it says how far one bench's median is
 * from being decided.
 */
export function medianInterval(xs: readonly number[], seed = 1): [number, number] {
  const rng = new Rng(seed);
  const medians = Array.from({ length: 2000 }, () => median(xs.map(() => xs[rng.int(xs.length)]!))).sort(
    (a, b) => a - b,
  );
  return [medians[Math.floor(0.025 * medians.length)]!, medians[Math.ceil(0.975 * medians.length) - 1]!];
}
