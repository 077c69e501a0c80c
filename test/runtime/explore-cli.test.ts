// `pimc explore` as a user runs it, on a small program (test/runtime/fixtures/explore-tiny.pim): a
// hardware-only exploration and one with accuracy trained at two fidelities.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from '@pim/compiler';
import { exploreCommand, paretoFront, toolchainId } from '@pim/runtime/explore';
import { coraExploration } from './explore-fixtures.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PIMC = path.join(ROOT, 'cli/bin/pimc.js');
const TINY = 'test/runtime/fixtures/explore-tiny.pim';

function pimc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [PIMC, ...args], { cwd: ROOT, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

interface JsonResult {
  exploration: string;
  build: string;
  method: string;
  objectives: { name: string; sense: string }[];
  evaluations: {
    index: number;
    point: number[];
    params: Record<string, number>;
    objectives: Record<string, number>;
    epochs?: number;
    cost: number;
    spent: number;
  }[];
  front: number[];
  spent: number;
  budget: number;
  recommended?: { params: Record<string, number>; objectives: Record<string, number>; sd: number }[];
}

describe('explore: pimc explore', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pimc-explore-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a hardware-only exploration prints the Pareto-optimal designs; the JSON holds every evaluation', async () => {
    const json = path.join(tmp, 'hw.json');
    const r = await pimc('explore', TINY, '--json', json);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^chip_space: nsga2, 12 designs evaluated for 12 of 12 evaluations/m);
    assert.match(r.stdout, /Pareto-optimal designs \(\d+\):/);
    assert.match(r.stdout, /chip\.t\.ima\.crossbar\.rows\s+cell\.bits_per_cell\s+chip\.clock\s+area \(min\)/);
    // Values with their units: a clock of 5e8 Hz is 500 MHz.
    assert.match(r.stdout, / (500 MHz|1\.00 GHz)  /);
    assert.doesNotMatch(r.stdout, /\b(500 M|1\.00 G) /);
    assert.equal(r.stderr, '', 'no progress output when stderr is not a terminal');
    const out = JSON.parse(fs.readFileSync(json, 'utf8')) as JsonResult;
    assert.equal(out.evaluations.length, 12);
    assert.equal(out.build, toolchainId(), 'the build of pim that computed the figures');
    // The front is exactly the non-dominated evaluations.
    const pts = out.evaluations.map((e) => out.objectives.map((o) => e.objectives[o.name]!));
    assert.deepEqual(out.front, paretoFront(pts));
    // Designs differ in what was varied, and the objectives follow: more bits per cell, fewer cells.
    assert.ok(new Set(out.evaluations.map((e) => e.point.join())).size === 12);
    for (const e of out.evaluations)
      assert.ok(e.objectives['area']! > 0 && e.objectives['energy']! > 0 && e.objectives['latency']! > 0);
  });

  it('with accuracy: CF-MESMO trains designs at one or two epochs within its budget', async () => {
    const json = path.join(tmp, 'acc.json');
    const html = path.join(tmp, 'acc.html');
    const r = await pimc('explore', TINY, '--explore', 'chip_accuracy', '--json', json, '--html', html);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(fs.readFileSync(json, 'utf8')) as JsonResult;
    assert.equal(out.method, 'cf_mesmo');
    assert.ok(out.spent <= 6);
    assert.equal(
      out.spent,
      out.evaluations.reduce((s, e) => s + e.epochs!, 0),
    );
    for (const e of out.evaluations) {
      assert.ok(e.epochs === 1 || e.epochs === 2);
      assert.ok(e.objectives['accuracy']! >= 0 && e.objectives['accuracy']! <= 1);
    }
    // The front holds full-fidelity (2-epoch) designs only.
    for (const i of out.front) assert.equal(out.evaluations[i]!.epochs, 2);
    // The model's recommended Pareto set: exact hardware objectives, accuracy predicted with its spread.
    assert.match(r.stdout, /Pareto set the model recommends \(accuracy predicted at full fidelity/);
    assert.ok(out.recommended && out.recommended.length > 0);
    for (const d of out.recommended) assert.ok(Number.isFinite(d.objectives['accuracy']) && d.sd >= 0);
    // The page: accuracy against each hardware objective, the hypervolume, the fidelities; offline.
    const page = fs.readFileSync(html, 'utf8');
    for (const id of ['scatter-area-accuracy', 'scatter-latency-accuracy', 'hypervolume', 'fidelity'])
      assert.match(page, new RegExp(`id="chart-${id}"`));
    assert.equal((page.match(/<svg/g) ?? []).length, 4);
    assert.doesNotMatch(page, /<script/i);
  });

  it('--method and --budget replace the declared ones; the same seed repeats the run', async () => {
    const a = path.join(tmp, 'a.json');
    const b = path.join(tmp, 'b.json');
    assert.equal((await pimc('explore', TINY, '--method', 'random', '--budget', '5', '--json', a)).code, 0);
    assert.equal((await pimc('explore', TINY, '--method', 'random', '--budget', '5', '--json', b)).code, 0);
    const ra = JSON.parse(fs.readFileSync(a, 'utf8')) as JsonResult;
    const rb = JSON.parse(fs.readFileSync(b, 'utf8')) as JsonResult;
    assert.equal(ra.method, 'random');
    assert.equal(ra.evaluations.length, 5);
    assert.deepEqual(ra.evaluations, rb.evaluations);
  });

  it("a Planetoid set's files are part of each job: a changed copy is other work, so --resume trains again and replays nothing", async () => {
    const dir = path.join(tmp, 'cora-run');
    const program = coraExploration(dir);
    const json = path.join(dir, 'run.json');
    const jobsOf = () =>
      (
        JSON.parse(fs.readFileSync(json, 'utf8')) as {
          evaluations: { job: string; objectives: Record<string, number> }[];
        }
      ).evaluations;
    const journalLines = () => fs.readFileSync(path.join(dir, 'run.journal.jsonl'), 'utf8').trim().split('\n').length;
    const first = await pimc('explore', program, '--workers', '1', '--json', json);
    assert.equal(first.code, 0, first.stderr);
    const before = jobsOf();
    assert.equal(before.length, 2);
    assert.equal(journalLines(), 3, 'a header and two evaluations');
    const again = await pimc('explore', program, '--workers', '1', '--json', json, '--resume');
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(jobsOf(), before);
    assert.equal(journalLines(), 3, 'the same data: both replayed from the journal, none trained');
    // A trailing blank line: the same graph, other bytes.
    fs.appendFileSync(path.join(dir, 'cora', 'edges.tsv'), '\n');
    const changed = await pimc('explore', program, '--workers', '1', '--json', json, '--resume');
    assert.equal(changed.code, 0, changed.stderr);
    const after = jobsOf();
    assert.equal(after.length, 2);
    assert.equal(journalLines(), 5, 'both trained again');
    for (let i = 0; i < 2; i++) {
      assert.notEqual(after[i]!.job, before[i]!.job, 'another job: trained, not replayed');
      assert.equal(after[i]!.objectives['accuracy'], before[i]!.objectives['accuracy'], 'on the same graph');
    }
  });

  it('mistakes: an unknown exploration or method, MESMO without accuracy, a bad budget', async () => {
    const unknown = await pimc('explore', TINY, '--explore', 'nope');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /declares no exploration 'nope' \(it declares chip_space, chip_accuracy\)/);
    const method = await pimc('explore', TINY, '--method', 'annealing');
    assert.equal(method.code, 2);
    assert.match(method.stderr, /unknown method 'annealing'/);
    const mesmo = await pimc('explore', TINY, '--method', 'mesmo');
    assert.equal(mesmo.code, 1);
    assert.match(mesmo.stderr, /has none \(the hardware objectives are exact\): use random or nsga2/);
    const budget = await pimc('explore', TINY, '--budget', '0');
    assert.equal(budget.code, 2);
    assert.match(budget.stderr, /--budget must be a whole number of at least 1, not .0./);
    for (const r of [unknown, method, mesmo, budget]) assert.doesNotMatch(r.stderr, /^\s+at /m);
  });

  it('exploreCommand, called as a library: --json over a CSV file or --html over a text file is refused before any work', async () => {
    const ir = compile(path.join(ROOT, TINY)).ir!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pim-explore-kind-'));
    try {
      const csv = path.join(dir, 'table.csv');
      const txt = path.join(dir, 'notes.txt');
      fs.writeFileSync(csv, 'a,b\n1,2\n');
      fs.writeFileSync(txt, 'notes');
      const noWork = (): never => {
        throw new Error('no design may be compiled or trained');
      };
      for (const [outputs, message] of [
        [{ json: csv }, `pimc explore --json: refusing to replace '${csv}': it is not a JSON file`],
        [{ html: txt }, `pimc explore --html: refusing to replace '${txt}': it is not an HTML file`],
      ] as const) {
        const err: string[] = [];
        const args = {
          ...outputs,
          method: 'random',
          budget: 2,
          source: TINY,
          sources: [],
          compile: noWork,
          jobs: noWork,
        };
        assert.equal(await exploreCommand(ir, args as never, noWork, (s) => err.push(s)), 1);
        assert.deepEqual(err, [message]);
      }
      assert.equal(fs.readFileSync(csv, 'utf8'), 'a,b\n1,2\n');
      assert.equal(fs.readFileSync(txt, 'utf8'), 'notes');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
