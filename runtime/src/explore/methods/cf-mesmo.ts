// CF-MESMO (Belakaria et al. 2020, Algorithm 1): MESMO with training epochs as a
// continuous fidelity. The GP runs over (design, epochs) with a product kernel (epochs scaled to
// [0, 1] over the fidelity range, its own length scale); fronts are sampled at the highest fidelity,
// and the (design, epochs) pair is chosen by information gain per unit cost C(z) = z epochs (eq. 9).
import type { Session } from '../session.js';
import type { Point } from '../space.js';
import { maxValueEntropySearch, type FidelityModel } from './mes.js';

export function continuousFidelity(s: Session): FidelityModel {
  const full = s.p.fullEpochs;
  const lo = s.p.fidelity?.min ?? full;
  const levels: number[] = [];
  for (let z = lo; z <= full; z++) levels.push(z);
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
