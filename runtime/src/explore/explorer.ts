// The explorer: searches an exploration's design space for Pareto-optimal designs with one of four
// methods, under a budget. Hardware objectives (area, power, energy, latency, throughput, EDP) come
// from the compiler and the analytic simulator in milliseconds, so they are computed exactly for any
// design; accuracy needs training, which is what the budget pays for (in epochs). So:
//  - random: designs drawn uniformly without repetition;
//  - grid: every design in order (the last `vary` fastest) until the budget ends;
//  - nsga2: Deb et al.'s NSGA-II (tournament on rank and crowding, uniform crossover, reset mutation,
//    elitist (μ+λ) survival), accuracy trained at full fidelity;
//  - mesmo: max-value entropy search for multiple objectives (Belakaria et al., NeurIPS 2019) with a
//    GP on accuracy; the exact hardware objectives carry no uncertainty, so only accuracy's term is
//    non-zero;
//  - cf_mesmo: MESMO with continuous fidelity, the seed's Algorithm 1: a GP over (design, epochs),
//    Pareto fronts sampled at the highest fidelity, and the design-fidelity pair chosen by information
//    gain per unit cost (the seed's eq. 9).
// Without accuracy among the objectives every evaluation costs 1 and the budget counts evaluations.
import { Rng } from '../util/rng.js';
import { GaussianProcess, normCdf, normPdf } from './gp.js';
import { crowdingDistance, hypervolume, nonDominatedSort, paretoFront } from './pareto.js';
import type { DesignSpace, ParamValue, Point } from './space.js';

export type Method = 'random' | 'grid' | 'nsga2' | 'mesmo' | 'cf_mesmo';
export const METHODS: readonly Method[] = ['random', 'grid', 'nsga2', 'mesmo', 'cf_mesmo'];

export interface ObjectiveSpec {
  name: string;
  sense: 'minimize' | 'maximize';
}

export interface Evaluation {
  /** Order of evaluation, from 0. */
  index: number;
  point: number[];
  params: Record<string, ParamValue>;
  /** Objective values: SI units; accuracy as a fraction. */
  objectives: Record<string, number>;
  /** Epochs of training behind the accuracy (its fidelity); absent without accuracy. */
  epochs?: number;
  /** Budget this evaluation spent, and all evaluations up to it. */
  cost: number;
  spent: number;
}

export interface DesignProblem {
  space: DesignSpace;
  objectives: ObjectiveSpec[];
  /** The exact hardware objectives of a design, or why it cannot be built (a compiler error). */
  hardware(point: Point): Record<string, number> | { infeasible: string };
  /** Test accuracy after `epochs` of training; required when accuracy is an objective. */
  accuracy?: (point: Point, epochs: number) => Promise<number>;
  /** Epochs of a full-fidelity accuracy evaluation. */
  fullEpochs: number;
  /** cf_mesmo's fidelity range in epochs (default fullEpochs .. fullEpochs). */
  fidelity?: { min: number; max: number };
  /** Epochs when accuracy is an objective, else evaluations. */
  budget: number;
  seed: number;
  /** NSGA-II population (default 12). */
  population?: number;
  /** Pareto fronts sampled per MESMO step (default 10). */
  samples?: number;
  /** Designs MESMO's acquisition ranges over: all when the space is this small, else a random subset. */
  poolLimit?: number;
  onEvaluation?: (e: Evaluation, result: { spent: number; budget: number }) => void;
}

export interface ExploreResult {
  method: Method;
  evaluations: Evaluation[];
  /** Designs the compiler rejected (a layer that does not fit, …): never trained, never charged. */
  infeasible: { params: Record<string, ParamValue>; reason: string }[];
  /** Indices into `evaluations` of the Pareto-optimal designs among those at full fidelity. */
  front: number[];
  /** Hypervolume of the full-fidelity front after each evaluation (objectives normalised, see `normalise`). */
  trace: { spent: number; hypervolume: number }[];
  spent: number;
  budget: number;
  /** Per objective, the range the hypervolume normalises over (hardware: the pool's; accuracy: 0..1). */
  bounds: Record<string, [number, number]>;
  /**
   * MESMO and CF-MESMO: the Pareto set the model recommends (the seed's Algorithm 1, line 14): over
   * the pool, exact hardware objectives with accuracy predicted at full fidelity by the final GP.
   */
  recommended?: { point: number[]; params: Record<string, ParamValue>; objectives: Record<string, number>; sd: number }[];
}

const DEFAULT_POOL = 512;

