// Formatter goldens: cases/format/NAME.in.pim → NAME.out.pim. `width-N` and `tab-N` in a case's name
// set printWidth and tabWidth. UPDATE_GOLDENS=1 rewrites the expected files.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@pim/grammar';
import { astDifference, formatPim } from '@pim/lsp';
import { repoRoot } from '../support/client.js';
import { unifiedDiff } from '../support/diff.js';

const dir = join(repoRoot, 'test/lsp/cases/format');
const update = process.env['UPDATE_GOLDENS'] === '1';

describe('formatter goldens', () => {
  const cases = readdirSync(dir)
    .filter((f) => f.endsWith('.in.pim'))
    .sort();
  it('has cases', () => assert.ok(cases.length >= 5));
  for (const file of cases) {
    const name = file.replace(/\.in\.pim$/, '');
    it(name, async () => {
      const input = readFileSync(join(dir, file), 'utf8');
      const width = /width-(\d+)/.exec(name);
      const tab = /tab-(\d+)/.exec(name);
      const opts = { printWidth: width ? Number(width[1]) : 100, tabWidth: tab ? Number(tab[1]) : 2 };
      const result = await formatPim(input, opts);
      assert.ok(result.ok, `${file} does not parse: ${JSON.stringify(!result.ok && result.diagnostics)}`);
      const expectedPath = join(dir, `${name}.out.pim`);
      if (update || !existsSync(expectedPath)) writeFileSync(expectedPath, result.text);
      const expected = readFileSync(expectedPath, 'utf8');
      if (result.text !== expected)
        assert.fail(`${name}: output differs from ${name}.out.pim\n${unifiedDiff(expected, result.text)}`);
      // The golden itself is stable and means what the input meant.
      const again = await formatPim(result.text, opts);
      assert.ok(again.ok && again.text === result.text, `${name}: formatting is not idempotent`);
      assert.equal(astDifference(parse(input).ast, parse(result.text).ast), undefined);
    });
  }
});
