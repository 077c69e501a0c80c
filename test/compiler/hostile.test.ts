// The hostile-input corpus (test/hostile/): programs, files and command lines a hostile or careless user
// gives pimc. Each runs as a user runs it (`node cli/bin/pimc.js …` in a child process, in a temporary
// copy of the corpus) and must end with exit 0 or 1 (2 only for usage errors), positioned diagnostics,
// never "internal error" or a stack, within 2 s of CPU time and 500 MB of memory (measured in the
// child by test/hostile/measure.cjs; CPU time, not wall time: the machine is shared). Inputs too large
// to commit (a 9 MB file, 1.25 million tokens, 1,001 imports) are generated into the copy.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIMITS } from '@pim/grammar';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CORPUS = path.join(ROOT, 'test/hostile');
const PIMC = path.join(ROOT, 'cli/bin/pimc.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  cpuMs: number;
  maxRssMb: number;
}

export interface HostileCase {
  name: string;
  /** pimc's arguments, run in the corpus copy. */
  args: string[];
  /** Exit codes allowed (default 0 or 1). */
  exit?: number[];
  /** Diagnostic codes or texts the output must contain. */
  shows?: (string | RegExp)[];
  /** Texts the output must not contain. */
  hides?: (string | RegExp)[];
  /** Makes the files the case needs (in the corpus copy) before it runs. */
  setup?: (dir: string) => void;
  /** Checks the files after the run. */
  after?: (dir: string, r: Run) => void;
  /** Training loads tfjs and its wasm backend (~1 s of CPU before any work): a higher CPU bound. */
  cpuMs?: number;
}

function mkfifo(p: string): void {
  const r = spawnSync('mkfifo', [p]);
  assert.equal(r.status, 0, `mkfifo: ${r.stderr}`);
}

const unchanged = (file: string, before: () => string) => (dir: string) =>
  assert.equal(fs.readFileSync(path.join(dir, file), 'utf8'), before(), `${file} was changed`);
const tinyText = (): string => fs.readFileSync(path.join(CORPUS, 'tiny.pim'), 'utf8');
const copyExploreTiny = (dir: string): void =>
  fs.copyFileSync(path.join(ROOT, 'test/runtime/fixtures/explore-tiny.pim'), path.join(dir, 'explore-tiny.pim'));

/** `pimc explore FLAG FILE` where FILE holds `text`, not the output's kind: refused before any work, the file kept. */
function exploreOverOtherKind(flag: string, what: string, file: string, text: string, kind: string): HostileCase {
  return {
    name: `explore ${flag} over ${what}: refused before any work, the file kept`,
    args: ['explore', 'explore-tiny.pim', '--method', 'random', '--budget', '2', flag, file],
    setup: (dir) => {
      copyExploreTiny(dir);
      fs.writeFileSync(path.join(dir, file), text);
    },
    exit: [1],
    shows: [
      `pimc explore ${flag}: refusing to replace '${file}': it is not ${kind === 'HTML' ? 'an' : 'a'} ${kind} file`,
    ],
    after: unchanged(file, () => text),
  };
}

/** A checkpoint of tiny.pim's `fit`, trained once per run of this file (see `before`). */
let goodCheckpoint = '';

