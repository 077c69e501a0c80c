// The TextMate grammar against annotated files (vscode-tmgrammar-test), and the extension manifest.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './support/client.js';
import { plainEnv, stripAnsi } from './support/plain.js';

const run = promisify(execFile);

describe('TextMate grammar and extension manifest', function () {
  this.timeout(60000);

  it('scopes every annotated token as expected', async () => {
    const bin = join(repoRoot, 'node_modules/.bin/vscode-tmgrammar-test');
    const grammar = join(repoRoot, 'vscode-extension/syntaxes/pim.tmLanguage.json');
    let out: { stdout: string; stderr: string };
    try {
      out = await run(bin, ['-g', grammar, join(repoRoot, 'test/lsp/grammar/*.pim')], { cwd: repoRoot, env: plainEnv });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      assert.fail(`vscode-tmgrammar-test failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
    const stdout = stripAnsi(out.stdout);
    assert.match(stdout, /declarations\.pim run successfuly/);
    assert.match(stdout, /blocks\.pim run successfuly/);
  });

  it('contributes the language, grammar, commands and settings', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'vscode-extension/package.json'), 'utf8'));
    assert.equal(pkg.main, './dist/extension.js');
    assert.deepEqual(pkg.contributes.languages[0].extensions, ['.pim']);
    assert.equal(pkg.contributes.grammars[0].scopeName, 'source.pim');
    const commands = pkg.contributes.commands.map(
      (c: { command: string; title: string; category: string }) => `${c.category}: ${c.title}`,
    );
    assert.ok(commands.includes('pim: Compile') && commands.includes('pim: Simulate'));
    const settings = Object.keys(pkg.contributes.configuration.properties);
    assert.ok(settings.includes('pim.server.path') && settings.includes('pim.trace.server'));
    const config = JSON.parse(readFileSync(join(repoRoot, 'vscode-extension/language-configuration.json'), 'utf8'));
    assert.equal(config.comments.lineComment, '//');
    assert.deepEqual(config.comments.blockComment, ['/*', '*/']);
  });
});
