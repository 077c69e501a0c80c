// Max-value entropy search over the exploration's design pool, the loop MESMO and CF-MESMO share
// (Belakaria et al.: MESMO, NeurIPS 2019; MF-OSEMO, AAAI 2020; iMOCA / CF-MESMO's
// Algorithm 1). An ARD GP models accuracy — over designs, or over (design, epochs) under a continuous
// fidelity — and each step samples functions at the highest fidelity over the pool, takes each
// sample's Pareto front (with the exact hardware objectives) and its best accuracy y*, floors y* at
// the best accuracy observed plus 5 noise sd, and evaluates the (design, fidelity) pair with the most
// information about the front per unit of predicted cost (acquisition.ts). The exact hardware
// objectives carry no uncertainty, so only accuracy's term counts.
// What differs between the two methods is the fidelity (`FidelityModel`, in mesmo.ts / cf-mesmo.ts):
// CF-MESMO observes every epoch of a run (the accuracy curve: lower fidelities at no extra cost),
// predicts cost with a model (cost-model.ts) and admits a lower fidelity only through the filter.
// Batches: each step proposes `batch` pairs one after another; a pair already proposed and not yet
// measured is a fantasy with the kriging believer's value (the GP's posterior mean there, from the
// measured data), so the next pair is chosen as if it were known. With a batch of 1 there is never a
// fantasy and the method is the sequential one.
import { fidelityAdmissible, floorMaxima, lowerFidelityGain, mesTerm } from '../acquisition.js';
import { CostModel, type CostObservation } from '../cost-model.js';
import { GaussianProcess, type GpHyper } from '../gp.js';
import { paretoFront } from '../pareto.js';
import type { Session } from '../session.js';
import type { Point } from '../space.js';

export { mesTerm } from '../acquisition.js';

/** How a method places fidelity: the epochs it may train for and the GP's input for a (design, epochs). */
export interface FidelityModel {
  /** Lowest and full fidelity, in epochs; `levels` the epoch counts between them a run may stop at (fidelityLevels). */
  lo: number;
  full: number;
  levels: number[];
  input(pt: Point, epochs: number): number[];
  /** CF-MESMO: lower fidelities, the cost model and the filter; MESMO: the highest fidelity only. */
  continuous: boolean;
}

/** Hyperparameters are fitted by maximum likelihood every this many steps and kept in between (as MF-OSEMO's reference code does). */
const REFIT_EVERY = 5;

interface State {
  step: number;
  accuracy?: GpHyper;
  cost?: GpHyper;
}

export async function maxValueEntropySearch(s: Session, f: FidelityModel): Promise<void> {
  const pool = s.pool.filter((pt) => s.isFeasible(pt));
  if (pool.length === 0) return;
  await initialDesign(s, f, pool);
  if (s.evaluations.length === 0) return;
  const batch = Math.max(1, s.p.batch ?? 1);
  const st: State = { step: 0 };
  while (s.remaining + 1e-9 >= s.costOf(f.lo)) {
    const step: Promise<unknown>[] = [];
    while (step.length < batch && s.remaining + 1e-9 >= s.costOf(f.lo)) {
      const best = acquire(s, f, pool, st);
      // Candidates are feasible, new and affordable, so start() always charges; the check keeps the loop finite.
      const t = best && s.start(best.pt, best.z);
      if (!t?.fresh) break;
      step.push(t.done);
    }
    if (step.length === 0) break;
    await Promise.all(step);
    st.step++;
  }
  recommend(s, f, pool, st);
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
    if (s.blind) await s.arrival();
  }
  await Promise.all(started);
}

/**
 * What the evaluations measured, one observation per (design, epochs): a run of z epochs reports the
 * accuracy after every epoch (its curve), so under a continuous fidelity it observes every level up to
 * z — one run, one charge. Also the cost of every level a run reached, for the cost model.
 */
export function observations(
  s: Session,
  f: FidelityModel,
): { X: number[][]; y: number[]; full: number[]; costs: CostObservation[] } {
  const acc = new Map<string, { x: number[]; y: number; z: number }>();
  const costs = new Map<string, CostObservation>();
  for (const e of s.evaluations) {
    const z = e.epochs!;
    for (const k of f.levels) {
      if (k > z) continue;
      const y = e.curve?.[k - 1] ?? (k === z ? e.objectives['accuracy'] : undefined);
      if (y === undefined) continue;
      const key = `${s.p.space.key(e.point)}@${k}`;
      const x = f.input(e.point, k);
      acc.set(key, { x, y, z: k });
      const cpu = e.cpuCurve?.[k - 1] ?? (k === z ? e.cpuSeconds : undefined);
      if (cpu !== undefined) costs.set(key, { input: x, epochs: k, cpuSeconds: cpu });
    }
  }
  const all = [...acc.values()];
  return {
    X: all.map((o) => o.x),
    y: all.map((o) => o.y),
    full: all.filter((o) => o.z === f.full).map((o) => o.y),
    costs: [...costs.values()],
  };
}

/** The highest fidelity each design has been (or is being) measured to. */
function measuredTo(s: Session): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of [...s.evaluations.map((e) => ({ point: e.point, epochs: e.epochs! })), ...s.pending()]) {
    const k = s.p.space.key(e.point);
    m.set(k, Math.max(m.get(k) ?? 0, e.epochs));
  }
  return m;
}

/**
 * The GP the acquisition uses: fitted to the observations and, for pairs in flight, to the kriging
 * believer's fantasies (the posterior mean of the GP fitted to the measured ones), with the same
 * hyperparameters.
 */
