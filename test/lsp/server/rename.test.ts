// References and rename over every kind of name, on a three-file workspace (devices ← architecture ←
// main). Each rename is applied to copies of the files, which `pimc check` must then find clean.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Location, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { fileUri, marked, repoRoot, startClient, type TestClient } from '../support/client.js';

const run = promisify(execFile);
const pimc = join(repoRoot, 'cli/bin/pimc.js');

const files = {
  'devices.pim': marked(`/// Sense amplifier.
class ‸{amp}sense_amp extends component { bias: current = 10 uA, power: power = bias * 1 V, area: area = 2 um2 }
class fast_amp extends ‸{ampExtends}sense_amp { bias: current = 40 uA }
device ‸{dev}rr { technology: reram, bits_per_cell: 2 }
const ‸{rows}rows = 64
`),
  'arch.pim': marked(`import "devices.pim"
architecture ‸{chip}chip {
  clock: 1 GHz
  tile ‸{tile}t[4] {
    ima[2] { crossbar[8] { rows: ‸{rowsUse}rows, cols: 64, cell: ‸{devUse}rr } }
    ‸{ampKind}sense_amp[8] { }
    fast_amp amp2 { }
  }
}
architecture ‸{big}big extends ‸{chipExtends}chip { chips: 2 }
`),
  'main.pim': marked(`import "arch.pim"
dataset ‸{digits}digits { source: builtin, set: "mnist" }
model ‸{net}net {
  input: tensor[1, 28, 28]
  flatten
  linear ‸{f1}f1 { out: 32 }
  relu
  linear f2 { out: 10 }
}
mapping ‸{m}m { model: ‸{netUse}net, architecture: ‸{bigUse}big, weights: fixed(16 bit), place ‸{f1Use}f1, linear on ‸{tileUse}t }
train ‸{tr}tr { mapping: ‸{mUse}m, dataset: ‸{digitsUse}digits, epochs: 1 }
explore e {
  evaluate: ‸{trUse}tr
  vary ‸{bigVary}big.‸{tileVary}t.‸{ampVary}sense_amp.bias in [10 uA, 20 uA]
  minimize area
  method: random { budget: 2 }
}
`),
};
type FileName = keyof typeof files;
const names = Object.keys(files) as FileName[];

/** Applies a workspace edit to the texts (edits of one file applied from the last to the first). */
function applied(dir: string, edit: WorkspaceEdit): Record<FileName, string> {
  const out = {} as Record<FileName, string>;
  for (const name of names) {
    const text = files[name].text;
    const edits: TextEdit[] = [...(edit.changes?.[fileUri(join(dir, name))] ?? [])];
    const lines = text.split('\n');
    const offset = (p: { line: number; character: number }) =>
      lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    edits.sort((x, y) => offset(y.range.start) - offset(x.range.start));
    let t = text;
    for (const e of edits) t = t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end));
    out[name] = t;
  }
  return out;
}

