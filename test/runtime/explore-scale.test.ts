// pimc explore at scale, as users run it: a run killed (SIGKILL) and resumed equals an uninterrupted
// one and trains nothing twice; one stopped by SIGTERM says how to resume and leaves no worker
// process behind; with a real Redis, a coordinator and two `pimc worker` processes, one
// of them SIGKILLed in the middle of a job, give the evaluations and front of an in-process run; Redis
// away makes the coordinator give up with exit 2 and its journal intact; a malformed or oversized job
// in the queue gets an error result and the worker carries on.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { queueName } from '@pim/runtime/explore/queue';
import { coraExploration } from './explore-fixtures.js';
import { freePort, startRedis, type RedisServer } from './redis-server.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PIMC = path.join(ROOT, 'cli/bin/pimc.js');
const TINY = 'test/runtime/fixtures/explore-tiny.pim';
// CF-MESMO on the tiny program: each step's choice depends on the results so far.
const RUN = [
  'explore',
  TINY,
  '--explore',
  'chip_accuracy',
  '--budget',
  '9',
  '--train-limit',
  '96',
  '--test-limit',
  '48',
];

interface Proc {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  done: Promise<number>;
}

function start(...args: string[]): Proc {
  return startWith({}, ...args);
}

function startWith(env: Record<string, string>, ...args: string[]): Proc {
  const child = spawn(process.execPath, [PIMC, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const p: Proc = { child, stdout: '', stderr: '', done: Promise.resolve(0) };
  child.stdout!.on('data', (d: Buffer) => (p.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (p.stderr += d.toString()));
  p.done = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : 0))));
  return p;
}

async function until(what: string, cond: () => boolean | Promise<boolean>, seconds = 120): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > seconds * 1000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Out {
  evaluations: Record<string, unknown>[];
  front: number[];
  [k: string]: unknown;
}

/** The JSON without what differs between runs: timings and the worker that ran each job. */
function withoutTimings(file: string): Out {
  const o = JSON.parse(fs.readFileSync(file, 'utf8')) as Out;
  for (const e of o.evaluations) {
    for (const k of ['worker', 'cpuSeconds', 'cpuCurve', 'wallSeconds']) {
      assert.ok(k in e, `evaluation ${String(e['index'])} has ${k}`);
      delete e[k];
    }
  }
  return o;
}

const journalIds = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"id"'))
    .map((l) => (JSON.parse(l) as { id: string }).id);

/** Processes whose environment holds `mark` (a run's worker processes inherit it). */
function processesWith(mark: string): number {
  let n = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`PIM_TEST_MARK=${mark}`)) n++;
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return n;
}

