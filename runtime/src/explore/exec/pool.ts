// `--workers N`: N child processes on this machine, each with its own tfjs-wasm (single-threaded under
// Node, so one process per core is how training uses every core). Work waits in order for a free
// child: training jobs, and chunks of design points whose hardware objectives the children compute at
// the start of a run (hardware.ts), so that part too runs on every core. A child stays up between
// pieces of work (its tfjs, parses and data sets loaded once). A child that dies in the middle of a
// job (killed, out of memory) is replaced and the job run again by another, at most twice, so one lost
// process does not lose the run.
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { FromChild, ToChild } from './child.js';
import type { Executor, JobProgress } from './executor.js';
import type { HardwareAnswer, HardwareRequest } from './hardware.js';
import type { EvaluationJob, JobResult } from './job.js';

const ATTEMPTS = 3;
/** Design points per hardware message (~10 ms each with a thermal solve): the pool spreads evenly over the children. */
const CHUNK = 16;
/**
 * V8's young generation per worker, in MB per semi-space (the default is 16): a training allocates
 * fast, and with the default its scavenges (on the main thread, memory-bound) grew by two thirds when
 * two workers ran side by side; at 64 the two young generations crowded each other's caches instead
 * (docs/explorer.md measures 16, 32 and 64). Costs up to 3 × 32 MB of memory per worker.
 */
const SEMI_SPACE_MB = 32;

type Waiting = { attempts: number } & (
  | {
      kind: 'job';
      job: EvaluationJob;
      onProgress: ((p: JobProgress) => void) | undefined;
      resolve(r: JobResult): void;
    }
  | { kind: 'hardware'; id: string; request: HardwareRequest; resolve(r: HardwareAnswer[]): void }
);

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
  private chunks = 0;

  /** `childModule`: the entry a worker process starts from (it calls child.ts's runJobChild with the compiler). */
  constructor(
    readonly slots: number,
    private readonly childModule: string,
  ) {
    this.description = `${slots} local worker process${slots === 1 ? '' : 'es'}`;
  }

  run(job: EvaluationJob, onProgress?: (p: JobProgress) => void): Promise<JobResult> {
    return new Promise((resolve) => this.enqueue({ kind: 'job', job, onProgress, resolve, attempts: 0 }));
  }

  /** The points' objectives, computed by the children in chunks (an answer per point, in order). */
  async hardware(request: HardwareRequest): Promise<HardwareAnswer[]> {
    // Chunks of points in the order of their overrides: designs that differ only in the last parameters
    // (a clock, an ADC) often share a die, and a child reuses the thermal system of the one before.
    const keys = request.points.map((p) => JSON.stringify(p));
    const order = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
    const sorted = order.map((i) => request.points[i]!);
    const parts: Promise<HardwareAnswer[]>[] = [];
    for (let i = 0, size = 0; i < sorted.length; i += size) {
      // Guided sizes: at most CHUNK, shrinking with what is left, so the children finish within about one
      // design of each other instead of one waiting out the other's last full chunk before the trainings.
      size = Math.max(1, Math.min(CHUNK, Math.ceil((sorted.length - i) / (2 * this.slots))));
      const points = sorted.slice(i, i + size);
      const id = `hardware-${++this.chunks}`;
      parts.push(
        new Promise<HardwareAnswer[]>((resolve) =>
          this.enqueue({ kind: 'hardware', id, request: { ...request, points }, resolve, attempts: 0 }),
        ).then((a) => points.map((_, k) => a[k] ?? { error: 'no answer' })),
      );
    }
    const answers = (await Promise.all(parts)).flat();
    const inRequestOrder: HardwareAnswer[] = new Array(answers.length);
    order.forEach((i, k) => (inRequestOrder[i] = answers[k]!));
    return inRequestOrder;
  }

  private enqueue(w: Waiting): void {
    this.waiting.push(w);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.waiting.length > 0) {
      let slot = this.slotsInUse.find((s) => !s.current);
      if (!slot && this.slotsInUse.length < this.slots) slot = this.spawn();
      if (!slot) return;
      const w = this.waiting.shift()!;
      w.attempts++;
      slot.current = w;
      const m: ToChild =
        w.kind === 'job' ? { type: 'job', job: w.job } : { type: 'hardware', id: w.id, request: w.request };
      slot.child.send(m);
    }
  }

  private spawn(): Slot {
    // No inspector or loader flags of the parent; stdout is the coordinator's alone. Single-threaded V8:
    // with a worker per core, a worker's background GC and compiler threads took CPU from the others
    // (docs/explorer.md measures it). Structured-clone messages, so objectives that are not finite
    // (NaN, Infinity) arrive as they are.
    const child = fork(this.childModule, [], {
      execArgv: ['--single-threaded', `--max-semi-space-size=${SEMI_SPACE_MB}`],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const slot: Slot = { child };
    child.on('message', (m: FromChild) => this.message(slot, m));
    child.on('exit', (code, signal) => this.lost(slot, signal ?? `exit code ${code}`));
    child.on('error', () => this.lost(slot, 'error'));
    this.slotsInUse.push(slot);
    return slot;
  }

  private message(slot: Slot, m: FromChild): void {
    const w = slot.current;
    if (!w) return;
    if (w.kind === 'job') {
      if (m.type === 'progress' && m.id === w.job.id)
        w.onProgress?.({ job: w.job, worker: m.worker, epoch: m.epoch, epochs: m.epochs });
      else if (m.type === 'result' && m.result.id === w.job.id) this.finish(slot, () => w.resolve(m.result));
    } else if (m.type === 'hardware' && m.id === w.id) this.finish(slot, () => w.resolve(m.answers));
  }

  private finish(slot: Slot, answer: () => void): void {
    slot.current = undefined;
    answer();
    this.pump();
  }

  private lost(slot: Slot, how: string): void {
    const i = this.slotsInUse.indexOf(slot);
    if (i < 0) return;
    this.slotsInUse.splice(i, 1);
    const w = slot.current;
    slot.current = undefined;
    if (w && !this.closed) {
      if (w.attempts < ATTEMPTS) this.waiting.unshift(w);
      else {
        const error = `the worker process running it ended (${how}) ${w.attempts} times`;
        if (w.kind === 'hardware') w.resolve(w.request.points.map(() => ({ error })));
        else w.resolve({ id: w.job.id, ok: false, error, worker: `pid ${slot.child.pid}` });
      }
    }
    this.pump();
  }

  /** Every child killed now: a child in a training would only see its channel close after the job. */
  abandon(): void {
    this.closed = true;
    for (const s of this.slotsInUse) s.child.kill();
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
