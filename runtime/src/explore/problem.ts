// An IR exploration turned into a DesignProblem: each design point is the source program compiled
// again with the point's `vary` values as overrides (the IR holds results, not the formulas behind
// them, so a design point needs the compiler, which the caller passes in), simulated for its hardware
// objectives, and trained on the `evaluate` experiment for accuracy. Training is a job (exec/job.ts)
// run by an executor — local worker processes, this process, or a queue — after the journal is asked
// whether it already holds the result.
import { dirname, relative, sep } from 'node:path';
import type { DesignCompiler, IrExperiment, IrExploration, IrProgram } from '@pim/ir';
import { InProcessExecutor, type Executor, type JobProgress } from './exec/executor.js';
import { designObjectives, isOutcome } from './exec/hardware.js';
import { makeJob, MAX_INLINE_DATA_BYTES, sha256, type JobDataFile, type JobSource } from './exec/job.js';
import { toolchainId } from './exec/toolchain.js';
import { datasetFiles } from '../data/planetoid.js';
import type { Journal } from './exec/journal.js';
import type { SourcesCompiler } from './exec/evaluator.js';
import { ExploreError, isInfeasible, type DesignProblem, type HardwareOutcome, type Measurement } from './types.js';
import { DesignSpace, type Point } from './space.js';
import { OBJECTIVE_SCALE, paramText } from './units.js';

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
  /** With accuracy: the program's files (entry and imports, as the compiler read them), which jobs carry. */
  sources?: readonly { path: string; text: string }[];
  /** Where training jobs run (default: in this process, compiled by `compileSources`). */
  executor?: Executor;
  compileSources?: SourcesCompiler;
  /** Finished jobs: asked first, appended to after every job. */
  journal?: Pick<Journal, 'get' | 'append'>;
  onProgress?: (p: JobProgress) => void;
}

export async function problemFor(
  ir: IrProgram,
  exploration: IrExploration,
  opts: ProblemOptions,
): Promise<DesignProblem> {
  const exp = ir.experiments.find((e) => e.name === exploration.evaluate);
  if (!exp)
    throw new ExploreError(
      `exploration '${exploration.name}': its evaluate, '${exploration.evaluate}', is not an experiment of the program`,
    );
  const space = new DesignSpace(exploration.parameters);
  if (exploration.parameters.length === 0) throw new ExploreError(`exploration '${exploration.name}' varies nothing`);
  const withAccuracy = exploration.objectives.some((o) => o.name === 'accuracy');
  if ([...exploration.objectives, ...(exploration.limits ?? [])].some((o) => o.name === 'peak_temperature')) {
    const mapping = ir.mappings.find((m) => m.name === exp.mapping);
    const arch = ir.architectures.find((a) => a.name === mapping?.architecture);
    if (arch && !arch.thermal)
      throw new ExploreError(
        `exploration '${exploration.name}': peak_temperature needs a 'thermal' block in architecture '${arch.name}'`,
      );
  }
  if (withAccuracy && exp.kind !== 'train')
    throw new ExploreError(
      `exploration '${exploration.name}': accuracy needs a train experiment to evaluate, and '${exp.name}' is a run`,
    );
  const fullEpochs = exploration.method.fidelity?.max ?? exp.epochs;
  // A grid without a budget visits every design.
  const budget =
    opts.budget ??
    exploration.method.budget ??
    (exploration.method.name === 'grid' ? space.size * (withAccuracy ? fullEpochs : 1) : undefined);
  if (budget === undefined || !(budget > 0))
    throw new ExploreError(`exploration '${exploration.name}' needs a budget above 0`);
  // `budget: 2 h` (the compiler's 'cpu_seconds'): each evaluation costs the CPU seconds its training used.
  const costUnit = exploration.method.budget_unit === 'cpu_seconds' ? 'cpu' : 'epochs';
  if (
    withAccuracy &&
    costUnit === 'epochs' &&
    exploration.method.budget_unit !== undefined &&
    exploration.method.budget_unit !== 'epochs' &&
    opts.budget === undefined
  ) {
    throw new ExploreError(
      `exploration '${exploration.name}': with accuracy as an objective the budget is in epochs or a CPU time, not ${exploration.method.budget_unit}`,
    );
  }
  const files = programFiles(opts);
  const programs = new Map<string, IrProgram>();

  const programAt = (pt: Point): IrProgram | string => {
    const key = space.key(pt);
    const known = programs.get(key);
    if (known) return known;
    const p = opts.compile(space.overrides(pt));
    if (typeof p !== 'string') programs.set(key, p);
    return p;
  };

  // Designs whose objectives the executor's processes computed (prepareHardware); the rest here.
  const prepared = new Map<string, HardwareOutcome>();
  const hardware = (pt: Point): HardwareOutcome =>
    withinLimits(
      prepared.get(space.key(pt)) ?? designObjectives(programAt(pt), exp.mapping, files.root),
      exploration.limits,
    );
  const executor = opts.executor;
  const prepareHardware =
    executor?.hardware && files.sources.length
      ? async (points: readonly Point[]): Promise<void> => {
          const answers = await executor.hardware!({
            ...files,
            mapping: exp.mapping,
            points: points.map((pt) => space.overrides(pt)),
          });
          // A point a process could not answer (it failed on it) is left to this process.
          answers.forEach((a, i) => isOutcome(a) && prepared.set(space.key(points[i]!), a));
        }
      : undefined;

  const accuracy = withAccuracy
    ? accuracyByJobs(ir, exploration, exp, space, files, { ...opts, seed: opts.seed ?? exploration.method.seed })
    : undefined;
  return {
    space,
    objectives: exploration.objectives,
    hardware,
    ...(prepareHardware ? { prepareHardware } : {}),
    ...(accuracy ? { accuracy } : {}),
    fullEpochs,
    ...(exploration.method.fidelity
      ? { fidelity: { min: exploration.method.fidelity.min, max: exploration.method.fidelity.max } }
      : {}),
    budget,
    costUnit,
    seed: opts.seed ?? exploration.method.seed,
    ...(typeof exploration.method.attributes['population'] === 'number'
      ? { population: exploration.method.attributes['population'] }
      : {}),
    ...(typeof exploration.method.attributes['samples'] === 'number'
      ? { samples: exploration.method.attributes['samples'] }
      : {}),
  };
}

