// The plain Prettier CLI with the plugin: `prettier --plugin ./lsp/dist/format/plugin.js --check "samples/**/*.pim"`.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../support/client.js';
import { plainEnv, stripAnsi } from '../support/plain.js';

const run = promisify(execFile);
const prettier = join(repoRoot, 'node_modules/prettier/bin/prettier.cjs');
const plugin = join(repoRoot, 'lsp/dist/format/plugin.js');

describe('prettier CLI with the pim plugin', function () {
  this.timeout(60000);

  it('--check passes on every sample', async () => {
    try {
      await run(process.execPath, [prettier, '--plugin', plugin, '--check', 'samples/**/*.pim'], {
        cwd: repoRoot,
        env: plainEnv,
      });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      assert.fail(
        `samples are not formatted (run: pimc fmt --write samples/*.pim):\n${err.stdout ?? ''}${err.stderr ?? ''}`,
      );
    }
  });

  it('--write formats a file and a syntax error is reported with its position', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pim-prettier-'));
    try {
      writeFileSync(join(dir, 'a.pim'), 'model   m {relu,flatten}');
      await run(process.execPath, [prettier, '--plugin', plugin, '--write', 'a.pim'], { cwd: dir, env: plainEnv });
      assert.equal(readFileSync(join(dir, 'a.pim'), 'utf8'), 'model m { relu, flatten }\n');
      writeFileSync(join(dir, 'b.pim'), 'model m {\n  conv { out: }\n}\n');
      await assert.rejects(
        run(process.execPath, [prettier, '--plugin', plugin, '--check', 'b.pim'], { cwd: dir, env: plainEnv }),
        (e: { stderr: string }) => {
          const stderr = stripAnsi(e.stderr);
          assert.match(stderr, /b\.pim: SyntaxError: PIM1005: unexpected '\}' in an expression/);
          // Prettier's code frame points at line 2, column 15.
          assert.match(stderr, /> 2 \|   conv \{ out: \}\n\[error\] {5}\| {15}\^/);
          return true;
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
