// An IR exploration turned into a DesignProblem: each design point is the source program compiled
// again with the point's `vary` values as overrides (the IR holds results, not the formulas behind
// them, so a design point needs the compiler, which the caller passes in), simulated for its hardware objectives, and trained on
// the `evaluate` experiment for accuracy. The trainer (tfjs) is loaded only when accuracy is asked.
import { dirname } from 'node:path';
import type { DesignCompiler, IrExperiment, IrExploration, IrProgram } from '@pim/ir';
import { SimError } from '../sim/errors.js';
import { objectivesOf } from '../sim/objectives.js';
import { simulate } from '../sim/simulate.js';
import { ExploreError, type DesignProblem } from './types.js';
import { DesignSpace, type Point } from './space.js';

export interface ProblemOptions {
  /** The `.pim` file the IR was compiled from. */
  source: string;
  /** That file compiled again with a design point's overrides. */
  compile: DesignCompiler;
  seed?: number;
  /** Replaces the method's budget (same unit). */
  budget?: number;
  /** Caps the training and test sets (quick runs and tests). */
  trainLimit?: number;
  testLimit?: number;
}

export async function problemFor(ir: IrProgram, exploration: IrExploration, opts: ProblemOptions): Promise<DesignProblem> {
  const exp = ir.experiments.find((e) => e.name === exploration.evaluate);
  if (!exp) throw new ExploreError(`exploration '${exploration.name}': its evaluate, '${exploration.evaluate}', is not an experiment of the program`);
  const space = new DesignSpace(exploration.parameters);
  if (exploration.parameters.length === 0) throw new ExploreError(`exploration '${exploration.name}' varies nothing`);
  const withAccuracy = exploration.objectives.some((o) => o.name === 'accuracy');
  if (exploration.objectives.some((o) => o.name === 'peak_temperature')) {
    const mapping = ir.mappings.find((m) => m.name === exp.mapping);
    const arch = ir.architectures.find((a) => a.name === mapping?.architecture);
    if (arch && !arch.thermal) throw new ExploreError(`exploration '${exploration.name}': peak_temperature needs a 'thermal' block in architecture '${arch.name}'`);
  }
  if (withAccuracy && exp.kind !== 'train') throw new ExploreError(`exploration '${exploration.name}': accuracy needs a train experiment to evaluate, and '${exp.name}' is a run`);
  const fullEpochs = exploration.method.fidelity?.max ?? exp.epochs;
  // A grid without a budget visits every design.
  const budget = opts.budget ?? exploration.method.budget ?? (exploration.method.name === 'grid' ? space.size * (withAccuracy ? fullEpochs : 1) : undefined);
  if (budget === undefined || !(budget > 0)) throw new ExploreError(`exploration '${exploration.name}' needs a budget above 0`);
  if (withAccuracy && exploration.method.budget_unit !== undefined && exploration.method.budget_unit !== 'epochs' && opts.budget === undefined) {
    throw new ExploreError(`exploration '${exploration.name}': with accuracy as an objective the budget is in epochs, not ${exploration.method.budget_unit}`);
  }
  const dataRoot = dirname(opts.source);
  const programs = new Map<string, IrProgram>();

  const programAt = (pt: Point): IrProgram | string => {
    const key = space.key(pt);
    const known = programs.get(key);
    if (known) return known;
    const p = opts.compile(space.overrides(pt));
    if (typeof p !== 'string') programs.set(key, p);
    return p;
  };

  const hardware = (pt: Point): Record<string, number> | { infeasible: string } => {
    const ir = programAt(pt);
    if (typeof ir === 'string') return { infeasible: ir };
    try {
      const o = objectivesOf(simulate(ir, { mapping: exp.mapping, dataRoot, detail: false }));
      return { ...o };
    } catch (e) {
      if (e instanceof SimError) return { infeasible: e.message };
      throw e;
    }
  };

  let accuracy: DesignProblem['accuracy'];
  if (withAccuracy) {
    const { train } = await import('../train/trainer.js');
    const { loadExperimentData } = await import('../train/data.js');
    // The data set depends on no vary (devices and architectures do not change it): loaded once.
    const limits = { ...(opts.trainLimit ? { trainLimit: opts.trainLimit } : {}), ...(opts.testLimit ? { testLimit: opts.testLimit } : {}) };
    const data = loadExperimentData(ir, exp as IrExperiment, { dataRoot, ...limits });
    accuracy = async (pt, epochs) => {
      const p = programAt(pt);
      if (typeof p === 'string') throw new ExploreError(`design ${JSON.stringify(space.values(pt))} does not compile: ${p}`);
      const r = await train(p, exp.name, { epochs, seed: opts.seed ?? exploration.method.seed, data, progress: false });
      return r.final.test_accuracy;
    };
  }
  return {
    space,
    objectives: exploration.objectives,
    hardware,
    ...(accuracy ? { accuracy } : {}),
    fullEpochs,
    ...(exploration.method.fidelity ? { fidelity: { min: exploration.method.fidelity.min, max: exploration.method.fidelity.max } } : {}),
    budget,
    seed: opts.seed ?? exploration.method.seed,
    ...(typeof exploration.method.attributes['population'] === 'number' ? { population: exploration.method.attributes['population'] } : {}),
    ...(typeof exploration.method.attributes['samples'] === 'number' ? { samples: exploration.method.attributes['samples'] } : {}),
  };
}
