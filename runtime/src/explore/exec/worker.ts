// `pimc worker --queue redis://HOST:PORT [--concurrency N] [--lock-timeout S]`: takes exploration jobs
// from the Redis queue until stopped (SIGINT or SIGTERM: the jobs in hand finish first). Each job runs
// in one of N local child processes (pool.ts), so this process's event loop stays free to renew
// BullMQ's job locks while training holds a child's thread: a lock lapses only when this process is
// gone (killed, its machine off), and then BullMQ's stalled-job check gives the job to another worker.
// A malformed or oversized job gets an error result (job.ts's parseJob), never a crash.
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { WORKER_NAME } from './evaluator.js';
import { parseJob, type JobResult } from './job.js';
import { defaultWorkers, ProcessPool } from './pool.js';
import { connectionFor, queueName, safeUrl, withQueuedData } from './queue.js';
import { shortBuild, toolchainId } from './toolchain.js';

export interface WorkerArgs {
  queue: string;
  concurrency?: number | undefined;
  /** Seconds a job's lock lasts without renewal (and how often stalled jobs are looked for); default 30. */
  lockTimeout?: number | undefined;
}

type Out = (s: string) => void;

export async function workerCommand(args: WorkerArgs, out: Out, err: Out, childModule: string): Promise<number> {
  // Like --workers: one training process per core unless told otherwise.
  const concurrency = args.concurrency ?? defaultWorkers();
  const lockMs = (args.lockTimeout ?? 30) * 1000;
  let connection;
  try {
    connection = connectionFor(args.queue);
  } catch (e) {
    err(`pimc worker: ${(e as Error).message}`);
    return 2;
  }
  const pool = new ProcessPool(concurrency, childModule);
  const texts = new Map<string, string>();
  let down = false;
  const worker = new Worker(
    queueName(),
    async (job): Promise<JobResult> => {
      const parsed = parseJob(job.data);
      if (typeof parsed === 'string') {
        err(`pimc worker: job ${job.id}: refused: ${parsed}`);
        return { id: String(job.id), ok: false, error: `refused: ${parsed}`, worker: WORKER_NAME };
      }
      const t0 = performance.now();
      const withData = await withQueuedData(parsed, async (key) => (await worker.backend.client).get(key), texts);
      const r = await pool.run(
        withData,
        (p) => void job.updateProgress({ epoch: p.epoch, epochs: p.epochs, worker: p.worker }).catch(() => undefined),
      );
      out(
        `pimc worker: ${parsed.label}: ${r.ok ? `accuracy ${(100 * r.accuracy).toFixed(1)}%` : `failed: ${r.error}`} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${r.worker})`,
      );
      return r;
    },
    { connection, concurrency, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 2, autorun: false },
  );
  worker.on('error', (e: Error) => {
    if (!down)
      err(
        `pimc worker: Redis at ${safeUrl(args.queue)}: ${(e as NodeJS.ErrnoException).code ?? e.message}; retrying until it is back`,
      );
    down = true;
  });
  worker.on('ready', () => {
    if (down) err(`pimc worker: Redis at ${safeUrl(args.queue)} is back`);
    down = false;
  });
  out(
    `pimc worker: ${hostname()}:${process.pid} takes jobs from ${safeUrl(args.queue)} (queue ${queueName()}, build ${shortBuild(toolchainId())} of pim), ${concurrency} at a time; stop with Ctrl-C`,
  );
  let stopping = false;
  let forced = false;
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      // Without Redis the jobs in hand cannot report, and a graceful close waits for a connection that
      // may never come; a second signal is the user insisting. Either way: stop now (--resume and the
      // queue's stalled-job recovery give lost jobs to another worker).
      if (down || stopping) {
        out(`pimc worker: stopping now${down ? ' (Redis is unreachable)' : ''}`);
        forced = true;
        void worker.close(true).catch(() => undefined);
        resolve();
        return;
      }
      stopping = true;
      out('pimc worker: stopping after the jobs in hand (Ctrl-C again to stop now)');
      void worker.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  void worker.run().catch((e: unknown) => err(`pimc worker: ${(e as Error).message}`));
  await stopped;
  await pool.close();
  // Stopped without Redis: its clients may still be retrying a connection and would hold the process.
  if (forced) setTimeout(() => process.exit(0), 200).unref();
  return 0;
}