/** A design's outcome, or infeasible when its figures exceed one of the exploration's limits. */
export function withinLimits(o: HardwareOutcome, limits: IrExploration['limits']): HardwareOutcome {
  const over = isInfeasible(o) ? undefined : overLimit(o, limits);
  return over ? { infeasible: over } : o;
}

/** The first of an exploration's limits a design's figures exceed, said in words; undefined if none. */
export function overLimit(o: Record<string, number>, limits: IrExploration['limits']): string | undefined {
  for (const l of limits ?? []) {
    const v = o[l.name]!;
    if (!(v <= l.max)) {
      const [symbol, scale] = OBJECTIVE_SCALE[l.name]!;
      const show = (v: number) => `${Number((v * scale).toPrecision(4))} ${symbol}`;
      return `${l.name} ${show(v)} is over its limit of ${show(l.max)}`;
    }
  }
  return undefined;
}

/** Accuracy as jobs: the journal's result when it has one, else the executor's (then journaled). */
function accuracyByJobs(
  ir: IrProgram,
  exploration: IrExploration,
  exp: IrExperiment,
  space: DesignSpace,
  files: ProgramFiles,
  opts: ProblemOptions & { seed: number },
): NonNullable<DesignProblem['accuracy']> {
  if (!files.sources.length)
    throw new ExploreError('accuracy is trained by jobs, which carry the program: the problem needs its sources');
  const sources: JobSource[] = files.sources.map((f) => ({ path: f.path, sha256: sha256(f.text), text: f.text }));
  let executor = opts.executor;
  // The data set's files, read and hashed once (no `vary` changes a data set): jobs on other copies are
  // other work. Small sets travel with each job, so a worker needs no copy of its own.
  let data: JobDataFile[] | undefined;
  const toolchain = toolchainId();
  return async (pt, epochs): Promise<Measurement> => {
    const values = space.values(pt);
    data ??= jobData(ir, exp.dataset, files.root);
    const job = makeJob({
      toolchain,
      data,
      root: files.root,
      entry: files.entry,
      sources,
      experiment: exp.name,
      overrides: space.overrides(pt),
      epochs,
      seed: opts.seed,
      ...(opts.trainLimit ? { trainLimit: opts.trainLimit } : {}),
      ...(opts.testLimit ? { testLimit: opts.testLimit } : {}),
      label: `${exploration.name} ${exploration.parameters.map((p) => paramText(values[p.path]!, p.unit)).join(' ')} @${epochs}`,
    });
    let r = opts.journal?.get(job.id);
    if (!r) {
      if (!executor) {
        if (!opts.compileSources)
          throw new ExploreError('accuracy is trained by jobs: the problem needs an executor or a compiler for them');
        executor = new InProcessExecutor(opts.compileSources);
      }
      const got = await executor.run(job, opts.onProgress);
      if (!got.ok)
        throw new ExploreError(
          `design ${JSON.stringify(values)} at ${epochs} epochs (job ${job.id.slice(0, 12)}, worker ${got.worker}): ${got.error}`,
        );
      opts.journal?.append(got);
      r = got;
    }
    return {
      accuracy: r.accuracy,
      curve: r.curve,
      ...(r.cpuCurve ? { cpuCurve: r.cpuCurve } : {}),
      job: r.id,
      worker: r.worker,
      cpuSeconds: r.cpuSeconds,
      wallSeconds: r.wallSeconds,
    };
  };
}

/** A data set's files as jobs carry them: by name and hash, with their texts when small enough to travel. */
function jobData(ir: IrProgram, dataset: string, root: string): JobDataFile[] {
  const files = datasetFiles(ir, dataset, root);
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  return files.map(({ file, sha256, text }) => ({ file, sha256, ...(bytes <= MAX_INLINE_DATA_BYTES ? { text } : {}) }));
}

/** The program's folder, and its entry and files as jobs and hardware requests name them. */
interface ProgramFiles {
  root: string;
  entry: string;
  sources: { path: string; text: string }[];
}

function programFiles(opts: ProblemOptions): ProgramFiles {
  const root = dirname(opts.source);
  /** A file's path relative to the entry's folder, '/'-separated. */
  const rel = (file: string) => relative(root, file).split(sep).join('/');
  return {
    root,
    entry: rel(opts.source),
    sources: (opts.sources ?? []).map((f) => ({ path: rel(f.path), text: f.text })),
  };
}
