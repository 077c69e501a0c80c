// The book-keeping every method shares: the seeded draws, hardware objectives cached per design,
// the budget, the designs the compiler rejected, the evaluations and the quality trace.
import { Rng } from '../util/rng.js';
import { paretoFront } from './pareto.js';
import type { ParamValue, Point } from './space.js';
import { ExploreError, normalise, scaledHypervolume, type DesignProblem, type Evaluation, type ExploreResult, type Method } from './types.js';

const DEFAULT_POOL = 512;

function isInfeasible(h: Record<string, number> | { infeasible: string }): h is { infeasible: string } {
  return typeof (h as { infeasible?: unknown }).infeasible === 'string';
}

/** Book-keeping shared by the methods: caches, budget, infeasible designs, the quality trace. */
export class Session {
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
