// A third-party client: headless Neovim (Debian's `neovim`) drives the server with vim.lsp.start_client.
// It must receive the diagnostics of a broken file and a hover on a valid one; the test prints what
// Neovim received.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { marked, repoRoot, serverMain } from '../support/client.js';

const run = promisify(execFile);

describe('Neovim as an LSP client', function () {
  this.timeout(90000);

  it('receives diagnostics for a broken file and a hover on a valid one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pim-nvim-'));
    try {
      const broken = join(dir, 'broken.pim');
      const valid = join(dir, 'valid.pim');
      writeFileSync(broken, 'model m {\n  input: tensor[1, 28, 28]\n  conv c1 { out: 6, kernel: }\n  linear f1 { out: 10 }\n}\n');
      const v = marked('/// One layer.\nmodel ‸{name}net {\n  input: tensor[1, 28, 28]\n  flatten\n  linear f1 { out: 10 }\n}\n');
      writeFileSync(valid, v.text);
      const outFile = join(dir, 'out.json');
      let stdout = '';
      let stderr = '';
      try {
        ({ stdout, stderr } = await run('nvim', ['--headless', '--clean', '-c', `luafile ${join(repoRoot, 'test/lsp/neovim/client.lua')}`], {
          env: {
            ...process.env,
            PIM_SERVER: serverMain,
            PIM_BROKEN: broken,
            PIM_VALID: valid,
            PIM_OUT: outFile,
            PIM_HOVER_LINE: String(v.at['name']!.line),
            PIM_HOVER_COL: String(v.at['name']!.character),
          },
          timeout: 60000,
        }));
      } catch (e) {
        const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
        if (err.code === 'ENOENT') assert.fail('nvim is not installed (apt-get install -y neovim); this test needs a real third-party client');
        assert.fail(`nvim failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      }
      // What Neovim received, for the CI log.
      console.log(stdout.trim().split('\n').map((l) => `      nvim> ${l}`).join('\n'));
      const result = JSON.parse(readFileSync(outFile, 'utf8')) as {
        diagnostics: { code: string; message: string; range: { start: { line: number } } }[] | null;
        hover: { contents: { value: string } } | null;
        timeout: boolean;
      };
      assert.equal(result.timeout, false, `Neovim timed out; stderr:\n${stderr}`);
      assert.ok(Array.isArray(result.diagnostics) && result.diagnostics.length >= 1);
      const syntax = result.diagnostics!.find((d) => d.code === 'PIM1005');
      assert.ok(syntax, JSON.stringify(result.diagnostics));
      assert.equal(syntax.range.start.line, 2);
      assert.match(stdout, /diagnostic broken\.pim:3:\d+ PIM1005/);
      assert.ok(result.hover, 'no hover');
      assert.match(result.hover!.contents.value, /model net/);
      assert.match(result.hover!.contents.value, /One layer\./);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
