// `pimc explore FILE [--explore NAME] [--method M] [--budget N] [--seed N] [--json OUT] [--html OUT]
// [--workers N | --queue URL] [--batch K] [--resume] [--journal FILE]`: runs one exploration of the
// program and prints its Pareto-optimal designs. Training runs as jobs (exec/) on local worker
// processes, in this process or through a Redis queue; finished jobs go to a journal that --resume
// replays; the outputs are rewritten after every trained evaluation. Progress: see progress.ts.
import * as fs from 'node:fs';
import type { DesignCompiler, IrExploration, IrProgram } from '@pim/ir';
import { checkOutputPath, OutputPathError, writeFileAtomic } from '@pim/grammar/files';
import { DataError } from '../data/errors.js';
import { fmt, mm2, pct, table } from '../report/units.js';
import { ExecutorUnavailable, InProcessExecutor, type Executor, type JobHost } from './exec/executor.js';
import { Journal, JournalConflict } from './exec/journal.js';
import { toolchainId } from './exec/toolchain.js';
import { defaultWorkers, ProcessPool } from './exec/pool.js';
import { explore, ExploreError, METHODS, type ExploreResult, type Method } from './explorer.js';
import { problemFor } from './problem.js';
import { ExploreProgress } from './progress.js';
import { paramText } from './units.js';

export {
  explore,
  ExploreError,
  mesTerm,
  METHODS,
  normalise,
  scaledHypervolume,
  type DesignProblem,
  type Evaluation,
  type ExploreResult,
  type Method,
  type ObjectiveSpec,
} from './explorer.js';
export { DesignSpace } from './space.js';
export { dominates, paretoFront, nonDominatedSort, crowdingDistance, hypervolume } from './pareto.js';
export { GaussianProcess, type GpHyper } from './gp.js';
export { fidelityAdmissible, floorMaxima, logNormCdf, lowerFidelityGain } from './acquisition.js';
export { CostModel } from './cost-model.js';
export { fidelityLevels, MAX_FIDELITY_LEVELS } from './methods/cf-mesmo.js';
export {
  readTable,
  tabularProblem,
  trueHypervolume,
  TABLE_FILE,
  TABLE_LIMITS,
  type Table,
  type TableHeader,
  type TableRow,
} from './tabular.js';
export type { ParamValue } from './space.js';
export { problemFor, withinLimits } from './problem.js';
export { programDataFiles } from '../data/planetoid.js';
export { isCheckpointFile } from '../train/checkpoint.js';
export { isInfeasible, type HardwareOutcome } from './types.js';
export { outcomeOf, simulateDesign } from './exec/hardware.js';
export { makeJob, parseJob, jobId, MAX_JOB_BYTES, type EvaluationJob, type JobResult } from './exec/job.js';
export { Journal, JournalConflict } from './exec/journal.js';
export { buildHash, importsOf, toolchainId } from './exec/toolchain.js';
export { InProcessExecutor, type Executor, type JobHost } from './exec/executor.js';
export { runJobChild } from './exec/child.js';
export type { SourcesCompiler } from './exec/evaluator.js';
export { ProcessPool } from './exec/pool.js';
export { JobEvaluator } from './exec/evaluator.js';
export { ExploreProgress } from './progress.js';

export interface ExploreArgs {
  explore?: string | undefined;
  method?: string | undefined;
  budget?: number | undefined;
  seed?: number | undefined;
  json?: string | undefined;
  html?: string | undefined;
  source: string;
  /** The source compiled again with a design point's overrides (`designCompiler` of @pim/compiler). */
  compile: DesignCompiler;
  /** The program's files as the compiler read them (jobs carry them), and how jobs are compiled and started. */
  sources: readonly { path: string; text: string }[];
  jobs: JobHost;
  trainLimit?: number | undefined;
  testLimit?: number | undefined;
  /** Local worker processes (0: in this process; default one per core). */
  workers?: number | undefined;
  /** A Redis URL: jobs go to a BullMQ queue that `pimc worker` processes take them from. */
  queue?: string | undefined;
  /** Evaluations proposed together (default: the executor's slots; 4 with a queue). */
  batch?: number | undefined;
  resume?: boolean | undefined;
  journal?: string | undefined;
  /** Seconds to wait for an unreachable Redis before giving up (default 60). */
  redisWait?: number | undefined;
}

type Out = (s: string) => void;

const UNITS: Record<string, (v: number) => string> = {
  area: mm2,
  power: (v) => fmt(v, 'W'),
  energy: (v) => fmt(v, 'J'),
  latency: (v) => fmt(v, 's'),
  throughput: (v) => fmt(v, '/s'),
  edp: (v) => fmt(v, 'J·s'),
  peak_temperature: (v) => `${v.toFixed(1)} K`,
  accuracy: pct,
};