function believerGp(s: Session, f: FidelityModel, st: State, X: number[][], y: number[]): GaussianProcess {
  const refit = !st.accuracy || st.step % REFIT_EVERY === 0;
  const measured = new GaussianProcess(
    X,
    y,
    refit
      ? { seed: s.p.seed + st.step, ...(st.accuracy ? { warm: st.accuracy, restarts: 1 } : {}) }
      : { fixed: st.accuracy! },
  );
  st.accuracy = measured.hyper;
  const pending = s.pending().map((q) => f.input(q.point, q.epochs));
  if (pending.length === 0) return measured;
  const believed = measured.predict(pending).mean;
  return new GaussianProcess([...X, ...pending], [...y, ...believed], { fixed: measured.hyper });
}

function costModel(s: Session, f: FidelityModel, st: State, costs: CostObservation[]): CostModel {
  const unit = s.p.costUnit === 'cpu' ? 'cpu' : 'epochs';
  const refit = !st.cost || st.step % REFIT_EVERY === 0;
  const m = new CostModel(unit, costs, {
    seed: s.p.seed + st.step,
    ...(refit ? (st.cost ? { warm: st.cost } : {}) : { fixed: st.cost! }),
  });
  if (m.hyper) st.cost = m.hyper;
  return m;
}

/** One step's choice: the new, affordable (design, epochs) with the most information per unit cost. */
function acquire(
  s: Session,
  f: FidelityModel,
  pool: number[][],
  st: State,
): { pt: number[]; z: number; score: number } | undefined {
  const obs = observations(s, f);
  const gp = believerGp(s, f, st, obs.X, obs.y);
  const samples = s.p.samples ?? 10;
  const fullInputs = pool.map((pt) => f.input(pt, f.full));
  // Sampled highest-fidelity accuracy over the pool: its maximum is accuracy's coordinate of the
  // sampled Pareto front's best point (the maximiser of an objective is Pareto-optimal), which is
  // all MESMO's acquisition reads of the front for that objective. Floored at what is known.
  const draws = gp.sample(fullInputs, samples, s.rng);
  const best = obs.full.length ? Math.max(...obs.full) : Math.max(...gp.predict(fullInputs).mean);
  const yStar = floorMaxima(
    draws.map((d) => Math.max(...d)),
    best,
    gp.noiseSd,
  );
  const upTo = measuredTo(s);
  const candidates: { pt: number[]; z: number }[] = [];
  for (const pt of pool) {
    // A design measured to a fidelity has told everything up to it (its curve).
    const done = upTo.get(s.p.space.key(pt)) ?? 0;
    for (const z of f.levels) if (z > done && s.costOf(z) <= s.remaining + 1e-9) candidates.push({ pt, z });
  }
  if (candidates.length === 0) return undefined;
  // Each candidate's features at its own fidelity and at full, built once for the GP and the cost model.
  const atZ = candidates.map((c) => f.input(c.pt, c.z));
  const atFull = candidates.map((c) => f.input(c.pt, f.full));
  const pred = gp.predictPairs(atZ, atFull);
  const cm = f.continuous ? costModel(s, f, st, obs.costs) : undefined;
  const cost = cm
    ? cm.predict(
        atZ,
        candidates.map((c) => c.z),
      )
    : candidates.map(() => 1);
  const costFull = cm
    ? cm.predict(
        atFull,
        candidates.map(() => f.full),
      )
    : cost;
  const lz = gp.hyper.lengths.at(-1)!;
  // The fidelity is the last feature: read it off the features already built.
  const zFull = atFull[0]!.at(-1)!;
  let choice: { pt: number[]; z: number; score: number } | undefined;
  candidates.forEach((c, i) => {
    const sdFull = pred.b.sd[i]!;
    let gain = 0;
    if (c.z === f.full) {
      for (const ys of yStar) gain += mesTerm((ys - pred.b.mean[i]!) / sdFull);
    } else {
      const kappa = Math.exp(-0.5 * ((atZ[i]!.at(-1)! - zFull) / lz) ** 2);
      if (!fidelityAdmissible(pred.a.sd[i]! / gp.priorSd, kappa, cost[i]! / costFull[i]!, s.p.space.parameters.length))
        return;
      const rho = pred.cov[i]! / (pred.a.sd[i]! * sdFull);
      for (const ys of yStar) gain += lowerFidelityGain((ys - pred.b.mean[i]!) / sdFull, rho);
    }
    const score = gain / (samples * cost[i]!);
    if (!choice || score > choice.score) choice = { ...c, score };
  });
  return choice;
}

/** The Pareto set the final GP recommends over the pool (Algorithm 1, line 14). */
function recommend(s: Session, f: FidelityModel, pool: number[][], st: State): void {
  const obs = observations(s, f);
  const gp = new GaussianProcess(obs.X, obs.y, {
    seed: s.p.seed,
    ...(st.accuracy ? { warm: st.accuracy, restarts: 1 } : {}),
  });
  const { mean, sd } = gp.predict(pool.map((pt) => f.input(pt, f.full)));
  const predicted = pool.map((pt, i) => {
    const h = s.hardware(pt) as Record<string, number>;
    const objectives: Record<string, number> = {};
    for (const o of s.p.objectives) objectives[o.name] = o.name === 'accuracy' ? mean[i]! : h[o.name]!;
    return { point: [...pt], params: s.p.space.values(pt), objectives, sd: sd[i]! };
  });
  s.recommended = paretoFront(predicted.map((r) => s.normalise(r.objectives))).map((i) => predicted[i]!);
}
