// Max-value entropy search over the exploration's design pool, the loop MESMO and CF-MESMO share
// (Belakaria et al., NeurIPS 2019 and 2020; the seed's Algorithm 1). A GP models accuracy — over
// designs, or over (design, epochs) under a continuous fidelity — and each step samples Pareto fronts
// at the highest fidelity and evaluates the (design, fidelity) pair with the largest information gain
// per unit cost. The exact hardware objectives carry no uncertainty, so only accuracy's term counts.
// What differs between the two methods is the fidelity (`FidelityModel`, in mesmo.ts / cf-mesmo.ts).
// Batches: each step proposes `batch` pairs one after another; a pair already proposed and not yet
// measured is a fantasy with the kriging believer's value (the GP's posterior mean there, from the
// measured data), so the next pair is chosen as if it were known. With a batch of 1 there is never a
// fantasy and the method is the sequential one.
import { GaussianProcess, normCdf, normPdf, type GpOptions } from '../gp.js';
import { paretoFront } from '../pareto.js';
import type { Session } from '../session.js';
import type { Point } from '../space.js';

/** How a method places fidelity: the epochs it may train for and the GP's input for a (design, epochs). */
export interface FidelityModel {
  /** Lowest and full fidelity, in epochs; `levels` every whole epoch count between them. */
  lo: number;
  full: number;
  levels: number[];
  input(pt: Point, epochs: number): number[];
  gp: GpOptions;
}

/**
 * The entropy reduction of a Gaussian truncated above at y*: γφ(γ)/(2Φ(γ)) − ln Φ(γ), γ = (y* − μ)/σ.
 * Far below 0, Φ underflows (a floor on Φ made the term jump); there φ/Φ ≈ −γ − 1/γ and
 * ln Φ ≈ −γ²/2 − ln(−γ√(2π)), so the γ² parts cancel and the term is ln(−γ√(2π)) − ½, within 0.002
 * of the exact one at the switch.
 */
export function mesTerm(g: number): number {
  if (g < -30) return Math.log(-g * Math.sqrt(2 * Math.PI)) - 0.5;
  const cdf = normCdf(g);
  return (g * normPdf(g)) / (2 * cdf) - Math.log(cdf);
}

export async function maxValueEntropySearch(s: Session, f: FidelityModel): Promise<void> {
  const pool = s.pool.filter((pt) => s.isFeasible(pt));
  if (pool.length === 0) return;
  await initialDesign(s, f, pool);
  if (s.evaluations.length === 0) return;
  const batch = Math.max(1, s.p.batch ?? 1);
  while (s.remaining + 1e-9 >= s.costOf(f.lo)) {
    const step: Promise<unknown>[] = [];
    while (step.length < batch && s.remaining + 1e-9 >= s.costOf(f.lo)) {
      const best = acquire(s, f, pool);
      // Candidates are feasible, new and affordable, so start() always charges; the check keeps the loop finite.
      const t = best && s.start(best.pt, best.z);
      if (!t?.fresh) break;
      step.push(t.done);
    }
    if (step.length === 0) break;
    await Promise.all(step);
  }
  recommend(s, f, pool);
}

/**
 * Initial design: d + 1 random designs (at least 2); under a continuous fidelity the first at full
 * fidelity and the rest at the lowest, so the model sees both ends of the fidelity range from the start.
 */
async function initialDesign(s: Session, f: FidelityModel, pool: number[][]): Promise<void> {
  const initial = Math.min(pool.length, Math.max(2, s.p.space.parameters.length + 1));
  const order = [...pool.keys()];
  for (let i = order.length - 1; i > 0; i--) {
    const j = s.rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  // Chosen without results, so all are in flight at once.
  const started: Promise<unknown>[] = [];
  for (let i = 0; i < initial; i++) {
    const z = i === 0 && s.costOf(f.full) + (initial - 1) * s.costOf(f.lo) <= s.remaining + 1e-9 ? f.full : f.lo;
    if (s.remaining + 1e-9 < s.costOf(z)) break;
    const t = s.start(pool[order[i]!]!, z);
    if (t) started.push(t.done);
  }
  await Promise.all(started);
}

/**
 * The GP the acquisition uses: fitted to the measured evaluations and, for pairs in flight, to the
 * kriging believer's fantasies (the posterior mean of the GP fitted to the measured ones). Only the
 * GP's constructor and predict are used, so the GP can change without this rule changing.
 */
function believerGp(s: Session, f: FidelityModel): GaussianProcess {
  const X = s.evaluations.map((e) => f.input(e.point, e.epochs!));
  const y = s.evaluations.map((e) => e.objectives['accuracy']!);
  const measured = new GaussianProcess(X, y, f.gp);
  const pending = s.pending().map((q) => f.input(q.point, q.epochs));
  if (pending.length === 0) return measured;
  const believed = measured.predict(pending).mean;
  return new GaussianProcess([...X, ...pending], [...y, ...believed], f.gp);
}

/** One step's choice: the new, affordable (design, epochs) with the most information per unit cost. */
function acquire(s: Session, f: FidelityModel, pool: number[][]): { pt: number[]; z: number; score: number } | undefined {
  const gp = believerGp(s, f);
  const samples = s.p.samples ?? 10;
  // Sampled highest-fidelity accuracy over the pool: its maximum is accuracy's coordinate of the
  // sampled Pareto front's best point (the maximiser of an objective is Pareto-optimal), which is
  // all MESMO's acquisition reads of the front for that objective.
  const draws = gp.sample(
    pool.map((pt) => f.input(pt, f.full)),
    samples,
    s.rng,
  );
  const yStar = draws.map((d) => Math.max(...d));
  let best: { pt: number[]; z: number; score: number } | undefined;
  const candidates: { pt: number[]; z: number }[] = [];
  for (const pt of pool) {
    // A design measured at full fidelity has nothing left to tell at a lower one.
    if (s.isEvaluated(pt, f.full)) continue;
    for (const z of f.levels) if (!s.isEvaluated(pt, z) && s.costOf(z) <= s.remaining + 1e-9) candidates.push({ pt, z });
  }
  if (candidates.length === 0) return undefined;
  const { mean, sd } = gp.predict(candidates.map((c) => f.input(c.pt, c.z)));
  candidates.forEach((c, i) => {
    let gain = 0;
    for (const ys of yStar) gain += mesTerm((ys - mean[i]!) / sd[i]!);
    const score = gain / (samples * s.costOf(c.z));
    if (!best || score > best.score) best = { ...c, score };
  });
  return best;
}

/** The Pareto set the final GP recommends over the pool (Algorithm 1, line 14). */
function recommend(s: Session, f: FidelityModel, pool: number[][]): void {
  const gp = new GaussianProcess(
    s.evaluations.map((e) => f.input(e.point, e.epochs!)),
    s.evaluations.map((e) => e.objectives['accuracy']!),
    f.gp,
  );
  const { mean, sd } = gp.predict(pool.map((pt) => f.input(pt, f.full)));
  const predicted = pool.map((pt, i) => {
    const h = s.hardware(pt) as Record<string, number>;
    const objectives: Record<string, number> = {};
    for (const o of s.p.objectives) objectives[o.name] = o.name === 'accuracy' ? mean[i]! : h[o.name]!;
    return { point: [...pt], params: s.p.space.values(pt), objectives, sd: sd[i]! };
  });
  s.recommended = paretoFront(predicted.map((r) => s.normalise(r.objectives))).map((i) => predicted[i]!);
}
