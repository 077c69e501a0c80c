// `--queue redis://…`: the coordinator's side of the Redis queue. Each job is added to a BullMQ queue
// under its content hash as BullMQ's job id, so adding work already queued or done is a no-op and a
// resumed coordinator collects results that finished while it was away; `pimc worker` processes on
// any machine take the jobs (worker.ts). A worker that dies mid-job loses its lock and BullMQ's
// stalled-job check hands the job to another worker; the coordinator waits for the one completion.
// Redis unreachable: the coordinator retries, says so once, and gives up after `waitSeconds`
// (ExecutorUnavailable: the command exits 2 with its journal intact). Each build of pim has a queue of its
// own (`queueName`): workers of another build never take a job they would train differently, and the
// coordinator says so when no worker of its build is connected.
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { ExecutorUnavailable, type Executor, type JobProgress } from './executor.js';
import { sha256, type EvaluationJob, type JobResult } from './job.js';
import { shortBuild, toolchainId } from './toolchain.js';

/** The BullMQ queue of a build of pim (toolchain.ts): `pim-explore-` and the build's short hash. */
export const queueName = (build: string = toolchainId()): string => `pim-explore-${shortBuild(build)}`;
/** Finished jobs stay in Redis this long, so a resumed coordinator can still collect them. */
const KEEP_SECONDS = 7 * 24 * 3600;
/** Times a job that failed in the queue (workers lost on it) is put back before the run gives up. */
const RESUBMITS = 3;

/** Where a data file's text waits for workers: by its SHA-256, beside the build's queue. */
export const dataKey = (sha256: string): string => `pim-explore:data:${sha256}`;

/** Texts a worker fetched and checked, by hash: a run's jobs share one data set, fetched once. */
const KEEP_TEXTS = 4;

/**
 * A queued job with its data files' texts back from Redis (`get`), where the coordinator put them. A
 * text that is gone (expired) or does not match its hash is left out: the worker then reads its own
 * copy, checked against the hash. `known` keeps the checked texts between jobs (the worker's own map).
 */
export async function withQueuedData(
  job: EvaluationJob,
  get: (key: string) => Promise<string | null>,
  known: Map<string, string>,
): Promise<EvaluationJob> {
  if (job.data.length === 0 || job.data.every((d) => d.text !== undefined)) return job;
  const data = [];
  for (const d of job.data) {
    let text = d.text ?? known.get(d.sha256);
    if (text === undefined) {
      const fetched = await get(dataKey(d.sha256));
      if (fetched === null || sha256(fetched) !== d.sha256) return job;
      if (known.size >= KEEP_TEXTS) known.delete(known.keys().next().value!);
      known.set(d.sha256, (text = fetched));
    }
    data.push({ ...d, text });
  }
  return { ...job, data };
}

/** The URL for messages: the password replaced by ***. */
export function safeUrl(url: string): string {
  return url.replace(
    /^(rediss?:\/\/)([^@/]*)@/,
    (_m, scheme: string, auth: string) => `${scheme}${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`,
  );
}

/** ioredis options for a redis:// or rediss:// URL (password, user and db come from the URL). */
export function connectionFor(url: string): {
  url: string;
  maxRetriesPerRequest: null;
  retryStrategy: (times: number) => number;
} {
  if (!/^rediss?:\/\//.test(url))
    throw new ExecutorUnavailable(`--queue wants a redis:// or rediss:// URL, not '${safeUrl(url)}'`);
  // Checked here, not by the client: a bad port retried forever, a bad database number crashed on SELECT.
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ExecutorUnavailable(
      `--queue '${safeUrl(url)}' is not a valid URL (redis://[:password@]host[:port][/db])`,
    );
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^(?:[0-9]|1[0-5])$/.test(db))
    throw new ExecutorUnavailable(`--queue '${safeUrl(url)}': the database number must be 0 to 15, not '${db}'`);
  return { url, maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(250 * times, 2000) };
}

