// The built CLI as a user runs it: `node cli/bin/pimc.js …` in a child process. Exit codes are
// 0 clean, 1 errors in the source, 2 usage or internal errors; a user mistake never prints a stack.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadIr } from '@pim/compiler';
import { BUNDLE, bundleIsFresh } from './bundle.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PIMC = path.join(ROOT, 'cli/bin/pimc.js');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'cli/package.json'), 'utf8')) as { version: string })
  .version;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function pimc(...args: string[]): Promise<Result> {
  return pimcWith({}, ...args);
}

function pimcWith(env: Record<string, string>, ...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [PIMC, ...args],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** No JavaScript stack frames: `    at fn (file:line:col)`. */
function noStack(r: Result): void {
  assert.doesNotMatch(r.stdout + r.stderr, /^\s+at .+:\d+:\d+\)?$/m, `stack trace printed:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error/);
}

const CASES = 'test/compiler/cases';

describe('compiler: pimc CLI', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pimc-cli-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('--help prints the usage and exits 0; no arguments prints it and exits 2', async () => {
    const help = await pimc('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage:/);
    assert.match(help.stdout, /pimc check FILE/);
    assert.match(help.stdout, /pimc compile FILE \[-o OUT\]/);
    const none = await pimc();
    assert.equal(none.code, 2);
    assert.match(none.stdout, /Usage:/);
  });

  it('--version prints the package version', async () => {
    const r = await pimc('--version');
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), VERSION);
  });

  it('check on a clean program exits 0', async () => {
    const r = await pimc('check', 'samples/isaac.pim');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /samples\/isaac\.pim: 0 errors, 0 warnings/);
    noStack(r);
  });

  it('check on a program with errors exits 1 and prints positioned code frames', async () => {
    const r = await pimc('check', `${CASES}/units-unknown-unit.pim`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /units-unknown-unit\.pim:2:19: error PIM3001: unknown unit 'Ghz'; did you mean 'GHz'\?/);
    assert.match(r.stderr, /^2 \| const clock = 1\.2 Ghz$/m);
    assert.match(r.stderr, /^ {2}\| {19}\^\^\^$/m);
    assert.match(r.stderr, /5 errors, 0 warnings/);
    noStack(r);
  });

  it('check of several files reports each; warnings alone exit 0', async () => {
    const r = await pimc('check', 'samples/isaac.pim', `${CASES}/valid-warnings.pim`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /valid-warnings\.pim:4:7: warning PIM4010/);
    assert.match(r.stderr, /valid-warnings\.pim: 0 errors, 3 warnings/);
  });

  it('--format json prints the diagnostics as JSON with positions and related locations', async () => {
    const r = await pimc('check', '--format', 'json', `${CASES}/names-duplicate.pim`);
    assert.equal(r.code, 1);
    const ds = JSON.parse(r.stdout) as {
      file: string;
      line: number;
      column: number;
      endLine: number;
      endColumn: number;
      code: string;
      severity: string;
      message: string;
      related?: { file: string; line: number; column: number; message: string }[];
    }[];
    assert.equal(ds.length, 2);
    assert.deepEqual(
      { ...ds[0], related: undefined },
      {
        file: `${CASES}/names-duplicate.pim`,
        line: 3,
        column: 7,
        endLine: 3,
        endColumn: 12,
        severity: 'error',
        code: 'PIM2002',
        message: "'lenet' is defined more than once",
        related: undefined,
      },
    );
    assert.deepEqual(ds[0]!.related, [
      { file: `${CASES}/names-duplicate.pim`, line: 2, column: 7, message: "'lenet' is first defined here" },
    ]);
    const clean = await pimc('check', '--format', 'json', 'samples/isaac.pim');
    assert.equal(clean.code, 0);
    assert.deepEqual(JSON.parse(clean.stdout), []);
  });

  it('compile -o writes IR that loadIr accepts; without -o the IR goes to stdout', async () => {
    const out = path.join(tmp, 'isaac.ir.json');
    const r = await pimc('compile', 'samples/isaac.pim', '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote/);
    const ir = loadIr(out);
    assert.ok(ir.architectures.some((a) => a.name === 'isaac'));
    const stdout = await pimc('compile', 'samples/isaac.pim');
    assert.equal(stdout.code, 0);
    assert.deepEqual(JSON.parse(stdout.stdout), JSON.parse(fs.readFileSync(out, 'utf8')));
  });

  it('compile of a program with errors exits 1 and writes nothing', async () => {
    const out = path.join(tmp, 'bad.ir.json');
    const r = await pimc('compile', `${CASES}/map-layer-does-not-fit.pim`, '-o', out);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error PIM4002: layer 'f1' needs 224 crossbars but 't' has 16 available/);
    assert.ok(!fs.existsSync(out));
    noStack(r);
  });

  it('a file that does not exist, a directory, an unknown command, bad options: exit 2, one line', async () => {
    const cases: [string[], RegExp][] = [
      [['check', 'no/such/file.pim'], /pimc check: cannot read 'no\/such\/file\.pim'/],
      [['compile', 'samples'], /pimc compile: 'samples' is not a file/],
      [['frobnicate', 'x.pim'], /pimc: unknown command 'frobnicate'/],
      [['check', '--bogus', 'samples/isaac.pim'], /pimc check: Unknown option '--bogus'/],
      [['check', '--format', 'xml', 'samples/isaac.pim'], /--format must be text or json/],
      [['compile', 'samples/isaac.pim', 'samples/explore.pim'], /give exactly one FILE/],
      [['check'], /pimc check: missing FILE/],
    ];
    for (const [args, message] of cases) {
      const r = await pimc(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      noStack(r);
    }
  });

  it('the bundled CLI prints exactly what the CLI run from its modules prints', async function () {
    // `npm test` builds first; without a fresh bundle (`tsc -b` alone) both runs would take the modules.
    assert.ok(bundleIsFresh(), 'the CLI bundle is older than its sources: run `npm run build`');
    const files = [
      ...fs
        .readdirSync(CASES)
        .filter((f) => f.endsWith('.pim'))
        .map((f) => `${CASES}/${f}`),
      'samples/isaac.pim',
    ];
    for (const args of [
      ['check', ...files],
      ['check', '--format', 'json', ...files],
      ['compile', 'samples/isaac.pim'],
      ['--version'],
    ]) {
      const [bundled, modules] = await Promise.all([pimc(...args), pimcWith({ PIMC_NO_BUNDLE: '1' }, ...args)]);
      assert.deepEqual(bundled, modules, `pimc ${args.slice(0, 3).join(' ')} …`);
    }
  });

  it('a code cache that does not match the bundle is ignored and written anew', async function () {
    assert.ok(bundleIsFresh(), 'the CLI bundle is older than its sources: run `npm run build`');
    const cache = `${BUNDLE}.v8cache`;
    fs.writeFileSync(cache, 'v0 stale\nnot a code cache');
    const r = await pimc('check', 'samples/isaac.pim');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /samples\/isaac\.pim: 0 errors, 0 warnings/);
    assert.ok(
      fs.readFileSync(cache).subarray(0, 40).toString('latin1').startsWith(`${process.version} ${process.arch} `),
      'cache rewritten with its key',
    );
  });

  it('garbage input gives errors, never a crash', async () => {
    const bin = path.join(tmp, 'garbage.pim');
    const bytes = Buffer.alloc(4096);
    // A fixed pseudo-random byte soup (LCG), so the test is the same on every run.
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      bytes[i] = x >> 16;
    }
    fs.writeFileSync(bin, bytes);
    for (const f of [bin, `${CASES}/garbage.pim`]) {
      const r = await pimc('check', f);
      assert.equal(r.code, 1, r.stderr.slice(0, 2000));
      assert.match(r.stderr, /error PIM1\d\d\d/);
      noStack(r);
    }
  });

  it('a reader that closes the pipe early (pimc compile | head) ends the output quietly', async () => {
    // The reader closes its end before the IR is written: every write meets EPIPE, which must not
    // surface as an unhandled stream error with a stack trace.
    const r = await new Promise<Result>((resolve) => {
      const child = spawn(process.execPath, [PIMC, 'compile', 'samples/isaac.pim'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdout.destroy();
      child.on('close', (code) => resolve({ code: code ?? -1, stdout: '', stderr }));
    });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled|internal error/);
    noStack(r);
  });
});
