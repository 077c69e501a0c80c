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
      writeFileSync(
        broken,
        'model m {\n  input: tensor[1, 28, 28]\n  conv c1 { out: 6, kernel: }\n  linear f1 { out: 10 }\n}\n',
      );
      const v = marked(
        '/// One layer.\nmodel ‸{name}net {\n  input: tensor[1, 28, 28]\n  flatten\n  linear f1 { out: 10 }\n}\n',
      );
      writeFileSync(valid, v.text);
      const outFile = join(dir, 'out.json');
      let stdout = '';
      let stderr = '';
      try {
        ({ stdout, stderr } = await run(
          'nvim',
          ['--headless', '--clean', '-c', `luafile ${join(repoRoot, 'test/lsp/neovim/client.lua')}`],
          {
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
          },
        ));
      } catch (e) {
        const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
        if (err.code === 'ENOENT')
          assert.fail('nvim is not installed (apt-get install -y neovim); this test needs a real third-party client');
        assert.fail(`nvim failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      }
      // What Neovim received, for the CI log.
      console.log(
        stdout
          .trim()
          .split('\n')
          .map((l) => `      nvim> ${l}`)
          .join('\n'),
      );
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

describe('Neovim 0.7.2 with the newer features it has a client for', function () {
  this.timeout(90000);

  it('highlights, shows a signature, formats a range in the buffer and lists code lenses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pim-nvim-'));
    try {
      const file = join(dir, 'a.pim');
      const m = marked(
        'const ‸{decl}rows = 64\narchitecture a { clock: 1 GHz, tile t { ima { crossbar { rows: ‸{use}rows, cols: log2(‸{sig}64), cell: c } } } }\ndevice c { technology: reram }\nmodel   m {input: tensor[4],   relu}\n',
      );
      writeFileSync(file, m.text);
      const outFile = join(dir, 'out.json');
      let stdout = '';
      try {
        ({ stdout } = await run(
          'nvim',
          ['--headless', '--clean', '-c', `luafile ${join(repoRoot, 'test/lsp/neovim/features.lua')}`],
          {
            env: {
              ...process.env,
              PIM_SERVER: serverMain,
              PIM_FILE: file,
              PIM_OUT: outFile,
              PIM_HL_LINE: String(m.at['use']!.line),
              PIM_HL_COL: String(m.at['use']!.character),
              PIM_SIG_LINE: String(m.at['sig']!.line),
              PIM_SIG_COL: String(m.at['sig']!.character),
              PIM_FMT_LINE: '3',
            },
            timeout: 60000,
          },
        ));
      } catch (e) {
        const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
        assert.fail(`nvim failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      }
      const r = JSON.parse(readFileSync(outFile, 'utf8')) as {
        timeout: boolean;
        highlight?: { range: { start: { line: number; character: number } }; kind: number }[];
        signature?: { signatures: { label: string }[] };
        formatted?: string[];
        codelens?: { line: number; title: string }[];
      };
      console.log(`      nvim> ${JSON.stringify(r)}${stdout.trim() ? `\n${stdout}` : ''}`);
      assert.equal(r.timeout, false, JSON.stringify(r));
      assert.deepEqual(
        r.highlight?.map((h) => [h.range.start.line, h.range.start.character, h.kind]),
        [
          [m.at['decl']!.line, m.at['decl']!.character, 3],
          [m.at['use']!.line, m.at['use']!.character, 2],
        ],
      );
      assert.equal(r.signature?.signatures[0]?.label, 'log2(x: number)');
      // Only the model's line was formatted, in Neovim's buffer.
      assert.equal(r.formatted?.[3], 'model m { input: tensor[4], relu }');
      assert.equal(r.formatted?.[1], m.text.split('\n')[1]);
      assert.ok(
        r.codelens?.some((l) => l.line === 0 && l.title === '1 reference'),
        JSON.stringify(r.codelens),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the Neovim set-up in docs/editor.md', function () {
  this.timeout(60000);

  it('attaches the server to a .pim buffer in Neovim 0.7.2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pim-nvim-doc-'));
    try {
      const doc = readFileSync(join(repoRoot, 'docs/editor.md'), 'utf8');
      const snippet = /```lua\n([\s\S]*?)```/.exec(doc)?.[1];
      assert.ok(snippet, 'docs/editor.md has a lua snippet');
      const file = join(dir, 'a.pim');
      writeFileSync(file, 'model m { input: tensor[4], relu }\n');
      const script = join(dir, 'init.lua');
      writeFileSync(
        script,
        snippet.replace('/path/to/pim/lsp/dist/server/main.js', serverMain) +
          // A client counts as attached once the server has answered `initialize`: wait for it.
          `vim.cmd('edit ${file}')\nlocal n = 0\nvim.wait(30000, function()\n  n = 0\n  for _ in pairs(vim.lsp.buf_get_clients(0)) do n = n + 1 end\n  return n > 0\nend, 100)\nio.stdout:write('attached ' .. n .. ' ' .. vim.bo.filetype .. '\\n')\nvim.cmd('qa!')\n`,
      );
      const { stdout } = await run('nvim', ['--headless', '--clean', '-c', `luafile ${script}`], { timeout: 45000 });
      assert.match(stdout, /attached 1 pim/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
