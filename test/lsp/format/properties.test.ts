// Formatting never changes meaning, never loses a comment and is idempotent: on every sample, on a
// file with comments in every position, and on fast-check-generated programs.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from '@pim/grammar';
import { astDifference, formatPim } from '@pim/lsp';
import { repoRoot } from '../support/client.js';
import { unifiedDiff } from '../support/diff.js';
import { programArb } from '../support/programs.js';

function pimFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...pimFiles(p));
    else if (name.endsWith('.pim')) out.push(p);
  }
  return out.sort();
}

async function checkStable(text: string, label: string, printWidth = 100): Promise<string> {
  const first = await formatPim(text, { printWidth });
  assert.ok(
    first.ok,
    `${label}: does not parse: ${!first.ok ? first.diagnostics.map((d) => d.message).join('; ') : ''}`,
  );
  const reparsed = parse(first.text);
  assert.deepEqual(reparsed.diagnostics, [], `${label}: formatted text does not parse:\n${first.text}`);
  const diff = astDifference(parse(text).ast, reparsed.ast);
  assert.equal(
    diff,
    undefined,
    `${label}: formatting changed the tree at ${diff}\n--- input\n${text}\n--- output\n${first.text}`,
  );
  const second = await formatPim(first.text, { printWidth });
  assert.ok(second.ok);
  if (second.text !== first.text) assert.fail(`${label}: not idempotent\n${unifiedDiff(first.text, second.text)}`);
  return first.text;
}

describe('formatter properties', () => {
  const samples = pimFiles(join(repoRoot, 'samples'));
  it('finds the samples', () => assert.ok(samples.length >= 1));
  for (const file of samples) {
    it(`preserves and is stable on ${file.slice(repoRoot.length + 1)}`, async () => {
      const text = readFileSync(file, 'utf8');
      for (const width of [40, 80, 100]) await checkStable(text, `${file} @${width}`, width);
    });
  }

  it('keeps every comment of a file with comments in every position', async () => {
    const text = readFileSync(join(repoRoot, 'test/lsp/cases/format/comments.in.pim'), 'utf8');
    const out = await checkStable(text, 'comments.in.pim');
    const before = parse(text).ast.comments.map((c) => c.text);
    const after = parse(out).ast.comments.map((c) => c.text);
    assert.deepEqual(after, before);
    assert.ok(before.length >= 18, `only ${before.length} comments read`);
  });

  it('refuses a file that does not parse, with its syntax error', async () => {
    const r = await formatPim('model m { conv { out: } }\n', { filepath: 'broken.pim' });
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.diagnostics[0]!.code.startsWith('PIM1'));
  });

  it('respects tabWidth and useTabs', async () => {
    const text = 'model m { conv c1 { out: 6, kernel: 5, padding: 2 } }\n';
    const four = await formatPim(text, { printWidth: 20, tabWidth: 4 });
    assert.ok(four.ok && four.text.includes('\n    conv c1 {\n        out: 6'), four.ok ? four.text : '');
    const tabs = await formatPim(text, { printWidth: 20, useTabs: true });
    assert.ok(tabs.ok && tabs.text.includes('\n\tconv c1 {\n\t\tout: 6'));
  });

  it('generated programs: same tree, same comments, idempotent', async () => {
    await fc.assert(
      fc.asyncProperty(programArb, fc.constantFrom(30, 60, 100), async (text, width) => {
        const parsed = parse(text);
        assert.deepEqual(parsed.diagnostics, [], `generator produced invalid text:\n${text}`);
        const out = await checkStable(text, 'generated', width);
        assert.deepEqual(
          parse(out).ast.comments.map((c) => c.text),
          parsed.ast.comments.map((c) => c.text),
        );
      }),
      { numRuns: 300, seed: 20261126 },
    );
  });
});
