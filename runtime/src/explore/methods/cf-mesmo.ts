// CF-MESMO (Belakaria et al. 2020, Algorithm 1): MESMO with training epochs as a
// continuous fidelity. The GP runs over (design, epochs) with a product kernel (epochs scaled to
// [0, 1] over the fidelity range, its own length scale); fronts are sampled at the highest fidelity,
// and the (design, epochs) pair is chosen by information gain per unit cost C(z) = z epochs (eq. 9).
import type { Session } from '../session.js';
import type { Point } from '../space.js';
import { maxValueEntropySearch, type FidelityModel } from './mes.js';

/**
 * Fidelity levels at most: every whole epoch count from LO to HI up to this many, else this many spread
 * evenly (LO and HI among them). Each run observes every level its curve reaches and each level is a
 * candidate per design, so `epochs in 1 .. 100000` made 10^5 of each a design and ran out of memory.
 */
export const MAX_FIDELITY_LEVELS = 64;

/** The fidelity levels from `lo` to `full` epochs (MAX_FIDELITY_LEVELS). */
export function fidelityLevels(lo: number, full: number): number[] {
  if (full - lo + 1 <= MAX_FIDELITY_LEVELS) return Array.from({ length: full - lo + 1 }, (_, i) => lo + i);
  const step = (full - lo) / (MAX_FIDELITY_LEVELS - 1);
  return [...new Set(Array.from({ length: MAX_FIDELITY_LEVELS }, (_, i) => Math.round(lo + i * step)))];
}

export function continuousFidelity(s: Session): FidelityModel {
  const full = s.p.fullEpochs;
  const lo = s.p.fidelity?.min ?? full;
  const levels = fidelityLevels(lo, full);
  const zFeature = (z: number) => (full > lo ? (z - lo) / (full - lo) : 1);
  return {
    lo,
    full,
    levels,
    input: (pt: Point, z: number) => [...s.p.space.features(pt), zFeature(z)],
    continuous: true,
  };
}

export async function runCfMesmo(s: Session): Promise<void> {
  await maxValueEntropySearch(s, continuousFidelity(s));
}
