// `npm run bench explore-scale`: exploration throughput where training is spread over worker
// processes, and what the Redis queue costs per job. (1) random search on samples/explore.pim's
// rram_space (its evaluation network on the first 200 MNIST digits, tested on 100; an epoch budget, so
// both runs evaluate the same designs) at 1 and 2 local worker processes, each pool warmed by one job
// first (tfjs-wasm's start is paid once per process, not per evaluation); the accuracies must be equal.
// (2) per-job wall time of small jobs
// (the tiny fixture, 1 epoch on 16 samples) one at a time: in this process, on one local worker
// process, and through a real redis-server with one `pimc worker`; the queue's overhead is the
// difference. The machine is shared: the figures say what it did at the time.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, designCompiler } from '@pim/compiler';
import { explore, InProcessExecutor, makeJob, ProcessPool, problemFor, type Executor } from '@pim/runtime/explore';
import { startRedis } from '../redis-server.js';
import { JOBS, tinyJob } from '../explore-fixtures.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

async function throughput(workers: number): Promise<{ perSecond: number; accuracies: number[]; cores: number }> {
  const source = path.join(ROOT, 'samples/explore.pim');
  const program = compile(source);
  const ir = program.ir!;
  const common = { source, compile: designCompiler(source), sources: [...program.files.values()] };
  const ex = ir.explorations.find((e) => e.name === 'rram_space')!;
  const pool = new ProcessPool(workers, JOBS.childModule);
  try {
    const limits = { trainLimit: 200, testLimit: 100 };
    const warm = await problemFor(ir, ex, { ...common, ...limits, executor: pool, budget: 3 * workers, seed: 99 });
    await explore({ ...warm, batch: workers, costUnit: 'epochs' }, 'random');
    const problem = await problemFor(ir, ex, { ...common, ...limits, executor: pool, budget: 3 * 8 });
    const t0 = performance.now();
    const r = await explore({ ...problem, batch: workers, costUnit: 'epochs' }, 'random');
    const secs = (performance.now() - t0) / 1000;
    const cpu = r.evaluations.reduce((s, e) => s + (e.cpuSeconds ?? 0), 0);
    return {
      perSecond: r.evaluations.length / secs,
      accuracies: r.evaluations.map((e) => e.objectives['accuracy']!),
      cores: cpu / secs,
    };
  } finally {
    await pool.close();
  }
}

async function perJob(executor: Executor, n: number, seed0: number): Promise<number> {
  const job = (i: number) =>
    makeJob({ ...tinyJob({ rows: 32, epochs: 1, seed: seed0 + i }), trainLimit: 16, testLimit: 16 });
  const warm = await executor.run(job(-1));
  if (!warm.ok) throw new Error(warm.error);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await executor.run(job(i));
    if (!r.ok) throw new Error(r.error);
  }
  return (performance.now() - t0) / n;
}

/** Each figure on stderr as soon as it is measured: a run on a busy machine is long. */
function note(what: string, v: unknown): void {
  process.stderr.write(`explore-scale: ${what}: ${JSON.stringify(v)}\n`);
}

export async function benchExploreScale(): Promise<Record<string, number | string>> {
  const one = await throughput(1);
  note('1 worker', one);
  const two = await throughput(2);
  note('2 workers', two);
  const n = 20;
  const inProcess = await perJob(new InProcessExecutor(JOBS.compileSources), n, 1000);
  note('small job in this process (ms)', inProcess);
  const pool = new ProcessPool(1, JOBS.childModule);
  const local = await perJob(pool, n, 2000).finally(() => pool.close());
  note('small job on a local worker process (ms)', local);
  const redis = await startRedis();
  const worker = spawn(
    process.execPath,
    [path.join(ROOT, 'cli/bin/pimc.js'), 'worker', '--queue', redis.url, '--concurrency', '1'],
    { stdio: 'ignore' },
  );
  let queued: number;
  try {
    const { QueueExecutor } = await import('@pim/runtime/explore/queue');
    const q = await QueueExecutor.connect(redis.url, { waitSeconds: 10, say: () => undefined, slots: 1 });
    queued = await perJob(q, n, 3000).finally(() => q.close());
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await redis.stop();
  }
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return {
    'machine load average (1, 5, 15 min) at the end': load,
    'random search, rram_space, 3 epochs/design: evaluations/s, 1 worker': one.perSecond,
    'same, 2 workers (goal ≥ 1.8× of 1 worker on 2 free cores)': two.perSecond,
    'speed-up, 2 workers over 1': two.perSecond / one.perSecond,
    'cores busy training, 1 worker': one.cores,
    'cores busy training, 2 workers': two.cores,
    'mean accuracy of the 8 designs (equal at 1 and 2 workers)':
      two.accuracies.reduce((a, b) => a + b, 0) / two.accuracies.length,
    'accuracies equal at 1 and 2 workers':
      JSON.stringify(one.accuracies) === JSON.stringify(two.accuracies) ? 'yes' : 'NO',
    'small job, one at a time: in this process (ms)': inProcess,
    'small job: one local worker process (ms)': local,
    'small job: Redis queue, one pimc worker (ms)': queued,
    'queue overhead per job vs in-process (ms; goal ≤ 20)': queued - inProcess,
    'queue overhead per job vs a local worker process (ms)': queued - local,
  };
}
