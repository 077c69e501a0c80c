// A fresh clone needs nothing beside it: the repository's tracked files are copied to a temporary
// directory that holds nothing else, built there, and the README's commands run there as written
// (the training and exploration commands with a small epoch count and budget, so the test stays
// short; the commands themselves are the README's). Installing is `npm ci` when PIM_FRESH_CLONE_NPM_CI=1;
// otherwise the copy links this checkout's installed third-party packages (the same lock file) and
// its own workspace packages, as `npm ci` would, which keeps the test to the build and the commands.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolchainId } from '@pim/runtime/explore';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The README's shell commands, one per line of its ```sh blocks, `&&` chains split. */
function readmeCommands(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((b) => b.split('\n'))
    .flatMap((line) => line.split('&&').map((c) => c.trim()))
    .filter((c) => c.length > 0);
}

/** Copies every tracked file (as git lists it, deleted ones skipped) into `dest`. */
function copyTracked(dest: string): number {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0')
    .filter(Boolean);
  let n = 0;
  for (const f of files) {
    const from = path.join(ROOT, f);
    const st = fs.lstatSync(from, { throwIfNoEntry: false });
    if (!st) continue;
    const to = path.join(dest, f);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (st.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else fs.copyFileSync(from, to);
    fs.chmodSync(to, st.mode);
    n++;
  }
  return n;
}

/**
 * node_modules as `npm ci` leaves it, from this checkout's: third-party packages linked (same lock
 * file), the workspace packages linked to the COPY's folders, the .bin links kept relative.
 */
function linkModules(dest: string): void {
  const from = path.join(ROOT, 'node_modules');
  const to = path.join(dest, 'node_modules');
  fs.mkdirSync(to);
  for (const entry of fs.readdirSync(from)) {
    if (entry === '@pim' || entry === '.bin' || entry.startsWith('.package-lock')) continue;
    fs.symlinkSync(path.join(from, entry), path.join(to, entry));
  }
  fs.mkdirSync(path.join(to, '.bin'));
  for (const bin of fs.readdirSync(path.join(from, '.bin'))) {
    fs.symlinkSync(fs.readlinkSync(path.join(from, '.bin', bin)), path.join(to, '.bin', bin));
  }
  fs.mkdirSync(path.join(to, '@pim'));
  for (const pkg of fs.readdirSync(path.join(from, '@pim'))) {
    const target = fs.readlinkSync(path.join(from, '@pim', pkg));
    assert.ok(!path.isAbsolute(target), `node_modules/@pim/${pkg} links to an absolute path`);
    fs.symlinkSync(target, path.join(to, '@pim', pkg));
  }
}

function run(cwd: string, command: string): { code: number; out: string } {
  const r = spawnSync('bash', ['-c', command], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    maxBuffer: 64 << 20,
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('fresh clone: the README commands in a copy with nothing beside it', function () {
  this.timeout(1_800_000);
  let tmp = '';
  let clone = '';

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pim-fresh-'));
    clone = path.join(tmp, 'pim');
    fs.mkdirSync(clone);
    assert.ok(copyTracked(clone) > 100);
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('installs and builds, and every README command succeeds there', () => {
    const commands = readmeCommands();
    // The README's commands, as written, are the subject: the test fails if they change shape.
    assert.ok(commands.includes('npm ci'), 'README installs with npm ci');
    const pimc = commands.filter((c) => c.startsWith('npx pimc '));
    for (const want of ['check', 'compile', 'simulate', 'train', 'explore'])
      assert.ok(
        pimc.some((c) => c.startsWith(`npx pimc ${want} `)),
        `README runs pimc ${want}`,
      );
    // Nothing beside the copy: no sibling folders, no other checkout.
    assert.deepEqual(fs.readdirSync(tmp), ['pim']);

    if (process.env['PIM_FRESH_CLONE_NPM_CI'] === '1') {
      const ci = run(clone, 'npm ci');
      assert.equal(ci.code, 0, ci.out);
    } else {
      linkModules(clone);
      // npm ci runs the root's prepare script, which builds.
      const build = run(clone, 'npm run build');
      assert.equal(build.code, 0, build.out);
    }
    // The same sources built at another path, from nothing: the same build of pim (toolchain.ts), so
    // workers installed this way take the jobs of this checkout's coordinator, and its journals resume.
    const build = run(
      clone,
      `node --input-type=module -e "console.log((await import('@pim/runtime/explore')).toolchainId())"`,
    );
    assert.equal(build.out.trim(), toolchainId(), build.out);
    for (const command of pimc) {
      // Training and exploration take minutes as the README writes them: a few epochs suffice here.
      const quick = command.startsWith('npx pimc train ')
        ? `${command} --epochs 2`
        : command.startsWith('npx pimc explore ')
          ? `${command} --budget 2`
          : command;
      const r = run(clone, quick);
      assert.equal(r.code, 0, `${quick}\n${r.out}`);
    }
    for (const out of ['isaac.ir.json', 'isaac-report.html', 'metrics.json'])
      assert.ok(fs.statSync(path.join(clone, out)).size > 0, `${out} written`);
    // Trained on the copy's data/cora (2,708 nodes): two epochs, a test accuracy measured.
    const metrics = JSON.parse(fs.readFileSync(path.join(clone, 'metrics.json'), 'utf8')) as {
      epochs: unknown[];
      final: { test_accuracy: number };
    };
    assert.equal(metrics.epochs.length, 2);
    assert.ok(
      metrics.final.test_accuracy >= 0 && metrics.final.test_accuracy <= 1,
      `test accuracy ${metrics.final.test_accuracy}`,
    );
  });
});