/** Runs one method on a problem. Deterministic for a given seed (the trainer is seeded too). */
export async function explore(problem: DesignProblem, method: Method): Promise<ExploreResult> {
  const s = new Session(problem, method);
  switch (method) {
    case 'random':
      await runRandom(s);
      break;
    case 'grid':
      for (const pt of problem.space.points()) {
        if (s.remaining + 1e-9 < s.costOf(problem.fullEpochs)) break;
        await s.evaluate(pt);
      }
      break;
    case 'nsga2':
      await runNsga2(s);
      break;
    case 'mesmo':
    case 'cf_mesmo':
      if (!problem.accuracy) throw new ExploreError(`${method} models the expensive objective, accuracy, and this exploration has none (the hardware objectives are exact): use random or nsga2`);
      await runMesmo(s, method === 'cf_mesmo');
      break;
  }
  return s.result();
}

export class ExploreError extends Error {}

/** Objectives as a minimisation vector scaled by the bounds (0: best of the pool, 1: worst). */
export function normalise(objectives: Record<string, number>, specs: readonly ObjectiveSpec[], bounds: Record<string, [number, number]>): number[] {
  return specs.map((o) => {
    const [lo, hi] = bounds[o.name]!;
    const span = hi - lo || 1;
    const v = objectives[o.name]!;
    return o.sense === 'minimize' ? (v - lo) / span : (hi - v) / span;
  });
}

/** The hypervolume the explorer reports: normalised objectives, reference point 1.1 in each. */
export function scaledHypervolume(designs: readonly Record<string, number>[], specs: readonly ObjectiveSpec[], bounds: Record<string, [number, number]>): number {
  return hypervolume(
    designs.map((o) => normalise(o, specs, bounds)),
    specs.map(() => 1.1),
  );
}

function isInfeasible(h: Record<string, number> | { infeasible: string }): h is { infeasible: string } {
  return typeof (h as { infeasible?: unknown }).infeasible === 'string';
}

/** Book-keeping shared by the methods: caches, budget, infeasible designs, the quality trace. */
class Session {
  readonly rng: Rng;
  readonly evaluations: Evaluation[] = [];
  readonly infeasible = new Map<string, { params: Record<string, ParamValue>; reason: string }>();
  private readonly hw = new Map<string, Record<string, number> | { infeasible: string }>();
  private readonly done = new Map<string, Evaluation>();
  readonly trace: { spent: number; hypervolume: number }[] = [];
  spent = 0;
  readonly withAccuracy: boolean;
  readonly pool: number[][];
  readonly bounds: Record<string, [number, number]>;

  constructor(
    readonly p: DesignProblem,
    readonly method: Method,
  ) {
    this.rng = new Rng(p.seed);
    this.withAccuracy = p.objectives.some((o) => o.name === 'accuracy');
    if (this.withAccuracy && !p.accuracy) throw new ExploreError('accuracy is an objective but the problem cannot train');
    // The pool fixes the hypervolume's normalisation, so it is drawn from its own stream: every
    // method of one seed normalises alike and can be compared.
    this.pool = p.space.pool(p.poolLimit ?? DEFAULT_POOL, new Rng(p.seed ^ 0x5eed));
    this.bounds = {};
    // Not noted as infeasible here: the result lists only designs a method looked at.
    const feasible = this.pool.map((pt) => this.hardware(pt, false)).filter((h): h is Record<string, number> => !isInfeasible(h));
    for (const o of p.objectives) {
      if (o.name === 'accuracy') this.bounds[o.name] = [0, 1];
      else {
        const vs = feasible.map((h) => h[o.name]!).filter(Number.isFinite);
        this.bounds[o.name] = vs.length ? [Math.min(...vs), Math.max(...vs)] : [0, 1];
      }
    }
  }

  hardware(pt: Point, note = true): Record<string, number> | { infeasible: string } {
    const k = this.p.space.key(pt);
    let h = this.hw.get(k);
    if (!h) {
      const got = this.p.hardware(pt);
      h = got;
      if (!isInfeasible(got)) {
        // A design whose simulation yields no finite figure cannot be ranked (nor bound a hypervolume).
        const bad = this.p.objectives.find((o) => o.name !== 'accuracy' && !Number.isFinite(got[o.name]));
        if (bad) h = { infeasible: `its ${bad.name} is ${String(got[bad.name])}` };
      }
      this.hw.set(k, h);
    }
    if (note && isInfeasible(h) && !this.infeasible.has(k)) this.infeasible.set(k, { params: this.p.space.values(pt), reason: h.infeasible });
    return h;
  }

  isFeasible(pt: Point): boolean {
    return !isInfeasible(this.hardware(pt));
  }

