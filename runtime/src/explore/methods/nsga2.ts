// NSGA-II (Deb et al. 2002): binary tournament on front rank then crowding distance, uniform
// crossover, reset mutation, elitist (μ+λ) survival; accuracy trained at full fidelity. A generation is
// one batch: its children are bred from the parents alone, so all are in flight at once, and the run
// is the same for every batch size and number of workers.
import { crowdingDistance, nonDominatedSort } from '../pareto.js';
import type { Session } from '../session.js';
import type { Evaluation } from '../types.js';

export async function runNsga2(s: Session): Promise<void> {
  const n = Math.max(4, Math.round((s.p.population ?? 12) / 2) * 2);
  const d = s.p.space.parameters.length;
  const sizes = s.p.space.parameters.map((q) => q.values.length);
  const cost = s.costOf(s.p.fullEpochs);
  const afford = () => s.remaining + 1e-9 >= cost;
  // A feasible random design not yet in `taken` (gives up after many draws in a tiny space).
  const fresh = (taken: Set<string>): number[] | undefined => {
    for (let tries = 0; tries < 200; tries++) {
      const pt = s.p.space.random(s.rng);
      if (!taken.has(s.p.space.key(pt)) && s.isFeasible(pt)) return pt;
    }
    return undefined;
  };
  const initial: Promise<Evaluation>[] = [];
  const taken = new Set<string>();
  while (initial.length < n && afford()) {
    const pt = fresh(taken);
    if (!pt) break;
    taken.add(s.p.space.key(pt));
    const t = s.start(pt);
    if (t) initial.push(t.done);
    if (s.blind) await s.arrival();
  }
  let pop = await Promise.all(initial);
  while (afford() && pop.length >= 2) {
    const rank = new Map<Evaluation, number>();
    const crowd = new Map<Evaluation, number>();
    rankAndCrowd(s, pop, rank, crowd);
    const better = (a: Evaluation, b: Evaluation) =>
      rank.get(a)! < rank.get(b)! || (rank.get(a) === rank.get(b) && crowd.get(a)! > crowd.get(b)!);
    const tournament = () => {
      const a = pop[s.rng.int(pop.length)]!;
      const b = pop[s.rng.int(pop.length)]!;
      return better(b, a) ? b : a;
    };
    const bred: Promise<Evaluation>[] = [];
    for (let tries = 0; bred.length < n && afford() && tries < 20 * n; tries++) {
      const pa = tournament().point;
      const pb = tournament().point;
      const child = s.rng.next() < 0.9 ? pa.map((v, k) => (s.rng.next() < 0.5 ? v : pb[k]!)) : [...pa];
      for (let k = 0; k < d; k++) if (s.rng.next() < 1 / d) child[k] = s.rng.int(sizes[k]!);
      if (!s.isFeasible(child)) continue;
      // Only a design evaluated now is a child: one seen before (a repeat is free) would let a
      // converged population breed forever without spending.
      const t = s.start(child);
      if (t?.fresh) bred.push(t.done);
    }
    const children = await Promise.all(bred);
    // Nothing new in 20·n tries: the reachable designs are all evaluated.
    if (children.length === 0) break;
    // Elitist survival: the best n of parents and children by front, then crowding.
    const all = [...pop, ...children];
    rankAndCrowd(s, all, rank, crowd);
    all.sort((a, b) => rank.get(a)! - rank.get(b)! || crowd.get(b)! - crowd.get(a)! || a.index - b.index);
    pop = all.slice(0, n);
  }
}

function rankAndCrowd(
  s: Session,
  pop: Evaluation[],
  rank: Map<Evaluation, number>,
  crowd: Map<Evaluation, number>,
): void {
  const pts = pop.map((e) => s.normalise(e.objectives));
  const fronts = nonDominatedSort(pts);
  fronts.forEach((f, r) => {
    const cd = crowdingDistance(pts, f);
    for (const i of f) {
      rank.set(pop[i]!, r);
      crowd.set(pop[i]!, cd.get(i)!);
    }
  });
}