export async function exploreCommand(ir: IrProgram, args: ExploreArgs, out: Out, err: Out): Promise<number> {
  const all = ir.explorations ?? [];
  if (all.length === 0) {
    err('pimc explore: the program has no explore declaration');
    return 1;
  }
  const ex = args.explore === undefined ? all[0]! : all.find((e) => e.name === args.explore);
  if (!ex) {
    err(`pimc explore: no exploration '${args.explore}' (the program has ${all.map((e) => e.name).join(', ')})`);
    return 2;
  }
  const method = (args.method ?? ex.method.name) as Method;
  if (!METHODS.includes(method)) {
    err(`pimc explore: unknown method '${args.method}' (one of ${METHODS.join(', ')})`);
    return 2;
  }
  const withAccuracy = ex.objectives.some((o) => o.name === 'accuracy');
  const journalFile = journalPathOf(args);
  if (args.resume && !journalFile) {
    err(
      'pimc explore: --resume needs the journal of the run: give the same --json or --html as the interrupted run, or --journal FILE',
    );
    return 2;
  }
  if (args.queue !== undefined && args.workers !== undefined) {
    err('pimc explore: give --workers or --queue, not both');
    return 2;
  }
  // pimc checked these already; a library caller gets the same refusal before any work.
  try {
    if (args.json) checkOutputPath(args.json, { what: 'pimc explore --json', kind: 'json' });
    if (args.html) checkOutputPath(args.html, { what: 'pimc explore --html', kind: 'html' });
  } catch (e) {
    if (!(e instanceof OutputPathError)) throw e;
    err(e.message);
    return 1;
  }
  let executor: Executor | undefined;
  let journal: Journal | undefined;
  let removeSignalHandlers: (() => void) | undefined;
  const tty = process.stderr.isTTY === true;
  const unitOf = new Map(ex.parameters.map((p) => [p.path, p.unit]));
  const progress = new ExploreProgress(
    (t) => process.stderr.write(t),
    tty,
    `${ex.name} (${method})`,
    budgetUnit(ex),
    (path, v) => paramText(v, unitOf.get(path)),
  );
  try {
    if (withAccuracy) {
      if (journalFile)
        journal = new Journal(
          journalFile,
          {
            journal: 'pim-explore',
            version: 2,
            exploration: ex.name,
            method,
            seed: args.seed ?? ex.method.seed,
            toolchain: toolchainId(),
          },
          args.resume === true,
        );
      if (journal?.keptAside)
        err(
          `pimc explore: the journal of an earlier run is kept as ${journal.keptAside} (--resume continues a run from its journal)`,
        );
      executor = await makeExecutor(args, err);
    }
    // Training in this process holds the event loop for a whole evaluation, and a handler would run only
    // after it: there, Ctrl-C keeps its default and stops the run at once.
    const stoppable = executor && !(executor instanceof InProcessExecutor) ? executor : undefined;
    if (stoppable)
      removeSignalHandlers = exitOnStopSignals((sig) => {
        stoppable.abandon?.();
        if (tty) progress.finish('');
        journal?.close();
        err(`pimc explore: stopped by ${sig}${journal ? `; ${resumeHint(journal)}` : ''}`);
      });
    const result = await runExploration(ir, ex, method, args, { executor, journal, progress }, out);
    if (executor) err(progress.finish(executor.description));
    return result;
  } catch (e) {
    if (tty) progress.finish('');
    if (e instanceof ExecutorUnavailable) {
      err(`pimc explore: ${e.message}${journal ? `; ${resumeHint(journal)}` : ''}`);
      return 2;
    }
    if (e instanceof ExploreError || e instanceof DataError) {
      err(`pimc explore: ${e.message}`);
      return e instanceof JournalConflict ? 2 : 1;
    }
    throw e;
  } finally {
    removeSignalHandlers?.();
    journal?.close();
    await executor?.close();
  }
}

/** The run's journal: --journal, else beside --json (or --html) as OUT.journal.jsonl; none without outputs. */
export function journalPathOf(args: {
  journal?: string | undefined;
  json?: string | undefined;
  html?: string | undefined;
}): string | undefined {
  return args.journal ?? (args.json ?? args.html)?.replace(/(\.[^./\\]*)?$/, '.journal.jsonl');
}

const resumeHint = (journal: Journal) =>
  `the journal ${journal.file} keeps every finished evaluation: run the same command with --resume to continue`;