interface Waiting {
  onProgress: ((p: JobProgress) => void) | undefined;
  job: EvaluationJob;
  reject(e: unknown): void;
}

export class QueueExecutor implements Executor {
  readonly description: string;
  private readonly waiting = new Map<string, Waiting>();
  private downSince: number | undefined;
  private lastError = '';
  private failed: ExecutorUnavailable | undefined;
  private readonly watchdog: NodeJS.Timeout;
  private readonly guards = new Set<(e: unknown) => void>();
  private queue: Queue | undefined;
  private events: QueueEvents | undefined;

  /** Watches Redis through a connection of its own; the queue's connections open once it answers. */
  private constructor(
    private readonly url: string,
    private readonly probe: Redis,
    readonly slots: number,
    private readonly opts: { waitSeconds: number; say: (m: string) => void },
  ) {
    this.description = `the queue at ${safeUrl(url)}`;
    this.downSince = Date.now();
    probe.on('error', (e: Error) => this.down(e));
    probe.on('close', () => this.down());
    probe.on('ready', () => {
      if (this.lastError) opts.say(`Redis at ${safeUrl(url)} answers`);
      this.downSince = undefined;
      this.lastError = '';
      this.readyWaiters.forEach((r) => r());
      this.readyWaiters.clear();
    });
    this.watchdog = setInterval(() => this.check(), 250);
  }

  private readonly readyWaiters = new Set<() => void>();

  /** Set by close(): its own disconnect is not an outage to report. */
  private closing = false;

  private down(e?: Error): void {
    if (this.closing) return;
    const first = !this.lastError;
    if (e) this.lastError = (e as NodeJS.ErrnoException).code ?? e.message;
    else this.lastError ||= 'connection closed';
    this.downSince ??= Date.now();
    if (first)
      this.opts.say(
        `Redis at ${safeUrl(this.url)} is unreachable (${this.lastError}): retrying for up to ${this.opts.waitSeconds} s`,
      );
  }

