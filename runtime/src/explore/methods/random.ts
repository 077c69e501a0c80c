// Random search: designs drawn uniformly, without repetition, until the budget ends. The draws do not
// depend on the results, so the next `batch` designs are in flight at once and the run is the same
// for every batch size.
import type { Session } from '../session.js';

export async function runRandom(s: Session): Promise<void> {
  await s.stream(draws(s));
}

function* draws(s: Session): Generator<{ point: number[] }> {
  const tried = new Set<string>();
  const cost = s.costOf(s.p.fullEpochs);
  while (s.remaining + 1e-9 >= cost && tried.size < s.p.space.size) {
    const pt = s.p.space.random(s.rng);
    const k = s.p.space.key(pt);
    if (tried.has(k)) continue;
    tried.add(k);
    yield { point: pt };
  }
}