/**
 * Ctrl-C, SIGTERM and a closed terminal end the run as a kill would (the journal already holds every
 * finished evaluation, flushed), after `say` has stopped the workers and told the user how to go on. Exit 128 + the signal's number, as a shell reports it; a second signal is not
 * caught. Returns the function that removes the handlers.
 */
function exitOnStopSignals(say: (signal: NodeJS.Signals) => void): () => void {
  const codes: [NodeJS.Signals, number][] = [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ];
  const handlers = codes.map(([signal, code]) => {
    const h = () => {
      say(signal);
      process.exit(code);
    };
    process.once(signal, h);
    return [signal, h] as const;
  });
  return () => handlers.forEach(([signal, h]) => process.off(signal, h));
}

/** In-process with --workers 0, else N local worker processes (default: one per core), or the queue. */
async function makeExecutor(args: ExploreArgs, err: Out): Promise<Executor> {
  if (args.queue !== undefined) {
    const { QueueExecutor } = await import('./exec/queue.js');
    return QueueExecutor.connect(args.queue, {
      waitSeconds: args.redisWait ?? 60,
      say: (m) => err(`pimc explore: ${m}`),
    });
  }
  // A pimc bundled without its worker entry (an editor's) trains in its own process.
  const n = args.workers ?? (fs.existsSync(args.jobs.childModule) ? defaultWorkers() : 0);
  return n === 0 ? new InProcessExecutor(args.jobs.compileSources) : new ProcessPool(n, args.jobs.childModule);
}

interface Running {
  executor: Executor | undefined;
  journal: Journal | undefined;
  progress: ExploreProgress;
}

async function runExploration(
  ir: IrProgram,
  ex: IrExploration,
  method: Method,
  args: ExploreArgs,
  run: Running,
  out: Out,
): Promise<number> {
  const { executor, journal, progress } = run;
  const replayed = new Set<string>();
  const problem = await problemFor(ir, ex, {
    source: args.source,
    compile: args.compile,
    sources: args.sources,
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(args.budget !== undefined ? { budget: args.budget } : {}),
    ...(args.trainLimit ? { trainLimit: args.trainLimit } : {}),
    ...(args.testLimit ? { testLimit: args.testLimit } : {}),
    ...(executor ? { executor: tracked(executor, progress) } : {}),
    ...(journal
      ? {
          journal: {
            get: (id: string) => {
              const r = journal.get(id);
              if (r) replayed.add(id);
              return r;
            },
            append: (r) => journal.append(r),
          },
        }
      : {}),
  });
  problem.batch = args.batch ?? executor?.slots ?? 1;
  const withAccuracy = executor !== undefined;
  const outputs = new Outputs(ex, args, problem.batch);
  problem.onEvaluation = (e, r, snapshot) => {
    progress.evaluation(e, r.spent, r.budget, withAccuracy, e.job !== undefined && replayed.has(e.job));
    // Every trained evaluation rewrites the outputs, so a long run can be watched and a crash loses
    // only the evaluations in flight; a hardware-only run (a second or so) writes once, at the end.
    // A failed write is reported by the final update, which awaits the same chain.
    if (withAccuracy) outputs.update(snapshot(), '').catch(() => undefined);
  };
  const result = await explore(problem, method);
  const text = summary(ex, result, budgetUnit(ex));
  await outputs.update(result, text);
  out(text);
  if (args.json) out(`wrote ${args.json}`);
  if (args.html) out(`wrote ${args.html}`);
  return 0;
}

/** The executor, telling the progress display when each job ends. */
function tracked(executor: Executor, progress: ExploreProgress): Executor {
  return {
    slots: executor.slots,
    description: executor.description,
    run: async (job, onProgress) => {
      try {
        return await executor.run(job, (p) => {
          progress.job(p);
          onProgress?.(p);
        });
      } finally {
        progress.jobDone(job.id);
      }
    },
    ...(executor.hardware ? { hardware: (r) => executor.hardware!(r) } : {}),
    close: () => executor.close(),
  };
}

/** --json and --html, each rewritten whole through a temporary file and a rename; writes never overlap. */
class Outputs {
  private writing: Promise<void> = Promise.resolve();
  private next: { r: ExploreResult; text: string } | undefined;

  constructor(
    private readonly ex: IrExploration,
    private readonly args: ExploreArgs,
    private readonly batch: number,
  ) {}

  update(r: ExploreResult, text: string): Promise<void> {
    if (!this.args.json && !this.args.html) return Promise.resolve();
    const idle = this.next === undefined;
    this.next = { r, text };
    if (idle) this.writing = this.writing.then(() => this.flush());
    return this.writing;
  }

