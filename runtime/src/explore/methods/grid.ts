// Grid search: every design in odometer order (the last `vary` fastest) until the budget ends.
import type { Session } from '../session.js';

export async function runGrid(s: Session): Promise<void> {
  for (const pt of s.p.space.points()) {
    if (s.remaining + 1e-9 < s.costOf(s.p.fullEpochs)) break;
    await s.evaluate(pt);
  }
}
