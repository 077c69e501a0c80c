// The book-keeping every method shares: the seeded draws, hardware objectives cached per design,
// the budget, the designs the compiler rejected, the evaluations and the quality trace.
import { Rng } from '../util/rng.js';
import { paretoFront } from './pareto.js';
import type { ParamValue, Point } from './space.js';
import {
  accuracyOf,
  ExploreError,
  isInfeasible,
  normalise,
  scaledHypervolume,
  type DesignProblem,
  type Evaluation,
  type ExploreResult,
  type HardwareOutcome,
  type Measurement,
  type Method,
} from './types.js';

const DEFAULT_POOL = 512;

/**
 * The designs the acquisition ranges over and the hypervolume normalises by. Drawn from a stream of its
 * own: every method of one seed normalises alike and can be compared.
 */
export function designPool(p: DesignProblem): number[][] {
  return p.space.pool(p.poolLimit ?? DEFAULT_POOL, new Rng(p.seed ^ 0x5eed));
}

/** A proposed evaluation: `fresh` when it is new (else it is one already evaluated or in flight). */
export interface Ticket {
  fresh: boolean;
  done: Promise<Evaluation>;
}

interface InFlight {
  key: string;
  point: number[];
  epochs: number;
  cost: number;
  hardware: Record<string, number>;
  done: Promise<Evaluation>;
  resolve(e: Evaluation): void;
  reject(e: unknown): void;
  measured?: { value: number | Measurement | undefined } | { error: unknown };
}

/** Book-keeping shared by the methods: caches, budget, infeasible designs, the quality trace. */
export class Session {
  readonly rng: Rng;
  readonly evaluations: Evaluation[] = [];
  readonly infeasible = new Map<string, { params: Record<string, ParamValue>; reason: string }>();
  private readonly hw = new Map<string, HardwareOutcome>();
  private readonly done = new Map<string, Evaluation>();
  readonly trace: { spent: number; hypervolume: number }[] = [];
  spent = 0;
  /** Cost of the evaluations in flight. */
  private reserved = 0;
  private readonly queue: InFlight[] = [];
  private readonly inFlight = new Map<string, InFlight>();
  private failure: { error: unknown } | undefined;
  readonly withAccuracy: boolean;
  readonly pool: number[][];
  readonly bounds: Record<string, [number, number]>;

  /** `pool`: designPool(p), drawn by the caller (which prepares its hardware objectives first). */
  constructor(
    readonly p: DesignProblem,
    readonly method: Method,
    pool: number[][],
  ) {
    this.rng = new Rng(p.seed);
    this.withAccuracy = p.objectives.some((o) => o.name === 'accuracy');
    if (this.withAccuracy && !p.accuracy)
      throw new ExploreError('accuracy is an objective but the problem cannot train');
    this.pool = pool;
    this.bounds = {};
    // Not noted as infeasible here: the result lists only designs a method looked at.
    const feasible = this.pool
      .map((pt) => this.hardware(pt, false))
      .filter((h): h is Record<string, number> => !isInfeasible(h));
    for (const o of p.objectives) {
      if (o.name === 'accuracy') this.bounds[o.name] = [0, 1];
      else {
        const vs = feasible.map((h) => h[o.name]!).filter(Number.isFinite);
        this.bounds[o.name] = vs.length ? [Math.min(...vs), Math.max(...vs)] : [0, 1];
      }
    }
  }

  hardware(pt: Point, note = true): HardwareOutcome {
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
    if (note && isInfeasible(h) && !this.infeasible.has(k))
      this.infeasible.set(k, { params: this.p.space.values(pt), reason: h.infeasible });
    return h;
  }

  isFeasible(pt: Point): boolean {
    return !isInfeasible(this.hardware(pt));
  }

  /** Budget not yet spent nor reserved by evaluations in flight. */
  get remaining(): number {
    return this.p.budget - this.spent - this.reserved;
  }

