// Grid search: every design in odometer order (the last `vary` fastest) until the budget ends; the
// next `batch` designs are in flight at once.
import type { Session } from '../session.js';

export async function runGrid(s: Session): Promise<void> {
  await s.stream(designs(s));
}

function* designs(s: Session): Generator<{ point: number[] }> {
  for (const pt of s.p.space.points()) {
    if (s.remaining + 1e-9 < s.costOf(s.p.fullEpochs)) break;
    yield { point: pt };
  }
}