describe('references and rename of every kind of name, across three files', function () {
  this.timeout(120000);
  let dir: string;
  let client: TestClient;
  const uri = (f: FileName) => fileUri(join(dir, f));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pim-rename-'));
    for (const n of names) writeFileSync(join(dir, n), files[n].text);
    client = await startClient(dir);
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pos = (f: FileName, mark: string) => {
    const m = files[f].at[mark];
    assert.ok(m, `no mark ${mark} in ${f}`);
    return { line: m.line, character: m.character };
  };
  const refs = (f: FileName, mark: string) =>
    client.connection.sendRequest('textDocument/references', {
      textDocument: { uri: uri(f) },
      position: pos(f, mark),
      context: { includeDeclaration: true },
    }) as Promise<Location[]>;
  const renameAt = (f: FileName, mark: string, newName: string) =>
    client.connection.sendRequest('textDocument/rename', {
      textDocument: { uri: uri(f) },
      position: pos(f, mark),
      newName,
    }) as Promise<WorkspaceEdit>;
  /** The places of a list of locations as `file:mark` using the test's marks. */
  const where = (locs: Location[]) =>
    locs
      .map((l) => {
        const f = names.find((n) => uri(n) === l.uri)!;
        const mark = Object.entries(files[f].at).find(
          ([, p]) => p.line === l.range.start.line && p.character === l.range.start.character,
        )?.[0];
        return `${f}:${mark ?? `${l.range.start.line}:${l.range.start.character}`}`;
      })
      .sort();

  /** Renames, applies the edit to copies, and checks them with `pimc check`; returns the new texts. */
  async function renameAndCheck(f: FileName, mark: string, newName: string): Promise<Record<FileName, string>> {
    const edit = await renameAt(f, mark, newName);
    const texts = applied(dir, edit);
    const out = mkdtempSync(join(dir, 'renamed-'));
    mkdirSync(out, { recursive: true });
    for (const n of names) writeFileSync(join(out, n), texts[n]);
    const r = await run(process.execPath, [pimc, 'check', join(out, 'main.pim')]).then(
      (ok) => ({ ...ok, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
    // Exit status 0 and the summary line (`10 errors` must not pass for `0 errors`).
    assert.ok(
      r.code === 0 && /: 0 errors, /.test(r.stdout + r.stderr),
      `after renaming to ${newName}:\n${r.stdout}${r.stderr}\n${JSON.stringify(texts, null, 1)}`,
    );
    return texts;
  }

  it('a class: its declaration, its uses as a block kind and in `extends`, from any of them', async () => {
    const expected = ['arch.pim:ampKind', 'devices.pim:amp', 'devices.pim:ampExtends'];
    assert.deepEqual(where(await refs('devices.pim', 'amp')), expected);
    assert.deepEqual(where(await refs('arch.pim', 'ampKind')), expected);
    assert.deepEqual(where(await refs('devices.pim', 'ampExtends')), expected);
  });

  it('renames a class across three files, the paths through blocks it names included, leaving pimc check clean', async () => {
    const texts = await renameAndCheck('arch.pim', 'ampKind', 'sense_amplifier');
    assert.match(texts['devices.pim'], /class sense_amplifier extends component/);
    assert.match(texts['devices.pim'], /class fast_amp extends sense_amplifier /);
    assert.match(texts['arch.pim'], /sense_amplifier\[8\] \{ \}/);
    assert.match(texts['main.pim'], /vary big\.t\.sense_amplifier\.bias/);
    assert.ok(!/\bsense_amp\b/.test(Object.values(texts).join('\n')));
  });

  it('names a block named by its kind when the path through it is renamed, instead of changing its kind', async () => {
    assert.deepEqual(where(await refs('main.pim', 'ampVary')), ['arch.pim:ampKind', 'main.pim:ampVary']);
    const texts = await renameAndCheck('main.pim', 'ampVary', 'sa');
    assert.match(texts['arch.pim'], /sense_amp sa\[8\] \{ \}/);
    assert.match(texts['main.pim'], /vary big\.t\.sa\.bias/);
    assert.match(texts['devices.pim'], /class sense_amp extends component/);
  });

  it('a constant, a device, an architecture (`extends` and `architecture:`), a model, a data set, a mapping, an experiment', async () => {
    const cases: [FileName, string, string[], string][] = [
      ['arch.pim', 'rowsUse', ['arch.pim:rowsUse', 'devices.pim:rows'], 'rows2'],
      ['devices.pim', 'dev', ['arch.pim:devUse', 'devices.pim:dev'], 'cell8'],
      ['arch.pim', 'chip', ['arch.pim:chip', 'arch.pim:chipExtends'], 'chip_a'],
      ['main.pim', 'bigUse', ['arch.pim:big', 'main.pim:bigUse', 'main.pim:bigVary'], 'chip_b'],
      ['main.pim', 'net', ['main.pim:net', 'main.pim:netUse'], 'mlp'],
      ['main.pim', 'digitsUse', ['main.pim:digits', 'main.pim:digitsUse'], 'mnist_digits'],
      ['main.pim', 'mUse', ['main.pim:m', 'main.pim:mUse'], 'on_chip'],
      ['main.pim', 'tr', ['main.pim:tr', 'main.pim:trUse'], 'fit'],
    ];
    for (const [f, mark, expected, newName] of cases) {
      assert.deepEqual(where(await refs(f, mark)), expected, `references of ${f}:${mark}`);
      const texts = await renameAndCheck(f, mark, newName);
      const all = Object.values(texts).join('\n');
      assert.equal(
        all.split(newName).length - 1,
        expected.length,
        `${newName} written ${expected.length} times:\n${all}`,
      );
    }
  });

  it('a layer (in `place`) and a component (in `place … on` and in a `vary` path)', async () => {
    assert.deepEqual(where(await refs('main.pim', 'f1Use')), ['main.pim:f1', 'main.pim:f1Use']);
    let texts = await renameAndCheck('main.pim', 'f1Use', 'hidden');
    assert.match(texts['main.pim'], /linear hidden \{ out: 32 \}/);
    assert.match(texts['main.pim'], /place hidden, linear on t/);
    assert.deepEqual(where(await refs('arch.pim', 'tile')), ['arch.pim:tile', 'main.pim:tileUse', 'main.pim:tileVary']);
    texts = await renameAndCheck('arch.pim', 'tile', 'pe');
    assert.match(texts['arch.pim'], /tile pe\[4\]/);
    assert.match(texts['main.pim'], /on pe \}/);
    assert.match(texts['main.pim'], /vary big\.pe\.sense_amp/);
  });

  it('refuses names that are no identifiers, keywords, taken, or built-in classes', async () => {
    for (const [f, mark, bad] of [
      ['main.pim', 'net', 'not valid'],
      ['main.pim', 'net', 'extends'],
      ['main.pim', 'net', 'digits'],
      ['devices.pim', 'amp', 'tile'],
      ['main.pim', 'f1Use', 'f2'],
    ] as [FileName, string, string][]) {
      await assert.rejects(renameAt(f, mark, bad), `${bad} should be refused`);
    }
  });

  it('refuses a name a use would resolve to something else: `rows: rows` renamed to `cols` would read the sibling attribute', async () => {
    // The constant is 64 and so is the sibling `cols`: the program would compile, and still mean another thing.
    await assert.rejects(renameAt('arch.pim', 'rowsUse', 'cols'), /'cols' would mean something else at arch\.pim:5/);
    await assert.rejects(renameAt('devices.pim', 'rows', 'cols'), /would mean something else/);
    // A name nothing captures is still renamed.
    await renameAndCheck('arch.pim', 'rowsUse', 'crossbar_rows');
  });
});

describe('rename: what the check must allow and what it must refuse', function () {
  this.timeout(120000);
  let dir: string;
  let client: TestClient;
  const one =
    marked(`class ‸{cls}sense_amp extends component { bias: current = 10 uA, power: power = bias * 1 V, area: area = 2 um2 }
device rr { technology: reram, bits_per_cell: 2 }
architecture chip { clock: 1 GHz, tile ‸{t}t[4] { ima[2] { crossbar[8] { rows: 64, cols: 64, cell: rr } }, sense_amp[8] { } } }
architecture other { clock: 1 GHz, tile u[4] { ima[2] { crossbar[8] { rows: 64, cols: 64, cell: rr } } } }
dataset digits { source: builtin, set: "mnist" }
model net { input: tensor[1, 28, 28], flatten, linear f1 { out: 32 }, relu, linear f2 { out: 10 } }
mapping m { model: net, architecture: chip, weights: fixed(16 bit), place f1, linear on t }
mapping m2 { model: net, architecture: other, weights: fixed(16 bit), place f1, linear on u }
train tr { mapping: m, dataset: digits, epochs: 1 }
explore e { evaluate: tr, vary chip.t.sense_amp.bias in [10 uA, 20 uA], minimize area, method: random { budget: 2 } }
`);
  const lib = marked('const ‸{k}K = 64\n');
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pim-rename-check-'));
    writeFileSync(join(dir, 'one.pim'), one.text);
    writeFileSync(join(dir, 'lib.pim'), lib.text);
    writeFileSync(join(dir, 'uses.pim'), 'import "lib.pim"\nconst J = K * 2\n');
    writeFileSync(join(dir, 'other.pim'), 'import "lib.pim"\nconst KK = 3\nconst L = KK + 1\n');
    client = await startClient(dir);
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const renameAt = (file: string, at: { line: number; character: number }, newName: string) =>
    client.connection.sendRequest('textDocument/rename', {
      textDocument: { uri: fileUri(join(dir, file)) },
      position: { line: at.line, character: at.character },
      newName,
    }) as Promise<WorkspaceEdit>;

  it('allows a nested name that another block elsewhere has (tile t → u beside other.u)', async () => {
    const edit = await renameAt('one.pim', one.at['t']!, 'u');
    assert.ok(Object.values(edit.changes ?? {}).flat().length >= 2);
  });

  it('allows renaming a class whose unnamed block and vary path are in the same file', async () => {
    const edit = await renameAt('one.pim', one.at['cls']!, 'sense_amplifier');
    assert.ok(Object.values(edit.changes ?? {}).flat().length >= 3);
  });

  it('refuses a name that a file importing the renamed one already declares (two definitions)', async () => {
    await assert.rejects(renameAt('lib.pim', lib.at['k']!, 'KK'), /renaming to 'KK' would not compile/);
    await renameAt('lib.pim', lib.at['k']!, 'K2');
  });
});