  get remaining(): number {
    return this.p.budget - this.spent;
  }

  costOf(epochs: number): number {
    return this.withAccuracy ? epochs : 1;
  }

  private doneKey(pt: Point, epochs: number): string {
    return `${this.p.space.key(pt)}@${this.withAccuracy ? epochs : 0}`;
  }

  /** Whether the design was evaluated at this fidelity. */
  isEvaluated(pt: Point, epochs: number): boolean {
    return this.done.has(this.doneKey(pt, epochs));
  }

  /** The evaluation of a design at a fidelity; a repeat is free. Undefined when infeasible or over budget. */
  async evaluate(pt: Point, epochs = this.p.fullEpochs): Promise<Evaluation | undefined> {
    const h = this.hardware(pt);
    if (isInfeasible(h)) return undefined;
    const key = this.doneKey(pt, epochs);
    const known = this.done.get(key);
    if (known) return known;
    const cost = this.costOf(epochs);
    if (cost > this.remaining + 1e-9) return undefined;
    const objectives: Record<string, number> = {};
    for (const o of this.p.objectives) if (o.name !== 'accuracy') objectives[o.name] = h[o.name]!;
    if (this.withAccuracy) objectives['accuracy'] = await this.p.accuracy!(pt, epochs);
    this.spent += cost;
    const e: Evaluation = { index: this.evaluations.length, point: [...pt], params: this.p.space.values(pt), objectives, ...(this.withAccuracy ? { epochs } : {}), cost, spent: this.spent };
    this.evaluations.push(e);
    this.done.set(key, e);
    this.trace.push({ spent: this.spent, hypervolume: this.hypervolume() });
    this.p.onEvaluation?.(e, { spent: this.spent, budget: this.p.budget });
    return e;
  }

  normalise(objectives: Record<string, number>): number[] {
    return normalise(objectives, this.p.objectives, this.bounds);
  }

  fullFidelity(): Evaluation[] {
    return this.evaluations.filter((e) => !this.withAccuracy || e.epochs === this.p.fullEpochs);
  }

  hypervolume(): number {
    return scaledHypervolume(
      this.fullFidelity().map((e) => e.objectives),
      this.p.objectives,
      this.bounds,
    );
  }

  recommended: ExploreResult['recommended'];

  result(): ExploreResult {
    const full = this.fullFidelity();
    const front = paretoFront(full.map((e) => this.normalise(e.objectives))).map((i) => full[i]!.index);
    return { method: this.method, evaluations: this.evaluations, infeasible: [...this.infeasible.values()], front, trace: this.trace, spent: this.spent, budget: this.p.budget, bounds: this.bounds, ...(this.recommended ? { recommended: this.recommended } : {}) };
  }
}

