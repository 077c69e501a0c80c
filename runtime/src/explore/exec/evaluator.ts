// Runs evaluation jobs where it lives (the coordinator's own process, a local child process, a queue
// worker's child): the design compiled from the job's sources with its overrides, the experiment
// trained for the job's epochs with the hardware-aware trainer, test accuracy after every epoch.
// Every executor runs jobs through this one function, so a result does not depend on where it ran.
// The sources are read only from the job (an import outside it is a compile error, never a file read
// on the worker); data sets the program names by path resolve against the coordinator's folder.
import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import type { IrExperiment, IrOverride, IrProgram } from '@pim/ir';
import type { LoadedData } from '../../train/data.js';
import { parseJob, type EvaluationJob, type JobDataFile, type JobResult } from './job.js';
import { shortBuild, toolchainId } from './toolchain.js';

/**
 * The compiler as jobs need it (the runtime does not depend on the compiler; `pimc` passes
 * `sourcesCompiler()` of @pim/compiler): the entry compiled from the given files only, with overrides;
 * the IR, or the first error as text.
 */
export type SourcesCompiler = (
  entry: string,
  files: ReadonlyMap<string, string>,
  overrides: readonly IrOverride[],
) => IrProgram | string;

/** Where a result was measured: host and process. */
export const WORKER_NAME = `${hostname()}:${process.pid}`;

const KEEP_DATA = 4;

export class JobEvaluator {
  /** Loaded data sets by sources, experiment and limits (no `vary` changes a data set): MNIST parses once. */
  private readonly data = new Map<string, LoadedData>();

  constructor(
    private readonly compileSources: SourcesCompiler,
    readonly worker = WORKER_NAME,
  ) {}

  /** The result of a job (an error result for a malformed job or a failed training; never throws). */
  async run(data: unknown, onEpoch?: (epoch: number, epochs: number) => void): Promise<JobResult> {
    const parsed = parseJob(data);
    const id = typeof parsed === 'string' ? String((data as { id?: unknown } | null)?.id ?? '?') : parsed.id;
    if (typeof parsed === 'string') return { id, ok: false, error: `refused: ${parsed}`, worker: this.worker };
    const job = parsed;
    const build = toolchainId();
    if (job.toolchain !== build)
      return {
        id,
        ok: false,
        error: `refused: the job was made by build ${shortBuild(job.toolchain)} of pim and this worker runs build ${shortBuild(build)}: install the same commit on the coordinator and every worker (npm ci && npm run build)`,
        worker: this.worker,
      };
    const wall0 = performance.now();
    const cpu0 = process.cpuUsage();
    try {
      const ir = this.compile(job);
      if (typeof ir === 'string') return { id, ok: false, error: ir, worker: this.worker };
      const { train } = await import('../../train/trainer.js');
      const curve: number[] = [];
      const cpuCurve: number[] = [];
      onEpoch?.(0, job.epochs);
      const r = await train(ir, job.experiment, {
        epochs: job.epochs,
        seed: job.seed,
        data: await this.dataFor(job, ir),
        progress: false,
        onEpoch: (m) => {
          curve.push(m.test_accuracy);
          const c = process.cpuUsage(cpu0);
          cpuCurve.push((c.user + c.system) / 1e6);
          onEpoch?.(m.epoch, job.epochs);
        },
      });
      const cpu = process.cpuUsage(cpu0);
      return {
        id,
        ok: true,
        accuracy: r.final.test_accuracy,
        curve,
        cpuCurve,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        wallSeconds: (performance.now() - wall0) / 1000,
        worker: this.worker,
      };
    } catch (e) {
      return { id, ok: false, error: e instanceof Error ? e.message : String(e), worker: this.worker };
    }
  }

  /**
   * The data set's texts: those the job carries (parseJob has checked their hashes; their names must be
   * the files this program reads), else this machine's files, checked against the job's hashes.
   */
  private async verifiedData(
    job: EvaluationJob,
    ir: IrProgram,
    dataset: string,
  ): Promise<Record<string, string> | undefined> {
    const { datasetFilePaths, datasetFiles } = await import('../../data/planetoid.js');
    const inline = job.data.length > 0 && job.data.every((d) => d.text !== undefined);
    if (inline) {
      const names = datasetFilePaths(ir, dataset, job.root).map((f) => basename(f));
      const sent = job.data.map((d) => d.file);
      if (names.join('\0') !== sent.join('\0'))
        throw new Error(
          `data set '${dataset}': the job carries ${sent.join(', ')}, the program reads ${names.join(', ')}`,
        );
      return Object.fromEntries(job.data.map((d) => [d.file, d.text!]));
    }
    // Read once: what was checked is what is loaded.
    const here = datasetFiles(ir, dataset, job.root);
    const differs = dataDiffers(job.data, here);
    if (differs) throw new Error(`data set '${dataset}': ${differs}`);
    return here.length ? Object.fromEntries(here.map((f) => [f.file, f.text])) : undefined;
  }

  private compile(job: EvaluationJob): IrProgram | string {
    const texts = new Map(job.sources.map((s) => [resolve(job.root, s.path), s.text]));
    const ir = this.compileSources(resolve(job.root, job.entry), texts, job.overrides);
    return typeof ir === 'string' ? `the design does not compile: ${ir}` : ir;
  }

  private async dataFor(job: EvaluationJob, ir: IrProgram): Promise<LoadedData> {
    const key = JSON.stringify([
      job.sources.map((s) => s.sha256),
      job.root,
      job.data.map((d) => d.sha256),
      job.experiment,
      job.trainLimit,
      job.testLimit,
    ]);
    let d = this.data.get(key);
    if (!d) {
      const exp = ir.experiments.find((e) => e.name === job.experiment);
      if (!exp) throw new Error(`no experiment '${job.experiment}' in the program`);
      const texts = await this.verifiedData(job, ir, exp.dataset);
      const { loadExperimentData } = await import('../../train/data.js');
      d = loadExperimentData(ir, exp as IrExperiment, {
        dataRoot: job.root,
        ...(texts ? { planetoidTexts: texts } : {}),
        ...(job.trainLimit ? { trainLimit: job.trainLimit } : {}),
        ...(job.testLimit ? { testLimit: job.testLimit } : {}),
      });
      if (this.data.size >= KEEP_DATA) this.data.delete(this.data.keys().next().value!);
      this.data.set(key, d);
    }
    return d;
  }
}

/** Why the data files (by name and SHA-256) are not the coordinator's, or undefined when they are. */
function dataDiffers(
  coordinator: readonly JobDataFile[],
  here: readonly (JobDataFile & { path: string })[],
): string | undefined {
  if (coordinator.length !== here.length)
    return `read from ${here.length} files here and ${coordinator.length} on the coordinator`;
  for (let i = 0; i < here.length; i++) {
    const [h, c] = [here[i]!, coordinator[i]!];
    if (h.file !== c.file || h.sha256 !== c.sha256)
      return `${h.path} on this worker is not the coordinator's ${c.file} (SHA-256 ${h.sha256.slice(0, 12)}… here, ${c.sha256.slice(0, 12)}… there)`;
  }
  return undefined;
}