function corrupt(name: string, edit: (ck: Record<string, unknown>) => void): (dir: string) => void {
  return (dir) => {
    const ck = JSON.parse(goodCheckpoint) as Record<string, unknown>;
    edit(ck);
    fs.mkdirSync(path.join(dir, 'bad'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bad', `${name}.ckpt.json`), JSON.stringify(ck));
  };
}
const variables = (ck: Record<string, unknown>) => ck['variables'] as { shape: number[]; data: string }[];
const nanData = (n: number): string => Buffer.from(new Float32Array(n).fill(NaN).buffer).toString('base64');

export const HOSTILE_CASES: HostileCase[] = [
  // ── imports of files that are not sources ──
  { name: 'import /dev/zero', args: ['check', 'import-dev-zero.pim'], shows: ['PIM2100'] },
  { name: 'import /usr/bin/node', args: ['check', 'import-binary.pim'], shows: ['PIM2100'] },
  {
    name: 'import /etc/passwd (its contents never echoed)',
    args: ['check', 'import-passwd.pim'],
    shows: ['PIM2100'],
    hides: [/root:/],
  },
  {
    name: 'import a named pipe and a directory named .pim',
    args: ['check', 'import-special.pim'],
    setup: (dir) => {
      mkfifo(path.join(dir, 'pipe.pim'));
      fs.mkdirSync(path.join(dir, 'folder.pim'));
    },
    shows: [
      /import-special\.pim:2:8: error PIM2101: .*a pipe/,
      /import-special\.pim:3:8: error PIM2101: .*a directory/,
    ],
  },
  {
    name: 'import a 100 MB file (a link to node named .pim)',
    args: ['check', 'import-huge.pim'],
    setup: (dir) => fs.symlinkSync(process.execPath, path.join(dir, 'node-link.pim')),
    shows: ['PIM1105'],
  },
  {
    name: 'check a 9 MB file',
    args: ['check', 'big.pim'],
    setup: (dir) => fs.writeFileSync(path.join(dir, 'big.pim'), 'x'.repeat(LIMITS.fileBytes + 1)),
    shows: [/big\.pim:1:1: error PIM1105/],
  },
  // Reaching the token limit means scanning 1.25 million tokens (the 5 MB benchmark program has 1.2
  // million and takes longer): ~2.5 s of CPU here, over the 2 s of the other cases.
  {
    name: `a file of more than ${LIMITS.tokens} tokens`,
    args: ['check', 'tokens.pim'],
    setup: (dir) => fs.writeFileSync(path.join(dir, 'tokens.pim'), 'a '.repeat(LIMITS.tokens + 10)),
    shows: ['PIM1102'],
    cpuMs: 4000,
  },
  {
    name: `a program of more than ${LIMITS.files} files`,
    args: ['check', 'many.pim'],
    setup: (dir) => {
      fs.mkdirSync(path.join(dir, 'many'));
      const lines: string[] = [];
      for (let i = 0; i <= LIMITS.files; i++) {
        fs.writeFileSync(path.join(dir, 'many', `f${i}.pim`), `const c${i} = ${i}\n`);
        lines.push(`import "many/f${i}.pim"`);
      }
      fs.writeFileSync(path.join(dir, 'many.pim'), lines.join('\n') + '\n');
    },
    shows: ['PIM2102'],
  },
  {
    name: 'a binary-like file of 300,000 unexpected characters',
    args: ['check', 'noise.pim'],
    setup: (dir) => fs.writeFileSync(path.join(dir, 'noise.pim'), '@ a # '.repeat(50_000)),
    shows: ['PIM1104', 'PIM1001'],
  },
  // ── depth: the parser, builder and evaluator ──
  { name: '( × 1000', args: ['check', 'parens-1000.pim'], shows: ['PIM1100'] },
  { name: '500 nested blocks', args: ['check', 'blocks-500.pim'], shows: ['PIM1100'] },
  { name: '1+1+… 2,000 terms', args: ['check', 'sum-2000.pim'], shows: ['PIM1101'] },
  { name: 'a JSON file saved as .pim (78 KB)', args: ['check', 'json-saved-as.pim'], shows: ['PIM1103'] },
  {
    name: 'several broken files: each gets its own diagnostics',
    args: ['check', 'parens-1000.pim', 'blocks-500.pim', 'sum-2000.pim'],
    shows: ['parens-1000.pim: 2 errors', 'blocks-500.pim:', 'sum-2000.pim: 1 error'],
  },
  // ── size: repeat expansion ──
  {
    name: 'repeat 19990 { relu } under two mappings',
    args: ['check', 'repeat-19990.pim'],
    exit: [0],
    shows: ['0 errors'],
  },
  // The fewest copies for the fewest rounds 9.6 million crossbars allow: ⌈2^40 / ⌈2^40 / 9,600,000⌉⌉.
  {
    name: 'replicate: balanced over a layer of 2^40 MVMs a sample',
    args: ['compile', 'balanced-huge.pim'],
    exit: [0],
    shows: ['"replication": 9599955'],
  },
  // Alone, the fewest copies for the fewest rounds 9.6 million crossbars allow; two in turn, half each.
  {
    name: 'replicate: balanced over one layer of 2^40 MVMs, and over two level all the way down',
    args: ['compile', 'balanced-lone.pim'],
    exit: [0],
    shows: [/"replication": 9599955,[\s\S]*"replication": 4799999,[\s\S]*"replication": 4799999,/],
  },
  // ── values ──
  {
    name: 'clock: 1e308 GHz',
    args: ['check', 'clock-1e308.pim'],
    shows: [/clock-1e308\.pim:\d+:\d+: error PIM3007: 'clock'/],
  },
  {
    name: "clock: 0 Hz (the error at the user's clock)",
    args: ['check', 'clock-0.pim'],
    shows: [/clock-0\.pim:\d+:\d+: error PIM3010: 'clock'/],
    hides: ['components.pim'],
  },
  {
    name: 'bus_width: 0 bit (simulate)',
    args: ['simulate', 'bus-width-0.pim'],
    exit: [1],
    shows: [/error PIM3010: 'bus_width'/],
    hides: ['NaN', 'Infinity'],
  },
  { name: 'shared_by: 0', args: ['check', 'shared-by-0.pim'], shows: [/error PIM3010: 'shared_by'/] },
  {
    name: 'explore: a CF-MESMO fidelity of epochs in 1 .. 10^9 (a level each)',
    args: ['explore', 'fidelity-1e9.pim', '--workers', '0'],
    setup: (dir) =>
      fs.writeFileSync(
        path.join(dir, 'fidelity-1e9.pim'),
        tinyText() +
          'explore e {\n  evaluate: fit\n  vary chip.t.ima.crossbar.rows in [32, 64]\n  minimize area\n  maximize accuracy\n' +
          '  method: cf_mesmo { budget: 3 epochs, fidelity: epochs in 1 .. 1000000000, samples: 2 }\n}\n',
      ),
    exit: [1],
    shows: [
      /fidelity-1e9\.pim:\d+:\d+: error PIM\d{4}: .*fidelity epochs must be whole numbers with 1 ≤ LO ≤ HI ≤ 100000/,
    ],
  },
  {
    name: 'explore: an NSGA-II population of 10^8 and a MESMO of 10^8 samples',
    args: ['explore', 'explore-method-sizes.pim', '--workers', '0'],
    exit: [1],
    shows: [
      /explore-method-sizes\.pim:\d+:\d+: error PIM3010: 'population' of method 'nsga2' is 100000000, but it must be at most 10000/,
      /explore-method-sizes\.pim:\d+:\d+: error PIM3010: 'samples' of method 'mesmo' is 100000000, but it must be from 1 to 1000/,
    ],
  },
  {
    name: 'a synthetic graph of 10^15 edges on 100 nodes (train)',
    args: ['train', 'edges-over-pairs.pim'],
    exit: [1],
    shows: [
      /edges-over-pairs\.pim:19:\d+: error PIM3010: 'edges' of data set 'g' is 1e\+15, but it must be at most 4950/,
    ],
  },
  {
    name: 'dataset classes: 1 (train)',
    args: ['train', 'classes-1.pim'],
    exit: [1],
    shows: [/error PIM3010: 'classes'/],
  },
  // ── checkpoints ──
  {
    name: 'checkpoint with bad base64',
    args: ['run', 'tiny.pim', '--checkpoint', 'bad/base64.ckpt.json'],
    setup: corrupt('base64', (ck) => (variables(ck)[0]!.data = '!!not base64!!')),
    exit: [1],
    shows: [/base64\.ckpt\.json: checkpoint field 'variables\[0\]\.data'/],
    cpuMs: 4000,
  },
  {
    name: 'checkpoint with a missing field',
    args: ['run', 'tiny.pim', '--checkpoint', 'bad/missing.ckpt.json'],
    setup: corrupt('missing', (ck) => delete ck['writes']),
    exit: [1],
    shows: [/missing\.ckpt\.json: checkpoint field 'writes'/],
    cpuMs: 4000,
  },
  {
    name: 'checkpoint with a null variable',
    args: ['run', 'tiny.pim', '--checkpoint', 'bad/null.ckpt.json'],
    setup: corrupt('null', (ck) => ((ck['variables'] as unknown[])[0] = null)),
    exit: [1],
    shows: [/null\.ckpt\.json: checkpoint field 'variables\[0\]'/],
    cpuMs: 4000,
  },
  {
    name: 'checkpoint with short data',
    args: ['run', 'tiny.pim', '--checkpoint', 'bad/short.ckpt.json'],
    setup: corrupt('short', (ck) => (variables(ck)[0]!.data = variables(ck)[0]!.data.slice(0, 8))),
    exit: [1],
    shows: [/short\.ckpt\.json: checkpoint field 'variables\[0\]\.data' holds 6 bytes/],
    cpuMs: 4000,
  },
  {
    name: 'checkpoint with NaN weights',
    args: ['run', 'tiny.pim', '--checkpoint', 'bad/nan.ckpt.json'],
    setup: corrupt(
      'nan',
      (ck) => (variables(ck)[0]!.data = nanData(variables(ck)[0]!.shape.reduce((a, b) => a * b, 1))),
    ),
    exit: [1],
    shows: [/nan\.ckpt\.json: checkpoint field 'variables\[0\]\.data' has a value that is not a finite number \(NaN\)/],
    cpuMs: 4000,
  },
  {
    name: 'checkpoint of another version',
    args: ['run', 'tiny.pim', '--checkpoint', 'bad/v2.ckpt.json'],
    setup: corrupt('v2', (ck) => (ck['version'] = 2)),
    exit: [1],
    shows: [/v2\.ckpt\.json: checkpoint field 'version' is 2/],
    cpuMs: 4000,
  },
  {
    name: 'an unrelated bad *.ckpt.json beside a good checkpoint is skipped with a warning',
    args: ['run', 'tiny.pim', '--checkpoint', 'ck'],
    setup: (dir) => {
      fs.mkdirSync(path.join(dir, 'ck'));
      fs.writeFileSync(path.join(dir, 'ck', 'fit.ckpt.json'), goodCheckpoint);
      fs.writeFileSync(path.join(dir, 'ck', 'other.ckpt.json'), '{"format": "pim-checkpoint", "version": 1, "model": ');
    },
    exit: [0],
    shows: [/warning: skipping .*other\.ckpt\.json/, /deploy: test accuracy/],
    cpuMs: 4000,
  },
  {
    name: 'train --checkpoint DIR again: the earlier checkpoint is kept',
    args: ['train', 'tiny.pim', '--checkpoint', 'ck'],
    setup: (dir) => {
      fs.mkdirSync(path.join(dir, 'ck'));
      fs.writeFileSync(path.join(dir, 'ck', 'fit.ckpt.json'), goodCheckpoint);
    },
    exit: [1],
    shows: [/already holds a checkpoint of epoch 1; pass --overwrite/],
    after: (dir) => assert.equal(fs.readFileSync(path.join(dir, 'ck', 'fit.ckpt.json'), 'utf8'), goodCheckpoint),
    cpuMs: 4000,
  },
  // ── output paths ──
  {
    name: 'compile a.pim -o a.pim',
    args: ['compile', 'tiny.pim', '-o', 'tiny.pim'],
    exit: [1],
    shows: ['refusing to write over'],
    after: unchanged('tiny.pim', tinyText),
  },
  {
    name: 'simulate --json a.pim',
    args: ['simulate', 'tiny.pim', '--json', 'tiny.pim'],
    exit: [1],
    shows: ['refusing to write over'],
    after: unchanged('tiny.pim', tinyText),
  },
  {
    name: 'simulate --html a.pim',
    args: ['simulate', 'tiny.pim', '--html', 'tiny.pim'],
    exit: [1],
    shows: ['refusing to write over'],
    after: unchanged('tiny.pim', tinyText),
  },
  {
    name: '-o /nonexistent/x',
    args: ['compile', 'tiny.pim', '-o', '/nonexistent/x.json'],
    exit: [1],
    shows: ["the directory '/nonexistent' does not exist"],
  },
  {
    name: 'train --json into a missing folder: refused before training',
    args: ['train', 'tiny.pim', '--json', '/nonexistent/r.json'],
    exit: [1],
    shows: ['/nonexistent'],
    hides: [/fit: /],
  },
  {
    name: 'train --checkpoint under a regular file: refused before training',
    args: ['train', 'tiny.pim', '--checkpoint', 'tiny.pim/ck'],
    exit: [1],
    shows: ['is not a directory'],
    hides: [/fit: /],
  },
  {
    name: '-o DIR: a clean error and nothing left behind',
    args: ['compile', 'tiny.pim', '-o', 'outdir'],
    setup: (dir) => fs.mkdirSync(path.join(dir, 'outdir')),
    exit: [1],
    shows: ['is a directory'],
    after: (dir) => assert.deepEqual(fs.readdirSync(path.join(dir, 'outdir')), []),
  },
  {
    name: '--csv /proc/x',
    args: ['simulate', 'tiny.pim', '--csv', '/proc/x'],
    exit: [1],
    shows: ['proc pseudo file system'],
  },
  {
    name: '--checkpoint /proc/x',
    args: ['train', 'tiny.pim', '--checkpoint', '/proc/x'],
    exit: [1],
    shows: ['proc pseudo file system'],
  },
  // ── usage ──
  {
    name: 'simulate --mapping nosuch: a usage error on stderr, naming the mappings there are',
    args: ['simulate', 'tiny.pim', '--mapping', 'nosuch'],
    exit: [2],
    shows: ["pimc simulate: --mapping nosuch: the program declares no mapping 'nosuch' (it declares tiny_on_chip)"],
    after: (_dir, r) => assert.doesNotMatch(r.stdout, /nosuch/),
  },
  {
    name: 'train --epochs 0',
    args: ['train', 'tiny.pim', '--epochs', '0'],
    exit: [2],
    shows: ['--epochs must be a whole number from 1'],
  },
  {
    name: 'train --epochs 1e20',
    args: ['train', 'tiny.pim', '--epochs', '1e20'],
    exit: [2],
    shows: ['--epochs must be a whole number from 1'],
  },
  {
    name: 'run --init: an option of train only',
    args: ['run', 'tiny.pim', '--init', 'x'],
    exit: [2],
    shows: ["--init is an option of 'pimc train'"],
  },
  {
    name: 'run --overwrite: an option of train only',
    args: ['run', 'tiny.pim', '--checkpoint', 'x', '--overwrite'],
    exit: [2],
    shows: ["pimc run: --overwrite is an option of 'pimc train', not of 'pimc run'"],
  },
  {
    name: 'run --epochs: an option of train only',
    args: ['run', 'tiny.pim', '--checkpoint', 'x', '--epochs', '3'],
    exit: [2],
    shows: ["pimc run: --epochs is an option of 'pimc train'"],
  },
  {
    name: 'run --train NAME: the experiment flag of train',
    args: ['run', 'tiny.pim', '--train', 'fit'],
    exit: [2],
    shows: ["pimc run: --train is an option of 'pimc train'"],
  },
  {
    name: 'train --run NAME: the experiment flag of run',
    args: ['train', 'tiny.pim', '--run', 'deploy', '--epochs', '1'],
    exit: [2],
    shows: ["pimc train: --run is an option of 'pimc run', not of 'pimc train'"],
  },
  {
    name: 'train --init of a missing checkpoint',
    args: ['train', 'tiny.pim', '--init', 'nowhere'],
    exit: [1],
    shows: ["checkpoint 'nowhere' does not exist"],
  },
  {
    name: 'a training that diverges: exit 1, the checkpoint it would replace kept',
    args: ['train', 'diverge.pim', '--train', 'boom', '--checkpoint', 'ck', '--overwrite'],
    setup: (dir) => {
      const boom =
        'train boom { mapping: tiny_on_chip, dataset: blobs, epochs: 1, batch: 16, seed: 1, optimizer: adam { lr: 1e308 } }';
      fs.writeFileSync(path.join(dir, 'diverge.pim'), `${tinyText()}\n${boom}\n`);
      fs.mkdirSync(path.join(dir, 'ck'));
      fs.writeFileSync(path.join(dir, 'ck', 'boom.ckpt.json'), goodCheckpoint);
    },
    exit: [1],
    shows: ["experiment 'boom': training diverged in epoch 1"],
    after: (dir) => assert.equal(fs.readFileSync(path.join(dir, 'ck', 'boom.ckpt.json'), 'utf8'), goodCheckpoint),
    cpuMs: 4000,
  },
  {
    name: 'train --checkpoint where the checkpoint file would be is a folder: refused before training',
    args: ['train', 'tiny.pim', '--checkpoint', 'ck', '--overwrite'],
    setup: (dir) => fs.mkdirSync(path.join(dir, 'ck', 'fit.ckpt.json'), { recursive: true }),
    exit: [1],
    shows: ['is not a file: the checkpoint cannot be written there'],
    hides: [/fit: /],
    cpuMs: 4000,
  },
  {
    name: 'explore --journal over the .pim source: refused, the source kept',
    args: ['explore', 'explore-tiny.pim', '--method', 'random', '--budget', '4', '--journal', 'explore-tiny.pim'],
    setup: copyExploreTiny,
    exit: [1],
    shows: ["pimc explore --journal 'explore-tiny.pim': refusing to write over a .pim source"],
    after: (dir) =>
      assert.deepEqual(
        fs.readdirSync(dir).filter((f) => f.startsWith('explore-tiny')),
        ['explore-tiny.pim'],
      ),
  },
  {
    name: 'explore --json and --journal on one file: refused',
    args: [
      'explore',
      'explore-tiny.pim',
      '--method',
      'random',
      '--budget',
      '4',
      '--json',
      'r.json',
      '--journal',
      'r.json',
    ],
    setup: copyExploreTiny,
    exit: [1],
    shows: ["pimc explore --journal 'r.json': the same file as --json 'r.json'"],
  },
  {
    name: 'explore --resume of a file that is not a journal: refused, the file untouched',
    args: [
      'explore',
      'explore-tiny.pim',
      '--explore',
      'chip_accuracy',
      '--method',
      'random',
      '--budget',
      '4',
      '--workers',
      '0',
      '--journal',
      'notes.txt',
      '--resume',
    ],
    setup: (dir) => {
      copyExploreTiny(dir);
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'line one\nline two\na last line without newline');
    },
    exit: [1],
    shows: ['notes.txt:1: not a JSON line'],
    after: (dir) =>
      assert.equal(
        fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8'),
        'line one\nline two\na last line without newline',
      ),
  },
  {
    name: 'explore --workers far past the cores: a usage error',
    args: ['explore', 'explore-tiny.pim', '--workers', '1000'],
    setup: copyExploreTiny,
    exit: [2],
    shows: [/--workers must be a whole number from 0 to \d+, not '1000'/],
  },
  {
    name: 'worker --queue with a database that is not a number: a usage error, no stack',
    args: ['worker', '--queue', 'redis://127.0.0.1:1/abc'],
    exit: [2],
    shows: ["the database number must be 0 to 15, not 'abc'"],
    hides: [/ReplyError|at /],
  },
  {
    name: 'worker --queue with a port that is not one: a usage error, not retried forever',
    args: ['worker', '--queue', 'redis://127.0.0.1:99999'],
    exit: [2],
    shows: ['is not a valid URL'],
  },
  {
    name: 'worker --concurrency far past the cores: a usage error (it took 100000 and would start a training process per job taken)',
    args: ['worker', '--queue', 'redis://127.0.0.1:1', '--concurrency', '100000'],
    exit: [2],
    shows: [/--concurrency must be a whole number from 1 to \d+, not '100000'/],
  },
  {
    name: 'worker --lock-timeout past 32-bit milliseconds: a usage error',
    args: ['worker', '--queue', 'redis://127.0.0.1:1', '--lock-timeout', '3000000'],
    exit: [2],
    shows: ['--lock-timeout must be a whole number from 1 to 86400'],
  },
  {
    name: 'run --checkpoint /dev/null: neither a file nor a folder',
    args: ['run', 'tiny.pim', '--checkpoint', '/dev/null'],
    exit: [1],
    shows: ["checkpoint '/dev/null' is neither a checkpoint file nor a folder"],
    cpuMs: 4000,
  },
  {
    name: 'an empty option value (an unset shell variable): a usage error, not the option left out',
    args: ['train', 'tiny.pim', '--checkpoint', ''],
    exit: [2],
    shows: ['pimc train: --checkpoint needs a value, and was given an empty one'],
    hides: [/fit: /],
  },
  {
    name: 'run --json over the checkpoint it reads: refused, the checkpoint kept',
    args: ['run', 'tiny.pim', '--checkpoint', 'ck/fit.ckpt.json', '--json', 'ck/fit.ckpt.json'],
    setup: (dir) => {
      fs.mkdirSync(path.join(dir, 'ck'));
      fs.writeFileSync(path.join(dir, 'ck', 'fit.ckpt.json'), goodCheckpoint);
    },
    exit: [1],
    shows: ["pimc run --json 'ck/fit.ckpt.json': the same file as --checkpoint"],
    after: (dir) => assert.equal(fs.readFileSync(path.join(dir, 'ck', 'fit.ckpt.json'), 'utf8'), goodCheckpoint),
  },
  {
    name: 'train --json as the checkpoint it is about to write: refused before training',
    args: ['train', 'tiny.pim', '--checkpoint', 'ck', '--json', 'ck/fit.ckpt.json'],
    setup: (dir) => fs.mkdirSync(path.join(dir, 'ck')),
    exit: [1],
    shows: ["pimc train --json 'ck/fit.ckpt.json': the same file as the checkpoint of fit 'ck/fit.ckpt.json'"],
    hides: [/fit: /],
  },
  {
    name: 'simulate --json and --html on one file: refused',
    args: ['simulate', 'tiny.pim', '--json', 'out.json', '--html', 'out.json'],
    exit: [1],
    shows: ["pimc simulate --html 'out.json': the same file as --json 'out.json'"],
    after: (dir) => assert.equal(fs.existsSync(path.join(dir, 'out.json')), false),
  },
  {
    name: '-o through a symbolic link: the target written, the link and the mode kept',
    args: ['compile', 'tiny.pim', '-o', 'link.json'],
    setup: (dir) => {
      fs.writeFileSync(path.join(dir, 'target.json'), '{ "old": true }');
      fs.chmodSync(path.join(dir, 'target.json'), 0o600);
      fs.symlinkSync('target.json', path.join(dir, 'link.json'));
    },
    after: (dir) => {
      assert.ok(fs.lstatSync(path.join(dir, 'link.json')).isSymbolicLink(), 'the link was replaced by a file');
      assert.match(fs.readFileSync(path.join(dir, 'target.json'), 'utf8'), /^\{/);
      assert.equal(fs.statSync(path.join(dir, 'target.json')).mode & 0o777, 0o600);
    },
  },
  {
    name: '-o a symbolic link to nothing: refused, the link kept',
    args: ['compile', 'tiny.pim', '-o', 'dangling.json'],
    setup: (dir) => fs.symlinkSync('nowhere/x.json', path.join(dir, 'dangling.json')),
    exit: [1],
    shows: ["'dangling.json': a symbolic link to nothing that can hold a file"],
    after: (dir) => assert.ok(fs.lstatSync(path.join(dir, 'dangling.json')).isSymbolicLink()),
  },
  {
    name: '-o a symbolic link to a .pim source: refused',
    args: ['compile', 'tiny.pim', '-o', 'sneaky.json'],
    setup: (dir) => fs.symlinkSync('tiny.pim', path.join(dir, 'sneaky.json')),
    exit: [1],
    shows: ['refusing to write over'],
    after: unchanged('tiny.pim', tinyText),
  },
  {
    name: 'fmt on a syntax error: exit 1',
    args: ['fmt', 'syntax-error.pim'],
    exit: [1],
    shows: [/syntax-error\.pim:3:\d+: error PIM1/],
  },
  {
    name: 'fmt --write on a file with another hard link: written in place, both names see it',
    args: ['fmt', '--write', 'h1.pim'],
    setup: (dir) => {
      fs.writeFileSync(path.join(dir, 'h1.pim'), 'model   m {relu}\n');
      fs.linkSync(path.join(dir, 'h1.pim'), path.join(dir, 'h2.pim'));
    },
    exit: [0],
    after: (dir) => {
      assert.equal(fs.readFileSync(path.join(dir, 'h1.pim'), 'utf8'), 'model m { relu }\n');
      assert.equal(fs.readFileSync(path.join(dir, 'h2.pim'), 'utf8'), 'model m { relu }\n');
    },
  },
  {
    name: 'fmt --write on a read-only file (no write permission for anyone): refused, even to root; the others formatted',
    args: ['fmt', '--write', 'ro.pim', 'rw.pim'],
    setup: (dir) => {
      fs.writeFileSync(path.join(dir, 'ro.pim'), 'model   m {relu}\n');
      fs.chmodSync(path.join(dir, 'ro.pim'), 0o444);
      fs.writeFileSync(path.join(dir, 'rw.pim'), 'model   m {relu}\n');
    },
    exit: [2],
    shows: ["ro.pim: cannot write file: 'ro.pim' is read-only"],
    after: (dir) => {
      assert.equal(fs.readFileSync(path.join(dir, 'ro.pim'), 'utf8'), 'model   m {relu}\n');
      assert.equal(fs.statSync(path.join(dir, 'ro.pim')).mode & 0o777, 0o444);
      assert.equal(fs.readFileSync(path.join(dir, 'rw.pim'), 'utf8'), 'model m { relu }\n');
    },
  },
  {
    name: '--json over a read-only file: refused before any work (even to root), the file kept',
    args: ['compile', 'tiny.pim', '-o', 'ro.json'],
    setup: (dir) => {
      fs.writeFileSync(path.join(dir, 'ro.json'), 'kept');
      fs.chmodSync(path.join(dir, 'ro.json'), 0o444);
    },
    exit: [1],
    shows: ["-o 'ro.json': is read-only"],
    after: unchanged('ro.json', () => 'kept'),
  },
  {
    name: 'fmt --write where formatting would change the meaning (a doc comment before `{`): refused, the file kept',
    args: ['fmt', '--write', 'doc-before-brace.pim'],
    setup: (dir) => fs.writeFileSync(path.join(dir, 'doc-before-brace.pim'), 'architecture a /// d\n{ chips: 2 }\n'),
    exit: [1],
    shows: [/doc-before-brace\.pim:1:1: error PIM9002: formatting would change what the file means/],
    after: (dir) =>
      assert.equal(
        fs.readFileSync(path.join(dir, 'doc-before-brace.pim'), 'utf8'),
        'architecture a /// d\n{ chips: 2 }\n',
      ),
  },
  {
    name: 'fmt --write keeps CRLF line endings',
    args: ['fmt', '--write', 'crlf.pim'],
    exit: [0],
    after: (dir) => {
      const text = fs.readFileSync(path.join(dir, 'crlf.pim'), 'utf8');
      assert.notEqual(text, fs.readFileSync(path.join(CORPUS, 'crlf.pim'), 'utf8'), 'not formatted');
      assert.match(text, /\r\n$/);
      assert.doesNotMatch(text, /[^\r]\n/, 'a line ends in LF alone');
    },
  },
  // ── usage, second pass ──
  {
    name: 'train --help: the help of train, not of every command',
    args: ['train', 'tiny.pim', '--help'],
    exit: [0],
    shows: [/Usage:\n {2}pimc train FILE/, '--init CHECKPOINT', 'Exit status'],
    hides: ['pimc check', 'pimc explore'],
  },
  {
    name: 'train --format xml: a usage error before training',
    args: ['train', 'tiny.pim', '--format', 'xml'],
    exit: [2],
    shows: ['pimc train: --format must be text or json'],
    hides: [/fit: /],
  },
  {
    name: 'train --seed 0x10: decimal digits only',
    args: ['train', 'tiny.pim', '--seed', '0x10'],
    exit: [2],
    shows: ["pimc train: --seed must be a whole number from 0 to 4294967295, not '0x10'"],
  },
  {
    name: 'train --train nosuch: a usage error naming the experiments there are',
    args: ['train', 'tiny.pim', '--train', 'nosuch'],
    exit: [2],
    shows: ["pimc train: --train nosuch: the program declares no train experiment 'nosuch' (it declares fit)"],
  },
  {
    name: 'run without --checkpoint: a usage error',
    args: ['run', 'tiny.pim'],
    exit: [2],
    shows: ['pimc run: give --checkpoint CHECKPOINT'],
  },
  {
    name: 'explore --explore nosuch: a usage error',
    args: ['explore', 'explore-tiny.pim', '--explore', 'nosuch'],
    setup: copyExploreTiny,
    exit: [2],
    shows: ["pimc explore: --explore nosuch: the program declares no exploration 'nosuch'"],
  },
  {
    name: 'explore --redis-wait without --queue: a usage error, not ignored',
    args: ['explore', 'explore-tiny.pim', '--redis-wait', '5'],
    setup: copyExploreTiny,
    exit: [2],
    shows: ['--redis-wait is how long to wait for the Redis of --queue'],
  },
  {
    name: "simulate --json over a data set's nodes.tsv (empty): refused, the data kept",
    args: ['simulate', 'samples/gnn-cora.pim', '--json', 'data/cora/nodes.tsv'],
    setup: (dir) => {
      fs.mkdirSync(path.join(dir, 'samples'));
      fs.copyFileSync(path.join(ROOT, 'samples/gnn-cora.pim'), path.join(dir, 'samples/gnn-cora.pim'));
      fs.mkdirSync(path.join(dir, 'data/cora'), { recursive: true });
      // Empty, so that the kind of the file (any output may replace an empty one) does not refuse it first.
      fs.writeFileSync(path.join(dir, 'data/cora/nodes.tsv'), '');
    },
    exit: [1],
    shows: [/pimc simulate --json 'data\/cora\/nodes\.tsv': the same file as dataset cora's data '.*nodes\.tsv'/],
    after: (dir) => assert.equal(fs.readFileSync(path.join(dir, 'data/cora/nodes.tsv'), 'utf8'), ''),
  },
  // ── an output replaces only a file of its own kind (checkOutputPath's `kind`) ──
  {
    name: 'train --json over a data file the program does not read: refused before any work, the file kept',
    args: ['train', 'tiny.pim', '--json', 'nodes.tsv'],
    setup: (dir) => fs.writeFileSync(path.join(dir, 'nodes.tsv'), '# node\tlabel\n0\t3\n'),
    exit: [1],
    shows: ["pimc train --json: refusing to replace 'nodes.tsv': it is not a JSON file"],
    hides: [/fit: /],
    after: unchanged('nodes.tsv', () => '# node\tlabel\n0\t3\n'),
  },
  {
    name: '-o over a text file: refused, the file kept',
    args: ['compile', 'tiny.pim', '-o', 'notes.txt'],
    setup: (dir) => fs.writeFileSync(path.join(dir, 'notes.txt'), 'my notes'),
    exit: [1],
    shows: ["pimc compile -o: refusing to replace 'notes.txt': it is not a JSON file"],
    after: unchanged('notes.txt', () => 'my notes'),
  },
  {
    name: 'simulate --html over a JSON file: refused, the file kept',
    args: ['simulate', 'tiny.pim', '--html', 'report.json'],
    setup: (dir) => fs.writeFileSync(path.join(dir, 'report.json'), '{"kept": 1}'),
    exit: [1],
    shows: ["pimc simulate --html: refusing to replace 'report.json': it is not an HTML file"],
    after: unchanged('report.json', () => '{"kept": 1}'),
  },
  {
    name: 'simulate --json over an earlier JSON report (after a BOM and whitespace) and --html over an HTML one: replaced',
    args: ['simulate', 'tiny.pim', '--json', 'old.json', '--html', 'old.html'],
    setup: (dir) => {
      fs.writeFileSync(path.join(dir, 'old.json'), '\uFEFF\n  [1]');
      fs.writeFileSync(path.join(dir, 'old.html'), '\n<!doctype html><p>old</p>');
    },
    exit: [0],
    after: (dir) => {
      assert.match(fs.readFileSync(path.join(dir, 'old.json'), 'utf8'), /^\{\n {2}"/);
      assert.doesNotMatch(fs.readFileSync(path.join(dir, 'old.html'), 'utf8'), /<p>old<\/p>/);
    },
  },
  {
    name: '-o over a file of whitespace alone: replaced',
    args: ['compile', 'tiny.pim', '-o', 'blank.json'],
    setup: (dir) => fs.writeFileSync(path.join(dir, 'blank.json'), ' \n\t\n'),
    exit: [0],
    after: (dir) => assert.match(fs.readFileSync(path.join(dir, 'blank.json'), 'utf8'), /^\{/),
  },
  exploreOverOtherKind('--json', 'a CSV file', 'table.csv', 'a,b\n1,2\n', 'JSON'),
  exploreOverOtherKind('--html', 'a text file', 'page.txt', 'plain text', 'HTML'),
  exploreOverOtherKind('--journal', 'a text file', 'log.txt', 'my log', 'JSON'),
  {
    name: 'train on a data set whose test split is empty: an error, not an accuracy of 0%',
    args: ['train', 'two-samples.pim'],
    setup: (dir) =>
      fs.writeFileSync(path.join(dir, 'two-samples.pim'), tinyText().replace('samples: 64', 'samples: 2')),
    exit: [1],
    shows: ["error: dataset 'blobs': its test split has no samples"],
    hides: [/fit: /],
    cpuMs: 4000,
  },
  {
    name: 'train on a synthetic set of 10^12 samples: an error before any data is made, not an internal error',
    args: ['train', 'huge-samples.pim'],
    setup: (dir) =>
      fs.writeFileSync(path.join(dir, 'huge-samples.pim'), tinyText().replace('samples: 64', 'samples: 1e12')),
    exit: [1],
    shows: ["error: dataset 'blobs': 1000000000000 samples of 8 numbers are more than the trainer generates in memory"],
    hides: [/fit: /],
    cpuMs: 4000,
  },
  {
    name: 'run --checkpoint FOLDER --json over the checkpoint in it: refused, the weights kept',
    args: ['run', 'tiny.pim', '--checkpoint', 'ck', '--json', 'ck/fit.ckpt.json'],
    setup: (dir) => {
      fs.mkdirSync(path.join(dir, 'ck'));
      fs.writeFileSync(path.join(dir, 'ck', 'fit.ckpt.json'), goodCheckpoint);
    },
    exit: [1],
    shows: ["pimc run --json 'ck/fit.ckpt.json': a pim checkpoint, whose weights would be lost"],
    after: (dir) => assert.equal(fs.readFileSync(path.join(dir, 'ck', 'fit.ckpt.json'), 'utf8'), goodCheckpoint),
  },
  {
    name: 'train --init FOLDER --json over a checkpoint in it: refused before training',
    args: ['train', 'tiny.pim', '--init', 'ck', '--json', 'ck/fit.ckpt.json'],
    setup: (dir) => {
      fs.mkdirSync(path.join(dir, 'ck'));
      fs.writeFileSync(path.join(dir, 'ck', 'fit.ckpt.json'), goodCheckpoint);
    },
    exit: [1],
    shows: ['a pim checkpoint, whose weights would be lost'],
    hides: [/fit: /],
    after: (dir) => assert.equal(fs.readFileSync(path.join(dir, 'ck', 'fit.ckpt.json'), 'utf8'), goodCheckpoint),
  },
  {
    name: 'train --checkpoint through a linked folder, --json where the checkpoint will be: refused',
    args: ['train', 'tiny.pim', '--checkpoint', 'link', '--json', 'real/fit.ckpt.json'],
    setup: (dir) => {
      fs.mkdirSync(path.join(dir, 'real'));
      fs.symlinkSync('real', path.join(dir, 'link'));
    },
    exit: [1],
    shows: ["pimc train --json 'real/fit.ckpt.json': the same file as the checkpoint of fit"],
    hides: [/fit: /],
  },
  {
    name: 'explore --html over the journal --json implies: refused',
    args: ['explore', 'explore-tiny.pim', '--json', 'r.json', '--html', 'r.journal.jsonl'],
    setup: copyExploreTiny,
    exit: [1],
    shows: ["pimc explore the journal 'r.journal.jsonl': the same file as --html 'r.journal.jsonl'"],
    after: (dir) => assert.equal(fs.existsSync(path.join(dir, 'r.journal.jsonl')), false),
  },
  {
    name: 'run with a checkpoint file of another model whose shapes agree: loads, with a warning',
    args: ['run', 'tiny.pim', '--checkpoint', 'other.ckpt.json'],
    setup: (dir) => {
      const ck = JSON.parse(goodCheckpoint) as Record<string, unknown>;
      ck['model'] = 'lookalike';
      fs.writeFileSync(path.join(dir, 'other.ckpt.json'), JSON.stringify(ck));
    },
    exit: [0],
    shows: [
      "warning: other.ckpt.json: a checkpoint of model 'lookalike' (experiment 'fit'), loaded into model 'tiny'",
      /deploy: test accuracy/,
    ],
    cpuMs: 4000,
  },
];

function runPimc(dir: string, args: string[]): Run {
  const measure = path.join(dir, '.measure.json');
  fs.rmSync(measure, { force: true });
  const r = spawnSync(process.execPath, ['-r', path.join(CORPUS, 'measure.cjs'), PIMC, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, PIM_MEASURE_OUT: measure, FORCE_COLOR: '0' },
  });
  assert.equal(r.error, undefined, `pimc ${args.join(' ')}: ${r.error?.message} (a hang is killed after 120 s)`);
  assert.ok(
    fs.existsSync(measure),
    `pimc ${args.join(' ')} ended without its exit handler (signal ${r.signal}):\n${r.stderr}`,
  );
  const m = JSON.parse(fs.readFileSync(measure, 'utf8')) as { cpuMs: number; maxRssMb: number };
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ...m };
}

describe('hostile inputs (test/hostile): exit 0/1, positioned diagnostics, bounded CPU time and memory', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pim-hostile-'));
    fs.cpSync(CORPUS, dir, { recursive: true });
    const r = runPimc(dir, ['train', 'tiny.pim', '--checkpoint', 'trained']);
    assert.equal(r.code, 0, r.stderr);
    goodCheckpoint = fs.readFileSync(path.join(dir, 'trained', 'fit.ckpt.json'), 'utf8');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const c of HOSTILE_CASES) {
    it(c.name, () => {
      const work = fs.mkdtempSync(path.join(dir, 'case-'));
      fs.cpSync(CORPUS, work, { recursive: true });
      c.setup?.(work);
      const r = runPimc(work, c.args);
      const output = r.stdout + r.stderr;
      assert.ok(
        (c.exit ?? [0, 1]).includes(r.code),
        `exit ${r.code}, expected ${(c.exit ?? [0, 1]).join(' or ')}:\n${output.slice(0, 3000)}`,
      );
      assert.doesNotMatch(output, /internal error|internal compiler error/);
      assert.doesNotMatch(output, /^\s+at .+:\d+:\d+\)?$/m, 'a stack trace was printed');
      // Every diagnostic of a source names its place: FILE:LINE:COL.
      for (const line of output.split('\n')) {
        if (/ (error|warning) PIM\d{4}:/.test(line))
          assert.match(line, /^\S+:\d+:\d+: (error|warning) PIM\d{4}:/, `unpositioned: ${line}`);
      }
      for (const s of c.shows ?? [])
        assert.ok(
          typeof s === 'string' ? output.includes(s) : s.test(output),
          `output lacks ${String(s)}:\n${output.slice(0, 3000)}`,
        );
      for (const s of c.hides ?? [])
        assert.ok(typeof s === 'string' ? !output.includes(s) : !s.test(output), `output shows ${String(s)}`);
      c.after?.(work, r);
      assert.ok(
        r.cpuMs <= (c.cpuMs ?? 2000),
        `took ${r.cpuMs.toFixed(0)} ms of CPU time (bound ${c.cpuMs ?? 2000} ms)`,
      );
      assert.ok(r.maxRssMb <= 500, `peak memory ${r.maxRssMb.toFixed(0)} MB (bound 500 MB)`);
      fs.rmSync(work, { recursive: true, force: true });
    });
  }

  it('the VS Code settings naming programs to run are machine-scoped', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'vscode-extension/package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { scope?: string }> } };
    };
    const props = pkg.contributes.configuration.properties;
    for (const key of ['pim.server.path', 'pim.compiler.path']) assert.equal(props[key]?.scope, 'machine', key);
  });
});
