// Where an exploration's jobs run, behind one interface: in this process (`InProcessExecutor`), in
// child processes on this machine (`--workers N`, pool.ts), or on any machine through a Redis queue
// (`--queue redis://…`, queue.ts). An executor takes jobs as fast as they come and runs as many at once
// as it has slots; the session decides what to propose, and records results in proposal order.
import { JobEvaluator, WORKER_NAME, type SourcesCompiler } from './evaluator.js';
import type { HardwareAnswer, HardwareRequest } from './hardware.js';
import type { EvaluationJob, JobResult } from './job.js';

/** What a command needs to run jobs: the compiler for in-process jobs, the module local worker processes start from. */
export interface JobHost {
  compileSources: SourcesCompiler;
  /** Path of a module that calls runJobChild (child.ts) with the compiler. */
  childModule: string;
}

export interface JobProgress {
  job: EvaluationJob;
  worker: string;
  epoch: number;
  epochs: number;
}

export interface Executor {
  /** Jobs it runs at once (the default batch). */
  readonly slots: number;
  /** For the totals line: "this process", "2 local worker processes", "queue redis://host:port". */
  readonly description: string;
  run(job: EvaluationJob, onProgress?: (p: JobProgress) => void): Promise<JobResult>;
  /**
   * Where the executor has local processes: the hardware objectives of many design points, computed
   * there in parallel (an answer per point, in order). Without it the coordinator computes them.
   */
  hardware?(request: HardwareRequest): Promise<HardwareAnswer[]>;
  close(): Promise<void>;
  /**
   * Ends at once, synchronously, before this process exits on a signal: local processes are killed (the
   * jobs they hold are lost; the journal keeps the finished ones). A queue's jobs stay in Redis.
   */
  abandon?(): void;
}

/** Today's executor: jobs one after another in this process (training holds the thread anyway). */
export class InProcessExecutor implements Executor {
  readonly slots = 1;
  readonly description = 'this process';
  private readonly evaluator: JobEvaluator;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(compileSources: SourcesCompiler) {
    this.evaluator = new JobEvaluator(compileSources, WORKER_NAME);
  }

  run(job: EvaluationJob, onProgress?: (p: JobProgress) => void): Promise<JobResult> {
    const next = this.tail.then(() =>
      this.evaluator.run(job, (epoch, epochs) => onProgress?.({ job, worker: this.evaluator.worker, epoch, epochs })),
    );
    this.tail = next;
    return next;
  }

  async close(): Promise<void> {}
}

/** The executor cannot run jobs (Redis unreachable past the wait): the run stops, its journal kept. */
export class ExecutorUnavailable extends Error {}