  private async flush(): Promise<void> {
    const { r, text } = this.next!;
    this.next = undefined;
    const { ex, args } = this;
    if (args.json)
      writeAtomic(
        args.json,
        JSON.stringify(
          {
            exploration: ex.name,
            objectives: ex.objectives,
            parameters: ex.parameters.map((p) => p.path),
            batch: this.batch,
            // The build of pim that computed the figures (what a job's id and the journal name).
            build: toolchainId(),
            ...r,
          },
          null,
          2,
        ) + '\n',
      );
    if (args.html) {
      const { renderExploreHtml } = await import('./report.js');
      writeAtomic(
        args.html,
        await renderExploreHtml(
          ex,
          r,
          text || `${ex.name}: running, ${r.evaluations.length} designs evaluated for ${r.spent} of ${r.budget}`,
        ),
      );
    }
  }
}

/**
 * Written whole beside it, then renamed over it (a reader never sees half a file), by the project's one
 * atomic write: through a symbolic link, keeping the file's mode, as every other output.
 */
function writeAtomic(file: string, text: string): void {
  try {
    writeFileAtomic(file, text);
  } catch (e) {
    throw new ExploreError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The run in a few lines and the Pareto-optimal designs as a table. */
export function summary(ex: IrExploration, r: ExploreResult, unit: string): string {
  const lines = [
    `${ex.name}: ${r.method}, ${r.evaluations.length} designs evaluated for ${+r.spent.toFixed(1)} of ${r.budget} ${unit}${trainingCost(r)}` +
      (r.infeasible.length
        ? `; ${r.infeasible.length} designs infeasible: rejected by the compiler or the simulator, or over a limit (e.g. ${r.infeasible[0]!.reason})`
        : ''),
    `hypervolume of the Pareto front (objectives scaled to the designs' range, reference 1.1): ${(r.trace.at(-1)?.hypervolume ?? 0).toFixed(4)}`,
    `Pareto-optimal designs (${r.front.length}):`,
  ];
  const head = [
    '#',
    ...ex.parameters.map((p) => p.path),
    ...ex.objectives.map((o) => `${o.name} (${o.sense === 'minimize' ? 'min' : 'max'})`),
  ];
  const rows = r.front.map((i) => {
    const e = r.evaluations[i]!;
    return [
      String(i + 1),
      ...ex.parameters.map((p) => paramText(e.params[p.path]!, p.unit)),
      ...ex.objectives.map((o) => (UNITS[o.name] ?? String)(e.objectives[o.name]!)),
    ];
  });
  lines.push(table(head, rows));
  if (r.recommended) {
    lines.push(
      `Pareto set the model recommends (accuracy predicted at full fidelity, ± one standard deviation; ${r.recommended.length}):`,
    );
    const recRows = r.recommended.map((d, i) => [
      String(i + 1),
      ...ex.parameters.map((p) => paramText(d.params[p.path]!, p.unit)),
      ...ex.objectives.map((o) =>
        o.name === 'accuracy'
          ? `${pct(d.objectives[o.name]!)} ± ${(100 * d.sd).toFixed(1)}`
          : (UNITS[o.name] ?? String)(d.objectives[o.name]!),
      ),
    ]);
    lines.push(table(head, recRows));
  }
  return lines.join('\n');
}

/** The unit the budget counts in: evaluations without accuracy, else epochs or CPU seconds (`budget: 2 h`). */
function budgetUnit(ex: IrExploration): string {
  if (!ex.objectives.some((o) => o.name === 'accuracy')) return 'evaluations';
  return ex.method.budget_unit === 'cpu_seconds' ? 'CPU s' : 'epochs';
}

/** Both costs of the training, whatever the budget's unit: epochs and, where measured, CPU seconds. */
function trainingCost(r: ExploreResult): string {
  const epochs = r.evaluations.reduce((a, e) => a + (e.epochs ?? 0), 0);
  if (epochs === 0) return '';
  const timed = r.evaluations.filter((e) => e.cpuSeconds !== undefined);
  const cpu = timed.reduce((a, e) => a + e.cpuSeconds!, 0);
  return ` (training: ${epochs} epochs${timed.length ? `, ${cpu.toFixed(1)} CPU s` : ''})`;
}

/** `pimc worker`: loads BullMQ only for this command. */
export async function workerCommand(
  args: { queue: string; concurrency?: number | undefined; lockTimeout?: number | undefined; childModule: string },
  out: Out,
  err: Out,
): Promise<number> {
  const { workerCommand: run } = await import('./exec/worker.js');
  return run(args, out, err, args.childModule);
}