  /** Connects (waiting up to `waitSeconds` for Redis) and returns the executor. */
  static async connect(
    url: string,
    opts: { waitSeconds: number; say: (m: string) => void; slots?: number },
  ): Promise<QueueExecutor> {
    const connection = connectionFor(url);
    const probe = new Redis(url, {
      maxRetriesPerRequest: 1,
      retryStrategy: connection.retryStrategy,
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    const ex = new QueueExecutor(url, probe, opts.slots ?? 4, opts);
    probe.connect().catch(() => undefined);
    try {
      await ex.guard(
        new Promise<void>((resolve) => (probe.status === 'ready' ? resolve() : ex.readyWaiters.add(resolve))),
      );
      ex.queue = new Queue(queueName(), { connection });
      ex.events = new QueueEvents(queueName(), { connection });
      ex.queue.on('error', (e: Error) => ex.down(e));
      ex.events.on('error', (e: Error) => ex.down(e));
      ex.events.on('progress', ({ jobId, data }) => ex.progress(jobId, data));
      await ex.guard(Promise.all([ex.queue.waitUntilReady(), ex.events.waitUntilReady()]));
      await ex.sayWhenNoWorker();
    } catch (e) {
      await ex.close();
      throw e;
    }
    return ex;
  }

  /** Jobs wait until a worker of this build connects; with none yet, the user is told which to start. */
  private async sayWhenNoWorker(): Promise<void> {
    // CLIENT LIST may be refused (some hosted Redis): then nothing is said.
    const workers = await this.queue!.getWorkersCount().catch(() => -1);
    if (workers === 0)
      this.opts.say(
        `no worker takes jobs from queue ${queueName()} yet: the jobs wait for 'pimc worker --queue ${safeUrl(this.url)}' run from this build of pim (${shortBuild(toolchainId())}); workers of another build take another queue`,
      );
  }

  private progress(jobId: string, data: unknown): void {
    const w = this.waiting.get(jobId);
    const d = data as { epoch?: number; epochs?: number; worker?: string } | undefined;
    if (w && typeof d?.epoch === 'number')
      w.onProgress?.({ job: w.job, worker: d.worker ?? '?', epoch: d.epoch, epochs: d.epochs ?? w.job.epochs });
  }

  private check(): void {
    if (this.failed || this.downSince === undefined) return;
    const secs = (Date.now() - this.downSince) / 1000;
    if (secs < this.opts.waitSeconds) return;
    this.failed = new ExecutorUnavailable(
      `Redis at ${safeUrl(this.url)} has been unreachable for ${secs.toFixed(0)} s (${this.lastError || 'no answer'}): giving up`,
    );
    for (const w of this.waiting.values()) w.reject(this.failed);
    this.waiting.clear();
    for (const r of this.guards) r(this.failed);
  }

  /** The promise, or the give-up error if Redis stays away past the wait. */
  private guard<T>(p: Promise<T>): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      this.guards.add(reject);
      p.then(resolve, reject).finally(() => this.guards.delete(reject));
    });
  }

  run(job: EvaluationJob, onProgress?: (p: JobProgress) => void): Promise<JobResult> {
    return this.guard(
      new Promise<JobResult>((resolve, reject) => {
        this.waiting.set(job.id, { job, onProgress, reject });
        this.submit(job)
          .then(resolve, (e: unknown) =>
            e instanceof ExecutorUnavailable
              ? reject(e)
              : resolve({ id: job.id, ok: false, error: e instanceof Error ? e.message : String(e), worker: 'queue' }),
          )
          .finally(() => this.waiting.delete(job.id));
      }),
    );
  }

  /** Data texts put in Redis by this coordinator (by hash): each once. */
  private readonly stored = new Set<string>();

  /**
   * The job as queued: its data files' texts go to Redis once each, under their hash (dataKey), and the
   * job carries only the hashes — a run's hundreds of jobs would otherwise keep hundreds of copies of
   * the data set in Redis for a week. A worker puts them back (withQueuedData).
   */
  private async queued(job: EvaluationJob): Promise<EvaluationJob> {
    if (!job.data.some((d) => d.text !== undefined)) return job;
    for (const d of job.data)
      if (d.text !== undefined && !this.stored.has(d.sha256)) {
        // Through the queue's client, which waits out an outage as adding the job does.
        await (await this.queue!.backend.client).set(dataKey(d.sha256), d.text, { EX: KEEP_SECONDS });
        this.stored.add(d.sha256);
      }
    return { ...job, data: job.data.map(({ file, sha256 }) => ({ file, sha256 })) };
  }

  private async submit(job: EvaluationJob): Promise<JobResult> {
    const added = await this.queue!.add('evaluate', await this.queued(job), {
      jobId: job.id,
      removeOnComplete: { age: KEEP_SECONDS },
      removeOnFail: { age: KEEP_SECONDS },
    });
    for (let attempt = 1; ; attempt++) {
      // A job fails in BullMQ only when its workers died on it (or lost its lock) too often: the
      // work itself reports errors as results. So a failed job (now, or by an earlier coordinator)
      // is put back, a few times.
      if ((await added.getState()) === 'failed') await added.retry('failed');
      try {
        return (await added.waitUntilFinished(this.events!)) as JobResult;
      } catch (e) {
        if (attempt >= RESUBMITS) throw e;
      }
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    const quiet = (p: Promise<unknown> | undefined) => p?.catch(() => undefined);
    if (this.failed || this.downSince !== undefined) {
      // Redis is away: closing politely would wait for it; drop the connections instead.
      this.probe.disconnect();
      await Promise.race([
        Promise.all([quiet(this.events?.disconnect()), quiet(this.queue?.disconnect())]),
        new Promise((r) => setTimeout(r, 1000).unref()),
      ]);
      return;
    }
    await Promise.all([quiet(this.events?.close()), quiet(this.queue?.close()), quiet(this.probe.quit())]);
  }
}