  /**
   * What an evaluation at `epochs` is expected to cost, in the budget's unit: 1 without accuracy,
   * else its epochs, or in CPU seconds the mean per epoch measured so far times the epochs (0 before
   * the first measurement). The amount an evaluation in flight reserves; what it is charged once
   * measured is its measured cost (`charge`).
   */
  costOf(epochs: number): number {
    if (!this.withAccuracy) return 1;
    if (this.p.costUnit !== 'cpu') return epochs;
    return this.cpuEpochs > 0 ? (this.cpuSpent / this.cpuEpochs) * epochs : 0;
  }

  private cpuSpent = 0;
  private cpuEpochs = 0;

  /** The measured cost of a finished evaluation: its epochs, or the CPU seconds its training used. */
  private charge(t: InFlight, m: number | Measurement | undefined): number {
    if (!this.withAccuracy || this.p.costUnit !== 'cpu') return t.cost;
    if (typeof m !== 'object')
      throw new ExploreError('a budget in CPU seconds needs evaluations that measure their CPU time');
    this.cpuSpent += m.cpuSeconds;
    this.cpuEpochs += t.epochs;
    return m.cpuSeconds;
  }

  private doneKey(pt: Point, epochs: number): string {
    return `${this.p.space.key(pt)}@${this.withAccuracy ? epochs : 0}`;
  }

  /** Whether the design was evaluated, or is being evaluated, at this fidelity. */
  isEvaluated(pt: Point, epochs: number): boolean {
    const k = this.doneKey(pt, epochs);
    return this.done.has(k) || this.inFlight.has(k);
  }

  /** Designs being evaluated now, in the order they were proposed. */
  pending(): { point: number[]; epochs: number }[] {
    return this.queue.map((t) => ({ point: t.point, epochs: t.epochs }));
  }

  /**
   * Proposes the evaluation of a design at a fidelity and starts it at once (its accuracy is asked for
   * now; the executor behind the problem decides where and when it runs). A new evaluation reserves
   * its cost; a design already evaluated or in flight gives that evaluation (`fresh: false`), free.
   * Undefined when the design is infeasible or the budget cannot pay for it. Evaluations are recorded
   * in the order they were proposed, whatever the order they finish in, so a run is the same for any
   * number of workers.
   */
  start(pt: Point, epochs = this.p.fullEpochs): Ticket | undefined {
    const h = this.hardware(pt);
    if (isInfeasible(h)) return undefined;
    const key = this.doneKey(pt, epochs);
    const known = this.done.get(key);
    if (known) return { fresh: false, done: Promise.resolve(known) };
    const running = this.inFlight.get(key);
    if (running) return { fresh: false, done: running.done };
    const cost = this.costOf(epochs);
    if (cost > this.remaining + 1e-9 || (this.p.costUnit === 'cpu' && this.remaining <= 0) || this.failure)
      return undefined;
    this.reserved += cost;
    let resolve!: (e: Evaluation) => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<Evaluation>((res, rej) => ((resolve = res), (reject = rej)));
    // A failure is reported to whoever awaits the ticket; the others must not become unhandled rejections.
    done.catch(() => undefined);
    const t: InFlight = { key, point: [...pt], epochs, cost, hardware: h, done, resolve, reject };
    this.queue.push(t);
    this.inFlight.set(key, t);
    const measured = this.withAccuracy
      ? Promise.resolve().then(() => this.p.accuracy!(pt, epochs))
      : Promise.resolve(undefined);
    this.running++;
    const arrived = (r: NonNullable<InFlight['measured']>) => {
      t.measured = r;
      this.running--;
      this.arrivals.splice(0).forEach((wake) => wake());
      this.commitReady();
    };
    measured.then(
      (m) => arrived({ value: m }),
      (e: unknown) => arrived({ error: e }),
    );
    return { fresh: true, done };
  }

  /** Evaluations started and not yet measured (measured ones may still wait to be recorded in order). */
  private running = 0;
  private readonly arrivals: (() => void)[] = [];

