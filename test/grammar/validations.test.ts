// The lexer and the parser skip Chevrotain's grammar validations at run time (they cost tens of
// milliseconds at every start). Here they run: a token set or grammar rule that Chevrotain rejects
// (unreachable token, ambiguous alternatives, left recursion) fails this test.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GRAMMAR = new URL('../../../grammar/dist/index.js', import.meta.url).href;

describe('grammar: Chevrotain validations', function () {
  this.timeout(60_000);
  it('the lexer and the parser pass them (PIM_GRAMMAR_CHECKS=1)', async () => {
    const script = `const g = await import(${JSON.stringify(GRAMMAR)}); g.referenceLexer(); const r = g.parse('const a = 1 GHz', 'a.pim'); if (r.diagnostics.length) throw new Error('parse failed'); console.log('ok');`;
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { env: { ...process.env, PIM_GRAMMAR_CHECKS: '1' }, cwd: fileURLToPath(new URL('.', import.meta.url)) },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout.trim(), 'ok');
  });
});
