// Golden tests: each case's `pimc check` output and IR against the committed files. A mismatch prints
// a unified diff; `UPDATE_GOLDENS=1 npm test` rewrites the expected files instead.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { CASES_DIR, caseNames, readExpected, runCase, writeExpected } from './golden.js';
import { unifiedDiff } from './line-diff.js';

const UPDATE = process.env['UPDATE_GOLDENS'] === '1';

function compare(name: string, kind: 'diagnostics' | 'ir', actual: string | undefined): void {
  const file = kind === 'ir' ? `${name}.ir.json` : `${name}.diagnostics.txt`;
  const expected = readExpected(name, kind);
  if (UPDATE) {
    writeExpected(name, kind, actual);
    return;
  }
  if (actual === undefined && expected !== undefined) {
    assert.fail(
      `${file} is committed, but the case now gives no ${kind === 'ir' ? 'IR' : 'diagnostics'}; run with UPDATE_GOLDENS=1 to remove it`,
    );
  }
  if (actual !== undefined && expected === undefined) {
    assert.fail(`no ${file}: the case gives\n${actual}\nrun with UPDATE_GOLDENS=1 to write it`);
  }
  if (actual !== undefined && expected !== undefined && actual !== expected) {
    assert.fail(
      `${file} differs (UPDATE_GOLDENS=1 rewrites it):\n${unifiedDiff(expected, actual, `${file} (committed)`, `${file} (now)`)}`,
    );
  }
}

describe('compiler: golden cases', () => {
  const names = caseNames();

  it('has at least 60 cases, and no expected file without its case', () => {
    assert.ok(names.length >= 60, `only ${names.length} cases`);
    const orphans = fs
      .readdirSync(CASES_DIR)
      .filter((f) => f.endsWith('.ir.json') || f.endsWith('.diagnostics.txt'))
      .filter((f) => !names.includes(f.replace(/\.(ir\.json|diagnostics\.txt)$/, '')));
    assert.deepEqual(orphans, []);
  });

  for (const name of names) {
    it(name, async () => {
      const out = await runCase(name);
      const hasErrors = out.checkExit !== 0;
      // The exit code agrees with the outputs: IR exactly when `pimc check` finds no error.
      assert.equal(
        out.ir !== undefined,
        !hasErrors,
        `check exit ${out.checkExit} but IR ${out.ir ? 'present' : 'absent'}`,
      );
      if (hasErrors) assert.equal(out.checkExit, 1);
      compare(name, 'diagnostics', out.diagnostics);
      compare(name, 'ir', out.ir);
    });
  }
});
