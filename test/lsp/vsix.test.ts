// The VS Code extension as shipped: bundle it, package the .vsix with vsce, read the manifest back,
// run its pimc (compiler, simulator, trainer with tfjs-wasm and MNIST, explorer) unpacked where no
// node_modules can help, and run the bundled server (which must find the compiler's prelude next to itself).
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Hover } from 'vscode-languageserver-protocol';
import { fileUri, marked, repoRoot, startClient } from './support/client.js';
import { readZip } from './support/zip.js';

const run = promisify(execFile);
const ext = join(repoRoot, 'vscode-extension');

describe('VS Code extension package', function () {
  // Training under load (other processes on the machine) took up to a minute.
  this.timeout(600000);
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'pim-vsix-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  /** The extension bundled and packaged (once) into the temporary folder. */
  async function packaged(): Promise<string> {
    const vsix = join(tmp, 'pim.vsix');
    if (existsSync(vsix)) return vsix;
    await run(process.execPath, [join(ext, 'esbuild.mjs')], { cwd: ext });
    await run(join(repoRoot, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '-o', vsix], { cwd: ext });
    return vsix;
  }

  /** The packaged .vsix unpacked (once) into the temporary folder. */
  async function unpacked(): Promise<string> {
    const root = join(tmp, 'unpacked');
    if (existsSync(root)) return root;
    const files = await readZip(await packaged());
    for (const [name, data] of files) {
      if (name.endsWith('/')) continue;
      mkdirSync(join(root, name, '..'), { recursive: true });
      writeFileSync(join(root, name), data);
    }
    // Outside the repository, so nothing of the workspace's node_modules can be found: no folder
    // above it has one, and the commands run without NODE_PATH.
    for (let dir = root; dir !== dirname(dir); dir = dirname(dir))
      assert.ok(!existsSync(join(dir, 'node_modules')), `${dir}/node_modules would be on the resolution path`);
    return root;
  }

  it('packages a .vsix that contributes the language, grammar and commands', async () => {
    const files = await readZip(await packaged());
    const listing = [...files.keys()].join('\n');
    for (const f of [
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/server.mjs',
      'extension/syntaxes/pim.tmLanguage.json',
      'extension/language-configuration.json',
      'extension/dist/prelude/components.pim',
      'extension/dist/pimc/pimc.mjs',
      'extension/dist/pimc/ir-validator.cjs',
      'extension/dist/data/cora/nodes.tsv',
      'extension/images/icon.png',
      'extension/snippets/pim.json',
      'extension/LICENSE.txt',
    ]) {
      assert.ok(listing.includes(f), `${f} missing from the .vsix:\n${listing}`);
    }
    assert.ok(!listing.includes('extension/src/'), 'sources are not shipped');
    const pkg = JSON.parse(files.get('extension/package.json')!.toString('utf8'));
    assert.equal(pkg.contributes.languages[0].id, 'pim');
    assert.equal(pkg.icon, 'images/icon.png');
    // The source repository, as the root package.json names it (packaged without
    // --allow-missing-repository, so vsce found it), with this folder as its directory.
    const project = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    assert.equal(project.repository.url, 'https://github.com/pim-lang/pim.git');
    assert.deepEqual(pkg.repository, { ...project.repository, directory: 'vscode-extension' });
    assert.match(
      files.get('extension.vsixmanifest')!.toString('utf8'),
      /Links\.Source" Value="https:\/\/github\.com\/pim-lang\/pim\.git"/,
    );
    assert.deepEqual(files.get('extension/images/icon.png')!.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(pkg.contributes.snippets[0].language, 'pim');
    const snippets = JSON.parse(files.get('extension/snippets/pim.json')!.toString('utf8')) as Record<
      string,
      { prefix: string }
    >;
    assert.ok(['architecture', 'model', 'mapping', 'explore'].every((k) => snippets[k]?.prefix === k));
    // Settings that name programs to run are the machine's, never a workspace's.
    assert.equal(pkg.contributes.configuration.properties['pim.compiler.path'].scope, 'machine');
    assert.equal(pkg.contributes.configuration.properties['pim.server.path'].scope, 'machine');
    assert.equal(pkg.contributes.configuration.properties['pim.compiler.path'].default, '');
    assert.equal(pkg.contributes.grammars[0].path, './syntaxes/pim.tmLanguage.json');
    assert.deepEqual(pkg.contributes.commands.map((c: { command: string }) => c.command).slice(0, 3), [
      'pim.compile',
      'pim.simulate',
      'pim.explore',
    ]);
    // Every contributed command is registered by the bundled extension.
    const bundle = files.get('extension/dist/extension.js')!.toString('utf8');
    for (const c of pkg.contributes.commands as { command: string }[])
      assert.ok(
        bundle.includes(`"${c.command}"`) || bundle.includes(`'${c.command}'`),
        `${c.command} is not registered`,
      );
  });

  /** The unpacked .vsix's pimc, a fresh folder `name` to run it in, and options that leave PATH empty. */
  async function bundledPimc(name: string) {
    const root = await unpacked();
    const ws = join(tmp, name);
    mkdirSync(ws);
    return {
      root,
      pimc: join(root, 'extension/dist/pimc/pimc.mjs'),
      ws,
      bare: { cwd: ws, env: { PATH: '', HOME: tmp } },
    };
  }

  it('ships a pimc that compiles, simulates, trains and explores from the unpacked .vsix with nothing on PATH', async () => {
    const { pimc, ws, bare } = await bundledPimc('pimc-ws');
    const program = `architecture chip { clock: 1 GHz, tile t[4] { ima[2] { crossbar[8] { rows: 64, cols: 64, cell: c }, adc[8] { }, dac[8 * 64] { } } } }
device c { technology: reram, bits_per_cell: 2 }
dataset d { source: synthetic, shape: tensor[16], classes: 2, samples: 8 }
model net { input: tensor[16], linear l { out: 2 } }
mapping m { model: net, architecture: chip, place linear on t }
run r { mapping: m, dataset: d }
explore e { evaluate: r, vary chip.clock in [1 GHz, 2 GHz], minimize area, energy, method: grid }
train fit { mapping: m, dataset: d, epochs: 1 }
explore trained { evaluate: fit, vary chip.clock in [1 GHz, 2 GHz], maximize accuracy, minimize area, method: random { budget: 2 } }
`;
    writeFileSync(join(ws, 'a.pim'), program);
    const version = await run(process.execPath, [pimc, '--version'], bare);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
    await run(process.execPath, [pimc, 'compile', 'a.pim', '-o', 'a.ir.json'], bare);
    assert.match(readFileSync(join(ws, 'a.ir.json'), 'utf8'), /"ir_version"/);
    await run(process.execPath, [pimc, 'simulate', 'a.pim', '--html', 'sim.html'], bare);
    assert.match(readFileSync(join(ws, 'sim.html'), 'utf8'), /<svg/);
    await run(process.execPath, [pimc, 'explore', 'a.pim', '--explore', 'e', '--html', 'explore.html'], bare);
    assert.match(readFileSync(join(ws, 'explore.html'), 'utf8'), /<svg/);
    // An exploration that trains each design (its worker processes start from the bundle too).
    await run(process.execPath, [pimc, 'explore', 'a.pim', '--explore', 'trained', '--json', 'trained.json'], bare);
    const explored = JSON.parse(readFileSync(join(ws, 'trained.json'), 'utf8')) as {
      evaluations: { objectives: { accuracy: number } }[];
    };
    assert.equal(explored.evaluations.length, 2);
    for (const e of explored.evaluations) assert.ok(e.objectives.accuracy >= 0 && e.objectives.accuracy <= 1);
  });

  it('trains on MNIST from the unpacked .vsix as the workspace pimc does, and says why when tfjs cannot start', async () => {
    const { root, pimc, ws, bare } = await bundledPimc('mnist-ws');
    // 240 training and 60 test digits of the bundled MNIST, one epoch.
    writeFileSync(
      join(ws, 'digits.pim'),
      `architecture chip { clock: 1 GHz, tile t[4] { ima[2] { crossbar[8] { rows: 64, cols: 64, cell: c }, adc[8] { }, dac[8 * 64] { } } } }
device c { technology: reram, bits_per_cell: 2 }
dataset mnist { source: builtin, samples: 300 }
model net { input: tensor[1, 28, 28], flatten, linear l { out: 10 } }
mapping m { model: net, architecture: chip, place linear on t }
train fit { mapping: m, dataset: mnist, epochs: 1, batch: 10, optimizer: momentum { lr: 0.1, momentum: 0.9 } }
run r { mapping: m, dataset: mnist }
`,
    );
    await run(process.execPath, [pimc, 'train', 'digits.pim', '--json', 'bundled.json', '--checkpoint', 'ck'], bare);
    await run(
      process.execPath,
      [join(repoRoot, 'cli/bin/pimc.js'), 'train', 'digits.pim', '--json', 'workspace.json'],
      {
        cwd: ws,
      },
    );
    type Trained = { final: { loss: number; test_accuracy: number } };
    const bundled = JSON.parse(readFileSync(join(ws, 'bundled.json'), 'utf8')) as Trained;
    const workspace = JSON.parse(readFileSync(join(ws, 'workspace.json'), 'utf8')) as Trained;
    // Well above chance (10%) after one epoch: it learnt from real digits.
    assert.ok(bundled.final.test_accuracy > 0.3, `test accuracy ${bundled.final.test_accuracy}`);
    // The same numbers as the workspace's pimc on tfjs-wasm (its cpu backend rounds differently).
    assert.equal(bundled.final.loss, workspace.final.loss);
    assert.equal(bundled.final.test_accuracy, workspace.final.test_accuracy);
    const ran = await run(process.execPath, [pimc, 'run', 'digits.pim', '--run', 'r', '--checkpoint', 'ck'], bare);
    assert.match(ran.stdout, new RegExp(`test accuracy ${(100 * bundled.final.test_accuracy).toFixed(1)}%`));
    // Without its WebAssembly, training stops and says why instead of falling back to another backend.
    const wasmDir = join(root, 'extension/dist/pimc');
    const aside = join(tmp, 'wasm-aside');
    mkdirSync(aside);
    for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm')))
      renameSync(join(wasmDir, f), join(aside, f));
    const failed = await run(process.execPath, [pimc, 'train', 'digits.pim'], bare).then(
      () => assert.fail('training without the .wasm files must fail'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /error: tfjs could not start its 'wasm' backend/);
  });

  it('runs the bundled server with the compiler and its prelude', async () => {
    const dir = join(tmp, 'ws');
    const m = marked('architecture a {\n  tile t[2] { ‸{xbar}crossbar[4] { rows: 64, cols: 64 } }\n}\n');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.pim'), m.text);
    const client = await startClient(dir, {}, join(ext, 'dist/server.mjs'));
    try {
      const uri = fileUri(join(dir, 'a.pim'));
      const d = await client.openAndDiagnose(uri, m.text);
      // The crossbar has no cell: the prelude's class says `cell` is required.
      assert.ok(
        d.some((x) => x.code === 'PIM2008' && /cell/.test(x.message)),
        JSON.stringify(d),
      );
      const h = (await client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri },
        position: { line: m.at['xbar']!.line, character: m.at['xbar']!.character },
      })) as Hover | null;
      assert.match((h?.contents as { value: string }).value, /Analog crossbar array/);
    } finally {
      await client.close();
    }
  });
});
