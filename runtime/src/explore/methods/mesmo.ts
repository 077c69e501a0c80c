// MESMO (Belakaria et al., NeurIPS 2019): max-value entropy search with a GP on accuracy over the
// designs, every evaluation at full fidelity.
import type { Session } from '../session.js';
import { maxValueEntropySearch, type FidelityModel } from './mes.js';

export function singleFidelity(s: Session): FidelityModel {
  const full = s.p.fullEpochs;
  return { lo: full, full, levels: [full], input: (pt) => s.p.space.features(pt), continuous: false };
}

export async function runMesmo(s: Session): Promise<void> {
  await maxValueEntropySearch(s, singleFidelity(s));
}
