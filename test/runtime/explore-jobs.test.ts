// Evaluation jobs and where they run: content-hashed ids, the checks a worker makes before running a
// job, the journal, and local worker processes (a killed one is replaced and its job run again).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, designCompiler } from '@pim/compiler';
import {
  explore,
  ExploreProgress,
  InProcessExecutor,
  Journal,
  JournalConflict,
  makeJob,
  MAX_JOB_BYTES,
  parseJob,
  problemFor,
  ProcessPool,
  buildHash,
  importsOf,
  toolchainId,
  type EvaluationJob,
  type Executor,
} from '@pim/runtime/explore';
import { JOBS, tinyJob } from './explore-fixtures.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TINY = path.join(ROOT, 'test/runtime/fixtures/explore-tiny.pim');

describe('explore: jobs', function () {
  this.timeout(180_000);

  it("a job's id is the hash of what decides its result, and nothing else", () => {
    const a = tinyJob();
    assert.equal(tinyJob().id, a.id);
    assert.equal(
      makeJob({ ...a, label: 'another label', root: '/elsewhere' }).id,
      a.id,
      'label and folder are not part of the identity',
    );
    for (const other of [
      tinyJob({ rows: 32 }),
      tinyJob({ epochs: 2 }),
      tinyJob({ seed: 3 }),
      tinyJob({ text: fs.readFileSync(TINY, 'utf8') + '\n// edited\n' }),
      makeJob({ ...a, toolchain: 'f'.repeat(64) }),
      makeJob({ ...a, data: [{ file: 'nodes.tsv', sha256: 'a'.repeat(64) }] }),
    ])
      assert.notEqual(other.id, a.id);
  });

  it("a worker refuses a job made by another build of pim, and trains on no data set but the coordinator's", async () => {
    const here = new InProcessExecutor(JOBS.compileSources);
    const build = toolchainId();
    assert.match(build, /^[0-9a-f]{64}$/);
    const other = await here.run(makeJob({ ...tinyJob(), toolchain: 'f'.repeat(64) }));
    assert.ok(!other.ok, 'refused');
    assert.match(
      other.error,
      new RegExp(
        `refused: the job was made by build ffffffffffff of pim and this worker runs build ${build.slice(0, 12)}`,
      ),
    );
    // A Planetoid set: a copy of Cora beside the program, hashed into the job as the coordinator has it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pim-data-'));
    try {
      fs.mkdirSync(path.join(dir, 'cora'));
      for (const f of ['nodes.tsv', 'edges.tsv'])
        fs.copyFileSync(path.join(ROOT, 'data/cora', f), path.join(dir, 'cora', f));
      const text = fs
        .readFileSync(path.join(ROOT, 'samples/gnn-cora.pim'), 'utf8')
        .replace('path: "../data/cora"', 'path: "cora"')
        .replace('epochs: 200', 'epochs: 1');
      const hash = (f: string) =>
        createHash('sha256')
          .update(fs.readFileSync(path.join(dir, 'cora', f)))
          .digest('hex');
      const coraJob = (data: { file: string; sha256: string }[]) =>
        makeJob({
          toolchain: build,
          data,
          root: dir,
          entry: 'gnn.pim',
          sources: [{ path: 'gnn.pim', sha256: createHash('sha256').update(text).digest('hex'), text }],
          experiment: 'gcn_ideal',
          overrides: [],
          epochs: 1,
          seed: 1,
          label: 'cora',
        });
      const same = [
        { file: 'nodes.tsv', sha256: hash('nodes.tsv') },
        { file: 'edges.tsv', sha256: hash('edges.tsv') },
      ];
      const ok = await new InProcessExecutor(JOBS.compileSources).run(coraJob(same));
      assert.ok(ok.ok, JSON.stringify(ok));
      // The texts travel with the job: a worker without the folder trains the same.
      const texts = same.map((d) => ({ ...d, text: fs.readFileSync(path.join(dir, 'cora', d.file), 'utf8') }));
      fs.renameSync(path.join(dir, 'cora'), path.join(dir, 'elsewhere'));
      const carried = await new InProcessExecutor(JOBS.compileSources).run(coraJob(texts));
      assert.ok(carried.ok, JSON.stringify(carried));
      assert.equal(carried.accuracy, ok.accuracy);
      assert.deepEqual(carried.curve, ok.curve);
      const missing = await new InProcessExecutor(JOBS.compileSources).run(coraJob(same));
      assert.ok(!missing.ok && /cora[\\/]nodes\.tsv: file not found/.test(missing.error), JSON.stringify(missing));
      const misnamed = await new InProcessExecutor(JOBS.compileSources).run(
        coraJob(texts.map((d, i) => (i === 0 ? { ...d, file: 'other.tsv' } : d))),
      );
      assert.ok(
        !misnamed.ok && /carries other\.tsv, edges\.tsv, the program reads nodes\.tsv, edges\.tsv/.test(misnamed.error),
      );
      fs.renameSync(path.join(dir, 'elsewhere'), path.join(dir, 'cora'));
      const none = await new InProcessExecutor(JOBS.compileSources).run(coraJob([]));
      assert.ok(!none.ok && /data set 'cora': read from 2 files here and 0 on the coordinator/.test(none.error));
      // This machine's copy differs from the coordinator's: refused, naming the file.
      const changed = [same[0]!, { file: 'edges.tsv', sha256: 'b'.repeat(64) }];
      const diff = await new InProcessExecutor(JOBS.compileSources).run(coraJob(changed));
      assert.ok(!diff.ok, 'refused');
      assert.match(
        diff.error,
        /cora[\\/]edges\.tsv on this worker is not the coordinator's edges\.tsv \(SHA-256 [0-9a-f]{12}… here, bbbbbbbbbbbb… there\)/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a build is named by the modules its entries reach, the files it reads and the versions of other packages', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pim-build-'));
    try {
      const put = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      };
      put('app/package.json', '{"name":"@t/app"}');
      put(
        'app/dist/a.js',
        "import { b } from './b.js';\nexport * from './d.js';\nimport '@t/lib/extra';\nimport * as x from 'ext';\nconst c = await import('./c.js');\nconst msg = `read from 'nowhere'`;\n",
      );
      put('app/dist/b.js', 'export const b = 1;\n');
      put('app/dist/c.js', 'export const c = 1;\n');
      put('app/dist/d.js', 'export const d = 1;\n');
      put('app/dist/stale.js', 'export const old = 1;\n');
      put('app/prelude.pim', 'device x {}\n');
      put(
        'node_modules/@t/lib/package.json',
        '{"name":"@t/lib","version":"0.0.0","exports":{"./extra":"./dist/extra.js"}}',
      );
      put('node_modules/@t/lib/dist/extra.js', 'export const e = 1;\n');
      put('node_modules/ext/package.json', '{"name":"ext","version":"1.0.0"}');
      put('node_modules/data-pkg/package.json', '{"name":"data-pkg","version":"2.0.0"}');
      const hash = () =>
        buildHash([path.join(dir, 'app/dist/a.js')], {
          followScope: '@t/',
          extraFiles: [path.join(dir, 'app/prelude.pim')],
          readPackages: ['data-pkg'],
        });
      assert.deepEqual(importsOf(fs.readFileSync(path.join(dir, 'app/dist/a.js'), 'utf8')), [
        './b.js',
        './d.js',
        '@t/lib/extra',
        'ext',
        './c.js',
        'nowhere',
      ]);
      const first = hash();
      assert.match(first, /^[0-9a-f]{64}$/);
      assert.equal(hash(), first, 'the same build, the same name');
      put('app/dist/stale.js', 'export const old = 2;\n');
      assert.equal(hash(), first, 'a file nothing imports does not count');
      const changes: [string, string][] = [
        ['app/dist/c.js', 'export const c = 2;\n'],
        ['app/dist/d.js', 'export const d = 2;\n'],
        ['node_modules/@t/lib/dist/extra.js', 'export const e = 2;\n'],
        ['node_modules/ext/package.json', '{"name":"ext","version":"1.0.1"}'],
        ['node_modules/data-pkg/package.json', '{"name":"data-pkg","version":"2.0.1"}'],
        ['app/prelude.pim', 'device y {}\n'],
      ];
      const seen = new Set([first]);
      for (const [rel, text] of changes) {
        put(rel, text);
        const h = hash();
        assert.ok(!seen.has(h), `${rel} changed the build`);
        seen.add(h);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a worker refuses malformed, oversized and tampered jobs with a reason', () => {
    assert.equal(typeof parseJob(tinyJob()), 'object');
    const job = tinyJob();
    const cases: [unknown, RegExp][] = [
      [null, /not an object/],
      [[1, 2], /not an object/],
      [{ ...job, format: 99 }, /format is 99/],
      [{ ...job, epochs: 0 }, /epochs/],
      [{ ...job, sources: [] }, /no sources/],
      [{ ...job, sources: [{ ...job.sources[0]!, text: 'tampered' }] }, /does not match its hash/],
      [{ ...job, overrides: [{ path: 'x', value: { nested: 1 } }] }, /overrides/],
      [{ ...job, seed: 7 }, /id is not the hash/],
      [
        { ...job, data: [{ file: 'nodes.tsv', sha256: 'a'.repeat(64), text: 'x' }] },
        /data file nodes\.tsv: its text does not match its hash/,
      ],
      [{ ...job, label: 'x'.repeat(MAX_JOB_BYTES) }, /over the limit/],
    ];
    for (const [data, why] of cases) {
      const r = parseJob(data);
      assert.equal(typeof r, 'string', JSON.stringify(data)?.slice(0, 80));
      assert.match(r as string, why);
    }
  });

  it('in this process and in worker processes a job gives the same accuracy and per-epoch curve; a bad job an error result', async () => {
    const jobs = [tinyJob({ rows: 32, epochs: 2 }), tinyJob({ rows: 128, epochs: 1 })];
    const local = new InProcessExecutor(JOBS.compileSources);
    const pool = new ProcessPool(2, JOBS.childModule);
    try {
      const here = await Promise.all(jobs.map((j) => local.run(j)));
      const epochs: number[] = [];
      const there = await Promise.all(
        jobs.map((j) => pool.run(j, (p) => p.job.id === jobs[0]!.id && epochs.push(p.epoch))),
      );
      for (let i = 0; i < jobs.length; i++) {
        const a = here[i]!;
        const b = there[i]!;
        assert.ok(a.ok && b.ok, JSON.stringify([a, b]));
        assert.equal(b.accuracy, a.accuracy);
        assert.deepEqual(b.curve, a.curve);
        assert.equal(a.curve.length, jobs[i]!.epochs);
        assert.ok(b.cpuSeconds > 0 && b.wallSeconds >= 0);
        assert.notEqual(b.worker, a.worker, 'ran in another process');
      }
      assert.deepEqual(epochs, [0, 1, 2], 'progress at the start and after each epoch');
      const bad = await pool.run({ ...jobs[0]!, seed: 9 } as EvaluationJob);
      assert.ok(!bad.ok && /refused: the job's id is not the hash/.test(bad.error));
      const wrong = makeJob({ ...tinyJob(), experiment: 'nope' });
      const failed = await pool.run(wrong);
      assert.ok(!failed.ok && /nope/.test(failed.error), JSON.stringify(failed));
      // The pool still works after both.
      assert.ok((await pool.run(jobs[1]!)).ok);
    } finally {
      await pool.close();
    }
  });

  it('a worker process killed in the middle of a job is replaced and the job runs again, once', async () => {
    const pool = new ProcessPool(1, JOBS.childModule);
    try {
      const job = tinyJob({ rows: 32, epochs: 3 });
      let killed = false;
      const workers = new Set<string>();
      const r = await pool.run(job, (p) => {
        workers.add(p.worker);
        if (!killed && p.epoch === 1) {
          killed = true;
          process.kill(Number(p.worker.split(':').pop()), 'SIGKILL');
        }
      });
      assert.ok(killed && r.ok, JSON.stringify(r));
      assert.equal(workers.size, 2, 'a second process took the job');
      const again = await new InProcessExecutor(JOBS.compileSources).run(job);
      assert.ok(again.ok);
      assert.equal(r.accuracy, again.accuracy);
      assert.deepEqual(r.curve, again.curve);
    } finally {
      await pool.close();
    }
  });

  it("worker processes compute designs' hardware objectives as this process does; what they cannot answer is computed here", async () => {
    const program = compile(TINY);
    const ir = program.ir!;
    const ex = ir.explorations.find((e) => e.name === 'chip_space')!;
    const sources = [...program.files.values()].map((f) => ({ path: f.path, text: f.text }));
    const common = { source: TINY, compile: designCompiler(TINY), sources };
    const here = await explore(await problemFor(ir, ex, common), 'nsga2');
    const pool = new ProcessPool(2, JOBS.childModule);
    /** An exploration whose pool's hardware objectives go through `hardware` (the pool's, looked at). */
    const through = async (hardware: NonNullable<Executor['hardware']>) =>
      explore(
        await problemFor(ir, ex, {
          ...common,
          executor: {
            slots: pool.slots,
            description: pool.description,
            run: (j) => pool.run(j),
            close: () => pool.close(),
            hardware,
          },
        }),
        'nsga2',
      );
    try {
      let asked = 0;
      const there = await through((r) => ((asked += r.points.length), pool.hardware(r)));
      assert.equal(asked, 24, 'the whole pool (3 × 4 × 2 designs) went to the processes');
      assert.deepEqual(there, here);
      // A design the compiler rejects: its message, as here; a request the processes cannot read: errors.
      const request = {
        root: path.dirname(TINY),
        entry: 'explore-tiny.pim',
        sources: [{ path: 'explore-tiny.pim', text: fs.readFileSync(TINY, 'utf8') }],
        mapping: 'small_on_chip',
        points: [[{ path: 'cell.bits_per_cell', value: 99 }], [{ path: 'chip.t.ima.crossbar.rows', value: 32 }]],
      };
      const [bad, good] = await pool.hardware(request);
      assert.match((bad as { infeasible: string }).infeasible, /^PIM\d{4}: .*bits_per_cell/);
      assert.ok((good as Record<string, number>)['area']! > 0);
      const broken = await pool.hardware({ ...request, sources: 'not files' as never });
      assert.deepEqual(
        broken.map((a) => typeof (a as { error?: unknown }).error),
        ['string', 'string'],
      );
      // Answers with errors: the coordinator computes those designs itself, with the same figures.
      const failing = await through(async (r) =>
        (await pool.hardware(r)).map((a, i) => (i % 2 ? { error: 'lost' } : a)),
      );
      assert.deepEqual(failing, here);
    } finally {
      await pool.close();
    }
  });

  it('the journal keeps finished jobs across runs, drops a line cut short, and is never overwritten', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pim-journal-'));
    try {
      const file = path.join(dir, 'run.journal.jsonl');
      const header = {
        journal: 'pim-explore' as const,
        version: 2 as const,
        exploration: 'e',
        method: 'random',
        seed: 1,
        toolchain: 'a'.repeat(64),
      };
      const j = new Journal(file, header, false);
      j.append({ id: 'a', ok: true, accuracy: 0.5, curve: [0.5], cpuSeconds: 1, wallSeconds: 1, worker: 'w' });
      j.close();
      fs.appendFileSync(file, '{"id":"b","ok":tr');
      assert.throws(
        () => new Journal(file, { ...header, exploration: 'other' }, true),
        /journal of exploration 'e', not 'other'/,
      );
      // Another method or seed is another run: refused (exit 2), the journal untouched.
      const kept = fs.readFileSync(file, 'utf8');
      for (const other of [{ seed: 2 }, { method: 'nsga2' }])
        assert.throws(
          () => new Journal(file, { ...header, ...other }, true),
          (e: Error) =>
            e instanceof JournalConflict && /the journal of a run with method random and seed 1/.test(e.message),
        );
      // Another build of pim would train the rest with another model: refused, as is a journal from before builds were recorded.
      assert.throws(
        () => new Journal(file, { ...header, toolchain: 'c'.repeat(64) }, true),
        (e: Error) =>
          e instanceof JournalConflict &&
          /written by build aaaaaaaaaaaa of pim, and this is build cccccccccccc: .*Resume with the build that wrote it, or run without --resume/.test(
            e.message,
          ),
      );
      assert.equal(fs.readFileSync(file, 'utf8'), kept);
      const old = path.join(dir, 'old.journal.jsonl');
      fs.writeFileSync(old, JSON.stringify({ ...header, version: 1, toolchain: undefined }) + '\n');
      assert.throws(() => new Journal(old, header, true), /written by an earlier version of pim/);
      const k = new Journal(file, header, true);
      assert.equal(k.replayed, 1);
      assert.equal(k.get('a')?.accuracy, 0.5);
      assert.equal(k.get('b'), undefined);
      k.append({ id: 'c', ok: true, accuracy: 0.7, curve: [0.7], cpuSeconds: 1, wallSeconds: 1, worker: 'w' });
      k.close();
      const lines = fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id?: string });
      assert.deepEqual(
        lines.map((l) => l.id),
        [undefined, 'a', 'c'],
      );
      // A run that does not resume starts a journal of its own and keeps the earlier one aside, whole.
      const before = fs.readFileSync(file, 'utf8');
      const fresh = new Journal(file, header, false);
      fresh.close();
      assert.equal(fresh.replayed, 0);
      assert.equal(fs.readFileSync(fresh.keptAside!, 'utf8'), before);
      assert.match(fs.readFileSync(file, 'utf8'), /^\{"journal":"pim-explore"[^\n]*\n$/);
      assert.throws(() => new Journal(path.join(dir, 'none.jsonl'), header, true), /no journal/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('explore: progress lines', () => {
  const job = (rows: number) => tinyJob({ rows, epochs: 3 });
  const evaluation = {
    index: 0,
    point: [0],
    params: { rows: 32 },
    objectives: { accuracy: 0.5 },
    epochs: 3,
    cost: 3,
    spent: 3,
    worker: 'h:2',
  };

  it('on a terminal: one live line per busy worker, redrawn in place, gone when its job ends; totals at the end', () => {
    const out: string[] = [];
    const p = new ExploreProgress((s) => out.push(s), true, 'e (random)', 'epochs');
    p.evaluation(evaluation, 3, 9, true, false);
    p.job({ job: job(32), worker: 'h:1', epoch: 0, epochs: 3 });
    const a = job(64);
    p.job({ job: a, worker: 'h:2', epoch: 2, epochs: 3 });
    p.evaluation({ ...evaluation, index: 1, spent: 6 }, 6, 9, true, false);
    const block = out.at(-1)!.replace(/\x1b\[[0-9]*[AK]/g, '');
    assert.match(block, /explore e \(random\): 2 designs, 6\/9 epochs/);
    assert.match(block, /h:1 {2}tiny 32 {2}epoch 0\/3/);
    assert.match(block, /h:2 {2}tiny 64 {2}epoch 2\/3/);
    p.jobDone(a.id);
    p.evaluation({ ...evaluation, index: 2, spent: 9 }, 9, 9, true, false);
    assert.match(out.at(-1)!, /^\x1b\[2A/, 'the block of three lines is redrawn from its top');
    assert.doesNotMatch(out.at(-1)!, /tiny 64/);
    assert.match(out.at(-1)!, /\n\r\x1b\[K\x1b\[1A$/, 'the line left below the shorter block is cleared');
    assert.match(
      p.finish('2 local worker processes'),
      /3 evaluations in [\d.]+ s on 2 local worker processes: [\d.]+ trained\/s/,
    );
  });

  it('off a terminal: a plain line per trained evaluation, none for a hardware-only one', () => {
    const out: string[] = [];
    const p = new ExploreProgress((s) => out.push(s), false, 'e (random)', 'epochs');
    p.job({ job: job(32), worker: 'h:1', epoch: 0, epochs: 3 });
    p.evaluation(evaluation, 3, 9, true, false);
    p.evaluation({ ...evaluation, index: 1 }, 4, 9, false, false);
    p.evaluation({ ...evaluation, index: 2 }, 6, 9, true, true);
    assert.deepEqual(
      out.map((l) => l.replace(/, \d+ s;/, ', T s;')),
      [
        'explore e (random): 1 design, 3/9 epochs, T s; #1 32: accuracy 50.0% after 3 epochs (h:2)\n',
        'explore e (random): 3 designs, 6/9 epochs, T s; #3 32: accuracy 50.0% after 3 epochs (from the journal)\n',
      ],
    );
    assert.ok(out.every((l) => !l.includes('\x1b')));
  });
});
