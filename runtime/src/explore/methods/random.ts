// Random search: designs drawn uniformly, without repetition, until the budget ends.
import type { Session } from '../session.js';

export async function runRandom(s: Session): Promise<void> {
  const tried = new Set<string>();
  const cost = s.costOf(s.p.fullEpochs);
  while (s.remaining + 1e-9 >= cost && tried.size < s.p.space.size) {
    const pt = s.p.space.random(s.rng);
    const k = s.p.space.key(pt);
    if (tried.has(k)) continue;
    tried.add(k);
    await s.evaluate(pt);
  }
}