async function runRandom(s: Session): Promise<void> {
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

async function runNsga2(s: Session): Promise<void> {
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
  let pop: Evaluation[] = [];
  const taken = new Set<string>();
  while (pop.length < n && afford()) {
    const pt = fresh(taken);
    if (!pt) break;
    taken.add(s.p.space.key(pt));
    const e = await s.evaluate(pt);
    if (e) pop.push(e);
  }
  while (afford() && pop.length >= 2) {
    const rank = new Map<Evaluation, number>();
    const crowd = new Map<Evaluation, number>();
    rankAndCrowd(s, pop, rank, crowd);
    const better = (a: Evaluation, b: Evaluation) => rank.get(a)! < rank.get(b)! || (rank.get(a) === rank.get(b) && crowd.get(a)! > crowd.get(b)!);
    const tournament = () => {
      const a = pop[s.rng.int(pop.length)]!;
      const b = pop[s.rng.int(pop.length)]!;
      return better(b, a) ? b : a;
    };
    const children: Evaluation[] = [];
    for (let tries = 0; children.length < n && afford() && tries < 20 * n; tries++) {
      const pa = tournament().point;
      const pb = tournament().point;
      const child = s.rng.next() < 0.9 ? pa.map((v, k) => (s.rng.next() < 0.5 ? v : pb[k]!)) : [...pa];
      for (let k = 0; k < d; k++) if (s.rng.next() < 1 / d) child[k] = s.rng.int(sizes[k]!);
      if (!s.isFeasible(child)) continue;
      // Only a design evaluated now is a child: one seen before (a repeat is free) would let a
      // converged population breed forever without spending.
      const before = s.evaluations.length;
      const e = await s.evaluate(child);
      if (e && s.evaluations.length > before) children.push(e);
    }
    // Nothing new in 20·n tries: the reachable designs are all evaluated.
    if (children.length === 0) break;
    // Elitist survival: the best n of parents and children by front, then crowding.
    const all = [...pop, ...children];
    rankAndCrowd(s, all, rank, crowd);
    all.sort((a, b) => rank.get(a)! - rank.get(b)! || crowd.get(b)! - crowd.get(a)! || a.index - b.index);
    pop = all.slice(0, n);
  }
}

function rankAndCrowd(s: Session, pop: Evaluation[], rank: Map<Evaluation, number>, crowd: Map<Evaluation, number>): void {
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

/** MESMO (one fidelity) and CF-MESMO (a GP over design × epochs, information gain per epoch). */
async function runMesmo(s: Session, continuous: boolean): Promise<void> {
  const full = s.p.fullEpochs;
  const lo = continuous ? (s.p.fidelity?.min ?? full) : full;
  const levels: number[] = [];
  for (let z = lo; z <= full; z++) levels.push(z);
  const zFeature = (z: number) => (full > lo ? (z - lo) / (full - lo) : 1);
  const input = (pt: Point, z: number) => (continuous ? [...s.p.space.features(pt), zFeature(z)] : s.p.space.features(pt));
  const pool = s.pool.filter((pt) => s.isFeasible(pt));
  if (pool.length === 0) return;
  const samples = s.p.samples ?? 10;

  // Initial design: d + 1 random designs (at least 2); under CF-MESMO the first at full fidelity and
  // the rest at the lowest, so the model sees both ends of the fidelity range from the start.
  const initial = Math.min(pool.length, Math.max(2, s.p.space.parameters.length + 1));
  const order = [...pool.keys()];
  for (let i = order.length - 1; i > 0; i--) {
    const j = s.rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (let i = 0; i < initial; i++) {
    const z = i === 0 && s.costOf(full) + (initial - 1) * s.costOf(lo) <= s.remaining + 1e-9 ? full : lo;
    if (s.remaining + 1e-9 < s.costOf(z)) break;
    await s.evaluate(pool[order[i]!]!, z);
  }
  if (s.evaluations.length === 0) return;

  while (s.remaining + 1e-9 >= s.costOf(lo)) {
    const X = s.evaluations.map((e) => input(e.point, e.epochs!));
    const y = s.evaluations.map((e) => e.objectives['accuracy']!);
    const gp = new GaussianProcess(X, y, continuous ? { fidelityDims: 1 } : {});
    // Sampled highest-fidelity accuracy over the pool: its maximum is accuracy's coordinate of the
    // sampled Pareto front's best point (the maximiser of an objective is Pareto-optimal), which is
    // all MESMO's acquisition reads of the front for that objective.
    const draws = gp.sample(
      pool.map((pt) => input(pt, full)),
      samples,
      s.rng,
    );
    const yStar = draws.map((f) => Math.max(...f));
    let best: { pt: number[]; z: number; score: number } | undefined;
    const candidates: { pt: number[]; z: number }[] = [];
    for (const pt of pool) {
      // A design measured at full fidelity has nothing left to tell at a lower one.
      if (s.isEvaluated(pt, full)) continue;
      for (const z of levels) if (!s.isEvaluated(pt, z) && s.costOf(z) <= s.remaining + 1e-9) candidates.push({ pt, z });
    }
    if (candidates.length === 0) break;
    const { mean, sd } = gp.predict(candidates.map((c) => input(c.pt, c.z)));
    candidates.forEach((c, i) => {
      let gain = 0;
      for (const ys of yStar) gain += mesTerm((ys - mean[i]!) / sd[i]!);
      const score = gain / (samples * s.costOf(c.z));
      if (!best || score > best.score) best = { ...c, score };
    });
    // Candidates are feasible, new and affordable, so this always charges; the check keeps the loop finite.
    if (!(await s.evaluate(best!.pt, best!.z))) break;
  }

  const gp = new GaussianProcess(
    s.evaluations.map((e) => input(e.point, e.epochs!)),
    s.evaluations.map((e) => e.objectives['accuracy']!),
    continuous ? { fidelityDims: 1 } : {},
  );
  const { mean, sd } = gp.predict(pool.map((pt) => input(pt, full)));
  const predicted = pool.map((pt, i) => {
    const h = s.hardware(pt) as Record<string, number>;
    const objectives: Record<string, number> = {};
    for (const o of s.p.objectives) objectives[o.name] = o.name === 'accuracy' ? mean[i]! : h[o.name]!;
    return { point: [...pt], params: s.p.space.values(pt), objectives, sd: sd[i]! };
  });
  s.recommended = paretoFront(predicted.map((r) => s.normalise(r.objectives))).map((i) => predicted[i]!);
}
