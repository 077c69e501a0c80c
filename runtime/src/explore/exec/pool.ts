// `--workers N`: N child processes on this machine, each with its own tfjs-wasm (single-threaded under
// Node, so one process per core is how training uses every core). Jobs wait in order for a free
// child. A child that dies in the middle of a job (killed, out of memory) is replaced and the job run
// again by another, at most twice, so one lost process does not lose the run.
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { FromChild } from './child.js';
import type { Executor, JobProgress } from './executor.js';
import type { EvaluationJob, JobResult } from './job.js';

const ATTEMPTS = 3;

interface Waiting {
  job: EvaluationJob;
  onProgress: ((p: JobProgress) => void) | undefined;
  resolve(r: JobResult): void;
  attempts: number;
}

interface Slot {
  child: ChildProcess;
  current?: Waiting;
}

export function defaultWorkers(): number {
  return availableParallelism();
}

export class ProcessPool implements Executor {
  readonly description: string;
  private readonly slotsInUse: Slot[] = [];
  private readonly waiting: Waiting[] = [];
  private closed = false;

  /** `childModule`: the entry a worker process starts from (it calls child.ts's runJobChild with the compiler). */
  constructor(
    readonly slots: number,
    private readonly childModule: string,
  ) {
    this.description = `${slots} local worker process${slots === 1 ? '' : 'es'}`;
  }

  run(job: EvaluationJob, onProgress?: (p: JobProgress) => void): Promise<JobResult> {
    return new Promise((resolve) => {
      this.waiting.push({ job, onProgress, resolve, attempts: 0 });
      this.pump();
    });
  }

  private pump(): void {
    while (!this.closed && this.waiting.length > 0) {
      let slot = this.slotsInUse.find((s) => !s.current);
      if (!slot && this.slotsInUse.length < this.slots) slot = this.spawn();
      if (!slot) return;
      const w = this.waiting.shift()!;
      w.attempts++;
      slot.current = w;
      slot.child.send({ type: 'job', job: w.job });
    }
  }

  private spawn(): Slot {
    // No inspector or loader flags of the parent; stdout is the coordinator's alone.
    const child = fork(this.childModule, [], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const slot: Slot = { child };
    child.on('message', (m: FromChild) => {
      const w = slot.current;
      if (!w) return;
      if (m.type === 'progress' && m.id === w.job.id)
        w.onProgress?.({ job: w.job, worker: m.worker, epoch: m.epoch, epochs: m.epochs });
      else if (m.type === 'result' && m.result.id === w.job.id) {
        slot.current = undefined;
        w.resolve(m.result);
        this.pump();
      }
    });
    child.on('exit', (code, signal) => this.lost(slot, signal ?? `exit code ${code}`));
    child.on('error', () => this.lost(slot, 'error'));
    this.slotsInUse.push(slot);
    return slot;
  }

  private lost(slot: Slot, how: string): void {
    const i = this.slotsInUse.indexOf(slot);
    if (i < 0) return;
    this.slotsInUse.splice(i, 1);
    const w = slot.current;
    slot.current = undefined;
    if (w && !this.closed) {
      if (w.attempts < ATTEMPTS) this.waiting.unshift(w);
      else
        w.resolve({
          id: w.job.id,
          ok: false,
          error: `the worker process running it ended (${how}) ${w.attempts} times`,
          worker: `pid ${slot.child.pid}`,
        });
    }
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    const exits = this.slotsInUse.map(
      (s) =>
        new Promise<void>((res) =>
          s.child.exitCode !== null || s.child.signalCode !== null ? res() : s.child.once('exit', () => res()),
        ),
    );
    // An idle child ends when its channel closes; one still training is stopped.
    for (const s of this.slotsInUse) {
      if (s.current) s.child.kill();
      if (s.child.connected) s.child.disconnect();
    }
    await Promise.all(exits);
  }
}
