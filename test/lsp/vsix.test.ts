// The VS Code extension as shipped: bundle it, package the .vsix with vsce, read the manifest back,
// and run the bundled server (which must find the compiler's prelude next to itself).
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Hover } from 'vscode-languageserver-protocol';
import { fileUri, marked, repoRoot, startClient } from './support/client.js';
import { readZip } from './support/zip.js';

const run = promisify(execFile);
const ext = join(repoRoot, 'vscode-extension');

describe('VS Code extension package', function () {
  this.timeout(180000);
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'pim-vsix-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('packages a .vsix that contributes the language, grammar and commands', async () => {
    await run(process.execPath, [join(ext, 'esbuild.mjs')], { cwd: ext });
    const vsix = join(tmp, 'pim.vsix');
    await run(join(repoRoot, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix], { cwd: ext });
    const files = await readZip(vsix);
    const listing = [...files.keys()].join('\n');
    for (const f of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/server.mjs', 'extension/syntaxes/pim.tmLanguage.json', 'extension/language-configuration.json', 'extension/dist/prelude/components.pim']) {
      assert.ok(listing.includes(f), `${f} missing from the .vsix:\n${listing}`);
    }
    assert.ok(!listing.includes('extension/src/'), 'sources are not shipped');
    const pkg = JSON.parse(files.get('extension/package.json')!.toString('utf8'));
    assert.equal(pkg.contributes.languages[0].id, 'pim');
    assert.equal(pkg.contributes.grammars[0].path, './syntaxes/pim.tmLanguage.json');
    assert.deepEqual(pkg.contributes.commands.map((c: { command: string }) => c.command).slice(0, 3), ['pim.compile', 'pim.simulate', 'pim.explore']);
    // Every contributed command is registered by the bundled extension.
    const bundle = files.get('extension/dist/extension.js')!.toString('utf8');
    for (const c of pkg.contributes.commands as { command: string }[]) assert.ok(bundle.includes(`"${c.command}"`) || bundle.includes(`'${c.command}'`), `${c.command} is not registered`);
  });

  it('runs the bundled server with the compiler and its prelude', async () => {
    const dir = join(tmp, 'ws');
    const m = marked('architecture a {\n  tile t[2] { ‸{xbar}crossbar[4] { rows: 64, cols: 64 } }\n}\n');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.pim'), m.text);
    const client = await startClient(dir, {}, join(ext, 'dist/server.mjs'));
    try {
      const uri = fileUri(join(dir, 'a.pim'));
      const next = client.nextDiagnostics(uri, 1);
      client.open(uri, m.text, 1);
      const d = (await next).diagnostics;
      // The crossbar has no cell: the prelude's class says `cell` is required.
      assert.ok(d.some((x) => x.code === 'PIM2008' && /cell/.test(x.message)), JSON.stringify(d));
      const h = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: m.at['xbar']!.line, character: m.at['xbar']!.character } })) as Hover | null;
      assert.match((h?.contents as { value: string }).value, /Analog crossbar array/);
    } finally {
      await client.close();
    }
  });
});
