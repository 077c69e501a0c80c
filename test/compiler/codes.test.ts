// Every diagnostic code of the catalogue is shown by at least one golden case, so each message, span
// and severity is reviewed in a committed file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { catalogue } from '@pim/grammar';
import { CASES_DIR } from './golden.js';
import { HOSTILE_CASES } from './hostile.test.js';

/**
 * Codes no source program can produce. PIM9001 (internal error) is reported only when the compiler's
 * own IR fails its JSON Schema on write — a compiler bug, never a property of the input; the property
 * tests (fuzz.test.ts) assert that it never appears.
 */
const UNREACHABLE = new Set(['PIM9001']);

describe('compiler: diagnostic catalogue', () => {
  const goldens = fs
    .readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.diagnostics.txt'))
    .map((f) => fs.readFileSync(path.join(CASES_DIR, f), 'utf8'))
    .join('\n');
  const shown = new Set([...goldens.matchAll(/: (?:error|warning|info) (PIM\d{4}):/g)].map((m) => m[1]!));
  // Limits need inputs too large to commit (a 9 MB file, 1,001 imports): the hostile corpus makes them
  // and asserts the code in pimc's output.
  for (const c of HOSTILE_CASES)
    for (const s of c.shows ?? [])
      for (const m of String(typeof s === 'string' ? s : s.source).matchAll(/PIM\d{4}/g)) shown.add(m[0]);

  it('has unique codes, each with a title', () => {
    const codes = catalogue().map((c) => c.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const c of catalogue()) {
      assert.match(c.code, /^PIM[1-59]\d{3}$/);
      assert.ok(c.title.length > 0);
    }
  });

  for (const entry of catalogue()) {
    if (UNREACHABLE.has(entry.code)) continue;
    it(`${entry.code} (${entry.key}) appears in a golden case`, () => {
      assert.ok(
        shown.has(entry.code),
        `no golden .diagnostics.txt nor hostile case shows ${entry.code} ${entry.title}`,
      );
    });
  }

  it('the severity printed in the goldens is the catalogue severity', () => {
    const severity = new Map(catalogue().map((c) => [c.code, c.severity]));
    for (const m of goldens.matchAll(/: (error|warning|info) (PIM\d{4}):/g))
      assert.equal(m[1], severity.get(m[2]!), m[0]);
  });
});