describe('explore: at scale (worker processes, resume, a real Redis queue)', function () {
  this.timeout(600_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pimc-scale-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  let reference: Out;

  before(async () => {
    const r = start(...RUN, '--workers', '0', '--batch', '2', '--json', path.join(tmp, 'reference.json'));
    assert.equal(await r.done, 0, r.stderr);
    reference = withoutTimings(path.join(tmp, 'reference.json'));
    assert.ok(reference.evaluations.length >= 5);
  });

  it('killed after some evaluations and resumed: the JSON equals an uninterrupted run, and nothing is trained twice', async () => {
    const json = path.join(tmp, 'killed.json');
    const journal = path.join(tmp, 'killed.journal.jsonl');
    const first = start(...RUN, '--workers', '2', '--json', json);
    await until(
      'two finished evaluations in the journal and the JSON',
      () => fs.existsSync(journal) && journalIds(journal).length >= 2 && fs.existsSync(json),
    );
    first.child.kill('SIGKILL');
    await first.done;
    const before = journalIds(journal);
    assert.ok(before.length < reference.evaluations.length, 'killed before the end');
    // The JSON of the killed run was rewritten after its evaluations, whole (never a torn file).
    assert.ok((JSON.parse(fs.readFileSync(json, 'utf8')) as Out).evaluations.length >= 1);
    const resumed = start(...RUN, '--workers', '2', '--json', json, '--resume');
    assert.equal(await resumed.done, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`\\(${before.length} from the journal\\)`));
    assert.deepEqual(withoutTimings(json), reference);
    const after = journalIds(journal);
    assert.equal(new Set(after).size, after.length, 'no job journaled twice');
    assert.equal(after.length, reference.evaluations.length, 'every evaluation trained once');
  });

  it('stopped by SIGTERM in the middle of long trainings: says how to resume, exits 143, and its worker processes end at once', async () => {
    // Trainings of many seconds each (40,000 samples): a worker left to finish its job would outlive the run.
    const long = path.join(tmp, 'long.pim');
    fs.writeFileSync(long, fs.readFileSync(path.join(ROOT, TINY), 'utf8').replace('samples: 320', 'samples: 40000'));
    const json = path.join(tmp, 'term.json');
    const mark = `pim-term-${process.pid}-${Date.now()}`;
    const args = ['explore', long, '--explore', 'chip_accuracy', '--budget', '9', '--workers', '2', '--json', json];
    const run = startWith({ PIM_TEST_MARK: mark }, ...args);
    await until('the coordinator and its two worker processes', () => processesWith(mark) === 3);
    // Past the pool's hardware objectives (well under a second here), into the trainings.
    await new Promise((r) => setTimeout(r, 3000));
    run.child.kill('SIGTERM');
    assert.equal(await run.done, 143, run.stderr);
    assert.match(
      run.stderr,
      /stopped by SIGTERM; the journal .*term\.journal\.jsonl keeps every finished evaluation: run the same command with --resume/,
    );
    await until('its worker processes to end', () => processesWith(mark) === 0, 2);
  });

  describe('with a real Redis', () => {
    let redis: RedisServer;
    const workers: Proc[] = [];
    before(async () => {
      redis = await startRedis('pim-secret');
    });
    after(async () => {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      await redis?.stop();
    });

    it('two pimc workers, one SIGKILLed mid-job: the run equals the in-process one; bad jobs get error results', async () => {
      for (let i = 0; i < 2; i++)
        workers.push(start('worker', '--queue', redis.url, '--concurrency', '1', '--lock-timeout', '5'));
      await until(
        'both workers listening',
        () => workers.every((w) => /takes jobs from redis:\/\/:\*\*\*@127\.0\.0\.1/.test(w.stdout)),
        60,
      );
      assert.ok(
        workers.every((w) => !w.stdout.includes('pim-secret')),
        'the password is never printed',
      );

      // Malformed and oversized jobs: error results, and the workers carry on.
      const connection = { url: redis.url, maxRetriesPerRequest: null };
      const queue = new Queue(queueName(), { connection });
      const events = new QueueEvents(queueName(), { connection });
      try {
        await events.waitUntilReady();
        const bad = await queue.add('evaluate', { format: 1, id: 'x', sources: 'nope' }, { jobId: 'malformed' });
        const big = await queue.add(
          'evaluate',
          { format: 1, blob: 'x'.repeat(9 * 1024 * 1024) },
          { jobId: 'oversized' },
        );
        const rb = (await bad.waitUntilFinished(events)) as { ok: boolean; error: string };
        const rg = (await big.waitUntilFinished(events)) as { ok: boolean; error: string };
        assert.ok(!rb.ok && /refused/.test(rb.error), JSON.stringify(rb));
        assert.ok(!rg.ok && /over the limit/.test(rg.error), JSON.stringify(rg));

        const json = path.join(tmp, 'queue.json');
        const coordinator = start(...RUN, '--queue', redis.url, '--batch', '2', '--json', json);
        // A job in the middle of its run: active, its worker process known from its progress.
        let victim = 0;
        await until('an active job with progress', async () => {
          for (const j of await queue.getActive()) {
            const child = Number(
              String((j.progress as { worker?: string })?.worker ?? '')
                .split(':')
                .pop(),
            );
            if (!child) continue;
            const ppid = Number(fs.readFileSync(`/proc/${child}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
            if (workers.some((w) => w.child.pid === ppid)) victim = ppid;
          }
          return victim > 0;
        });
        process.kill(victim, 'SIGKILL');
        const code = await coordinator.done;
        assert.equal(code, 0, coordinator.stderr);
        assert.deepEqual(withoutTimings(json), reference);
        const survivor = workers.find((w) => w.child.pid !== victim)!;
        assert.equal(survivor.child.exitCode, null, 'the other worker still runs');
        const done = (await queue.getJobs(['completed'])).filter((j) => j.id !== 'malformed' && j.id !== 'oversized');
        assert.equal(done.length, reference.evaluations.length, 'every evaluation completed once in the queue');
        assert.ok(
          done.some((j) => j.stalledCounter >= 1 || j.attemptsStarted > 1),
          "the killed worker's job was taken again",
        );
      } finally {
        await events.close();
        await queue.close();
      }
    });
    it('a coordinator killed while its jobs run: --resume collects what the workers finished meanwhile, training none of it again', async () => {
      const connection = { url: redis.url, maxRetriesPerRequest: null };
      const queue = new Queue(queueName(), { connection });
      try {
        const json = path.join(tmp, 'away.json');
        const journal = path.join(tmp, 'away.journal.jsonl');
        // The whole space's budget (12 designs × 2 epochs), not RUN's 9 epochs: on a quiet machine a short run
        // can finish between two polls, before a moment with a journaled evaluation and jobs still in flight.
        const budget = RUN.indexOf('--budget') + 1;
        const long = RUN.map((a, i) => (i === budget ? '24' : a));
        const run = [...long, '--seed', '5', '--queue', redis.url, '--batch', '2', '--json', json];
        const first = start(...run);
        await until(
          'a journaled evaluation and jobs in flight',
          async () =>
            fs.existsSync(journal) &&
            journalIds(journal).length >= 1 &&
            (await queue.getActiveCount()) + (await queue.getWaitingCount()) > 0,
        );
        first.child.kill('SIGKILL');
        await first.done;
        const journaled = new Set(journalIds(journal));
        // The workers finish what was queued, with nobody waiting for it.
        await until(
          'the queue drained',
          async () => (await queue.getActiveCount()) + (await queue.getWaitingCount()) === 0,
        );
        const finishedAway = new Map<string, number>();
        for (const j of await queue.getJobs(['completed']))
          if (j.id && !journaled.has(j.id)) finishedAway.set(j.id, j.finishedOn!);
        const resumed = start(...run, '--resume');
        assert.equal(await resumed.done, 0, resumed.stderr);
        const out = JSON.parse(fs.readFileSync(json, 'utf8')) as Out;
        const jobs = out.evaluations.map((e) => e['job'] as string);
        const collected = [...finishedAway.keys()].filter((id) => jobs.includes(id));
        assert.ok(collected.length > 0, 'some evaluation finished while the coordinator was away');
        for (const id of collected)
          assert.equal(
            (await queue.getJob(id))!.finishedOn,
            finishedAway.get(id),
            `job ${id.slice(0, 8)} collected, not run again`,
          );
        assert.equal(new Set(jobs).size, jobs.length);
      } finally {
        await queue.close();
      }
    });
    it('a Planetoid set goes through Redis once, by its hash: a worker reads no copy of its own, so a copy changed mid-run changes nothing', async () => {
      const dir = path.join(tmp, 'cora-queue');
      const program = coraExploration(dir);
      // A worker of its own (the survivor of the test above may help): the test can run alone.
      workers.push(start('worker', '--queue', redis.url, '--concurrency', '1'));
      const connection = { url: redis.url, maxRetriesPerRequest: null };
      const queue = new Queue(queueName(), { connection });
      const client = new Redis(redis.url);
      try {
        const json = path.join(dir, 'run.json');
        const run = start('explore', program, '--queue', redis.url, '--batch', '1', '--json', json);
        await until(
          'a job of the run queued',
          async () => run.child.exitCode !== null || (await client.keys('pim-explore:data:*')).length > 0,
        );
        // The coordinator has read its copy; now it differs from what the jobs were made with (a blank
        // line: the same graph for the coordinator's own simulations). A worker reading it would refuse.
        fs.appendFileSync(path.join(dir, 'cora', 'edges.tsv'), '\n');
        assert.equal(await run.done, 0, run.stderr + workers.map((w) => w.stderr).join(''));
        const out = JSON.parse(fs.readFileSync(json, 'utf8')) as Out;
        assert.equal(out.evaluations.length, 2);
        const keys = await client.keys('pim-explore:data:*');
        assert.equal(keys.length, 2, 'nodes.tsv and edges.tsv, once each');
        for (const k of keys) {
          const ttl = await client.ttl(k);
          assert.ok(ttl > 0 && ttl <= 7 * 24 * 3600, `${k} expires with the finished jobs (${ttl} s)`);
        }
        for (const e of out.evaluations) {
          const job = await queue.getJob(e['job'] as string);
          const data = (job!.data as { data: Record<string, unknown>[] }).data;
          assert.deepEqual(
            data.map((d) => Object.keys(d).sort()),
            [
              ['file', 'sha256'],
              ['file', 'sha256'],
            ],
            'the queued job carries hashes, not texts',
          );
        }
      } finally {
        client.disconnect();
        await queue.close();
      }
    });
  });

  it('rediss:// (TLS, a private CA trusted through NODE_EXTRA_CA_CERTS) with a password: a worker and a coordinator finish a run', async () => {
    const redis = await startRedis('tls-secret', { tls: true });
    const env = { NODE_EXTRA_CA_CERTS: redis.ca! };
    let worker: Proc | undefined;
    try {
      assert.match(redis.url, /^rediss:\/\/:tls-secret@127\.0\.0\.1:\d+$/);
      const json = path.join(tmp, 'tls.json');
      const r = startWith(
        env,
        'explore',
        TINY,
        '--explore',
        'chip_accuracy',
        '--method',
        'random',
        '--budget',
        '4',
        '--train-limit',
        '32',
        '--test-limit',
        '16',
        '--queue',
        redis.url,
        '--json',
        json,
      );
      // No worker yet: the coordinator says which to start, and its jobs wait for one.
      const noWorker = /no worker takes jobs from queue pim-explore-[0-9a-f]{12} yet/;
      await until(
        'the coordinator to say no worker serves its queue',
        () => noWorker.test(r.stderr) || r.child.exitCode !== null,
      );
      assert.match(r.stderr, noWorker);
      worker = startWith(env, 'worker', '--queue', redis.url, '--concurrency', '1');
      assert.equal(await r.done, 0, r.stderr + worker.stderr);
      assert.ok(worker.stdout.includes(`(queue ${queueName()}, build `), worker.stdout);
      const out = JSON.parse(fs.readFileSync(json, 'utf8')) as Out;
      assert.equal(out.evaluations.length, 2);
      assert.ok(out.evaluations.every((e) => typeof e['worker'] === 'string' && (e['curve'] as number[]).length === 2));
      assert.match(worker.stdout, /takes jobs from rediss:\/\/:\*\*\*@127\.0\.0\.1/);
      // Its own disconnect at the end was once reported as Redis going away.
      assert.doesNotMatch(r.stderr, /unreachable/);
    } finally {
      worker?.child.kill('SIGTERM');
      await worker?.done;
      await redis.stop();
    }
  });

  it('Redis unreachable: the coordinator retries, gives up with exit 2, and its journal is intact', async () => {
    const port = await freePort();
    const json = path.join(tmp, 'down.json');
    const r = start(...RUN, '--queue', `redis://:pw@127.0.0.1:${port}`, '--redis-wait', '2', '--json', json);
    assert.equal(await r.done, 2, r.stderr);
    assert.match(
      r.stderr,
      /Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\): retrying for up to 2 s/,
    );
    assert.match(
      r.stderr,
      /unreachable for \d+ s \(ECONNREFUSED\): giving up; the journal .*down\.journal\.jsonl keeps every finished evaluation: run the same command with --resume/,
    );
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.match(fs.readFileSync(path.join(tmp, 'down.journal.jsonl'), 'utf8'), /^\{"journal":"pim-explore"/);
  });

  it('a pimc worker whose Redis is unreachable stops at the first SIGTERM', async () => {
    const port = await freePort();
    const w = start('worker', '--queue', `redis://127.0.0.1:${port}`);
    await until('the worker to see Redis down', () => /ECONNREFUSED/.test(w.stderr), 30);
    w.child.kill('SIGTERM');
    // It used to wait for a graceful close that needs Redis, and ignored further signals: a hang.
    const code = await Promise.race([w.done, new Promise<string>((r) => setTimeout(() => r('still running'), 15_000))]);
    if (code === 'still running') w.child.kill('SIGKILL');
    assert.equal(code, 0, w.stderr);
    assert.match(w.stdout, /stopping now \(Redis is unreachable\)/);
    // No --concurrency: a training process per core, as --workers.
    assert.match(w.stdout, new RegExp(`of pim\\), ${os.availableParallelism()} at a time`));
  });
});
