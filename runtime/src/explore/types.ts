// The explorer's vocabulary: methods, objectives, the problem a method searches, one evaluation and
// the result of a run; the objective normalisation every method and the hypervolume share.
import { hypervolume } from './pareto.js';
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
  /** Where accuracy was measured by a job (see job.ts): test accuracy after each epoch, the job's id,
   * the worker that ran it and its CPU and wall seconds. Timings and worker differ between runs. */
  curve?: number[];
  /** CPU seconds the training had used by the end of each epoch (cumulative), where measured. */
  cpuCurve?: number[];
  job?: string;
  worker?: string;
  cpuSeconds?: number;
  wallSeconds?: number;
}

/** What an accuracy evaluation may report beyond the accuracy itself. */
export interface Measurement {
  accuracy: number;
  curve: number[];
  /** CPU seconds used by the end of each epoch (cumulative), where the runner measures them. */
  cpuCurve?: number[];
  job: string;
  worker: string;
  cpuSeconds: number;
  wallSeconds: number;
}

/** Why a design cannot be built: the compiler's or the simulator's message, or a limit it exceeds. */
export interface Infeasible {
  infeasible: string;
}

/** A design's exact hardware objectives (SI units), or why it cannot be built. */
export type HardwareOutcome = Record<string, number> | Infeasible;

export function isInfeasible<T extends object>(h: T | Infeasible): h is Infeasible {
  return typeof (h as { infeasible?: unknown }).infeasible === 'string';
}

export interface DesignProblem {
  space: DesignSpace;
  objectives: ObjectiveSpec[];
  /** The exact hardware objectives of a design, or why it cannot be built. */
  hardware(point: Point): HardwareOutcome;
  /**
   * Computes the hardware objectives of many designs at once where that is faster (in the executor's
   * worker processes, in parallel); `hardware` then answers them from what it got. Called for the
   * design pool before a run starts.
   */
  prepareHardware?: (points: readonly Point[]) => Promise<void>;
  /** Test accuracy after `epochs` of training; required when accuracy is an objective. */
  accuracy?: (point: Point, epochs: number) => Promise<number | Measurement>;
  /** Epochs of a full-fidelity accuracy evaluation. */
  fullEpochs: number;
  /** cf_mesmo's fidelity range in epochs (default fullEpochs .. fullEpochs). */
  fidelity?: { min: number; max: number };
  /** Epochs (or, with `costUnit: 'cpu'`, CPU seconds of training) when accuracy is an objective, else evaluations. */
  budget: number;
  /**
   * What an evaluation with accuracy costs: its epochs (default), or the CPU seconds its training
   * measured ('cpu'; the accuracy must then report a Measurement).
   */
  costUnit?: 'epochs' | 'cpu';
  seed: number;
  /**
   * Evaluations proposed together (default 1): random and grid keep this many in flight, MESMO and
   * CF-MESMO propose this many per step (the ones in flight held as fantasies). NSGA-II proposes a
   * generation and the initial designs of every method go at once, whatever the batch.
   */
  batch?: number;
  /** NSGA-II population (default 12). */
  population?: number;
  /** Pareto fronts sampled per MESMO step (default 10). */
  samples?: number;
  /** Designs MESMO's acquisition ranges over: all when the space is this small, else a random subset. */
  poolLimit?: number;
  /** After each evaluation is recorded; `snapshot` is the run so far as a result (without the recommended set). */
  onEvaluation?: (e: Evaluation, progress: { spent: number; budget: number }, snapshot: () => ExploreResult) => void;
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
   * MESMO and CF-MESMO: the Pareto set the model recommends (Belakaria et al. 2020, Algorithm 1, line 14): over
   * the pool, exact hardware objectives with accuracy predicted at full fidelity by the final GP.
   */
  recommended?: {
    point: number[];
    params: Record<string, ParamValue>;
    objectives: Record<string, number>;
    sd: number;
  }[];
}

export class ExploreError extends Error {}

/** Objectives as a minimisation vector scaled by the bounds (0: best of the pool, 1: worst). */
export function normalise(
  objectives: Record<string, number>,
  specs: readonly ObjectiveSpec[],
  bounds: Record<string, [number, number]>,
): number[] {
  return specs.map((o) => {
    const [lo, hi] = bounds[o.name]!;
    const span = hi - lo || 1;
    const v = objectives[o.name]!;
    return o.sense === 'minimize' ? (v - lo) / span : (hi - v) / span;
  });
}

/** The hypervolume the explorer reports: normalised objectives, reference point 1.1 in each. */
export function scaledHypervolume(
  designs: readonly Record<string, number>[],
  specs: readonly ObjectiveSpec[],
  bounds: Record<string, [number, number]>,
): number {
  return hypervolume(
    designs.map((o) => normalise(o, specs, bounds)),
    specs.map(() => 1.1),
  );
}

/** The accuracy of what an accuracy evaluation reports. */
export function accuracyOf(m: number | Measurement): number {
  return typeof m === 'number' ? m : m.accuracy;
}