  /**
   * Under a budget in CPU seconds an evaluation's cost is unknown until one is measured, and reserves
   * nothing before (`costOf`): while one runs unpriced, no other may start, or a large batch would spend
   * the budget several times over blind. Methods that start several at once wait (`arrival`) while this
   * holds. Never under a budget in epochs or evaluations, so those runs are unchanged.
   */
  get blind(): boolean {
    return this.withAccuracy && this.p.costUnit === 'cpu' && this.cpuEpochs === 0 && this.running > 0;
  }

  /** Resolves when the next evaluation in flight is measured (or fails). */
  arrival(): Promise<void> {
    return new Promise<void>((wake) => this.arrivals.push(wake));
  }

  /** The evaluation of a design at a fidelity, waited for; a repeat is free. Undefined when infeasible or over budget. */
  async evaluate(pt: Point, epochs = this.p.fullEpochs): Promise<Evaluation | undefined> {
    return this.start(pt, epochs)?.done;
  }

  /**
   * Evaluates proposals drawn lazily from `proposals`, keeping up to the problem's batch in flight:
   * for methods whose next proposals do not depend on the results (random, grid), so a proposal is
   * drawn when the budget it sees is the budget left after every earlier proposal, as in a serial run.
   */
  async stream(proposals: Iterable<{ point: Point; epochs?: number }>): Promise<void> {
    const started: Promise<Evaluation>[] = [];
    const size = Math.max(1, this.p.batch ?? 1);
    for (const q of proposals) {
      if (this.failure) throw this.failure.error;
      const t = this.start(q.point, q.epochs);
      if (t?.fresh) started.push(t.done);
      // A slot is free when any evaluation is measured, not only the oldest: a short training after a
      // long one does not leave its worker idle. The budget a draw sees is the same either way (the
      // proposals before it reserved their cost), so the draws do not depend on the finishing order.
      while ((this.running >= size || this.blind) && !this.failure) await this.arrival();
    }
    for (const d of started) await d;
  }

  /** Records the finished evaluations at the head of the proposal order. */
  private commitReady(): void {
    while (this.queue.length && this.queue[0]!.measured) {
      const t = this.queue.shift()!;
      this.inFlight.delete(t.key);
      this.reserved -= t.cost;
      const m = t.measured!;
      if ('error' in m || this.failure) {
        this.failure ??= { error: 'error' in m ? m.error : undefined };
        t.reject(this.failure.error);
        continue;
      }
      t.resolve(this.record(t, m.value));
    }
  }

  private record(t: InFlight, m: number | Measurement | undefined): Evaluation {
    const objectives: Record<string, number> = {};
    for (const o of this.p.objectives) if (o.name !== 'accuracy') objectives[o.name] = t.hardware[o.name]!;
    const measurement = typeof m === 'object' ? m : undefined;
    if (this.withAccuracy) objectives['accuracy'] = accuracyOf(m!);
    const cost = this.charge(t, m);
    this.spent += cost;
    const e: Evaluation = {
      index: this.evaluations.length,
      point: t.point,
      params: this.p.space.values(t.point),
      objectives,
      ...(this.withAccuracy ? { epochs: t.epochs } : {}),
      cost,
      spent: this.spent,
      ...(measurement
        ? {
            curve: measurement.curve,
            ...(measurement.cpuCurve ? { cpuCurve: measurement.cpuCurve } : {}),
            job: measurement.job,
            worker: measurement.worker,
            cpuSeconds: measurement.cpuSeconds,
            wallSeconds: measurement.wallSeconds,
          }
        : {}),
    };
    this.evaluations.push(e);
    this.done.set(t.key, e);
    this.trace.push({ spent: this.spent, hypervolume: this.hypervolume() });
    this.p.onEvaluation?.(e, { spent: this.spent, budget: this.p.budget }, () => this.result());
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
    return {
      method: this.method,
      evaluations: this.evaluations,
      infeasible: [...this.infeasible.values()],
      front,
      trace: this.trace,
      spent: this.spent,
      budget: this.p.budget,
      bounds: this.bounds,
      ...(this.recommended ? { recommended: this.recommended } : {}),
    };
  }
}
