// Incremental reparsing gives exactly the tree, tokens, comments and diagnostics of a full parse.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, type ParseResult } from '@pim/grammar';
import { reparse, type IncrementalStats } from '@pim/lsp';
import { repoRoot } from '../support/client.js';

function same(a: ParseResult, b: ParseResult): void {
  const strip = (r: ParseResult) => ({
    ast: JSON.parse(JSON.stringify(r.ast)),
    diagnostics: r.diagnostics,
    tokens: r.tokens.map((t) => [t.image, t.startOffset, t.startLine, t.startColumn, t.endLine, t.tokenType.name]),
  });
  assert.deepEqual(strip(a), strip(b));
}

describe('incremental reparse', () => {
  const dir = join(repoRoot, 'samples');
  const samples = readdirSync(dir)
    .filter((f) => f.endsWith('.pim'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));

  it('reparses only around a one-character edit in a large file', () => {
    const text =
      samples
        .join('\n')
        .replace(/\b(architecture|model|device|dataset|mapping|train|run|explore|class) (\w+)/g, '$1 $2_a') +
      '\n' +
      samples.join('\n');
    const prev = parse(text, '/w/big.pim');
    const at = text.lastIndexOf('bits_per_cell: 2') + 'bits_per_cell: '.length;
    assert.ok(at > text.length / 2);
    const edited = text.slice(0, at) + '1' + text.slice(at + 1);
    const stats: IncrementalStats = { reparsed: 0, incremental: false };
    const inc = reparse(text, prev, edited, '/w/big.pim', stats);
    assert.ok(stats.incremental, 'took the incremental path');
    assert.ok(stats.reparsed < text.length / 4, `reparsed ${stats.reparsed} of ${text.length}`);
    same(inc, parse(edited, '/w/big.pim'));
  });

  it('equals a full parse after random edits (falling back when needed)', () => {
    const fragments = fc.constantFrom(
      '{',
      '}',
      '\n',
      ' ',
      'x',
      '1',
      ': 2',
      '/* c */',
      '// c\n',
      '/// d\n',
      'relu\n',
      'const Z = 3\n',
      'model q { relu }\n',
      '"s"',
      '[',
      ']',
      '@',
      '"open',
      '/* open',
      '\r\n',
      '\r',
    );
    let rescannedLess = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: samples.length - 1 }),
        fc.boolean(),
        fc.array(fc.record({ at: fc.nat(), del: fc.nat({ max: 40 }), ins: fc.array(fragments, { maxLength: 3 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        (which, crlf, edits) => {
          let text = crlf ? samples[which]!.replace(/\n/g, '\r\n') : samples[which]!;
          let prev = parse(text, '/w/s.pim');
          for (const e of edits) {
            const at = e.at % (text.length + 1);
            const next = text.slice(0, at) + e.ins.join('') + text.slice(Math.min(text.length, at + e.del));
            const stats: IncrementalStats = { reparsed: 0, incremental: false };
            const inc = reparse(text, prev, next, '/w/s.pim', stats);
            same(inc, parse(next, '/w/s.pim'));
            // A fallback to a whole parse that scanned only the edited region (the earlier tokens reused).
            if (!stats.incremental && (stats.rescanned ?? next.length) < next.length) rescannedLess++;
            text = next;
            prev = inc;
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    );
    assert.ok(rescannedLess > 5, `whole parses that reused the earlier tokens: ${rescannedLess}`);
  });
});
