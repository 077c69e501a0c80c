// `parse` takes large files in pieces (each piece's CST dropped once built): an error-free file must
// give the same AST and tokens in pieces as whole, whatever the piece size; a file with syntax errors
// is parsed whole. Here pieces of one token (a split at every allowed place) are compared with one piece.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from '@pim/grammar';
import { programArb } from './support/programs.js';
import { repoRoot } from './support/client.js';

function samePieces(text: string): number {
  const whole = parse(text, 'x.pim', { pieceTokens: Infinity });
  const pieces = parse(text, 'x.pim', { pieceTokens: 1 });
  assert.deepEqual(pieces.ast, whole.ast);
  assert.deepEqual(pieces.diagnostics, whole.diagnostics);
  assert.equal(pieces.tokens.length, whole.tokens.length);
  return whole.diagnostics.length;
}

describe('grammar: parsing in pieces', () => {
  const dirs = ['samples', 'compiler/prelude'];
  for (const dir of dirs) {
    for (const f of readdirSync(join(repoRoot, dir)).filter((n) => n.endsWith('.pim'))) {
      it(`same AST in pieces as whole: ${dir}/${f}`, () => {
        assert.equal(samePieces(readFileSync(join(repoRoot, dir, f), 'utf8')), 0);
      });
    }
  }

  it('same AST on generated programs, and on programs with a syntax error (fast-check)', () => {
    let clean = 0;
    let broken = 0;
    const junk = fc.constantFrom(
      '}',
      '{',
      ')',
      '[',
      ': :',
      '= =',
      '@',
      'conv {',
      ', ,',
      '"',
      '/*',
      '1 +',
      'place',
      '\n}\n}',
    );
    fc.assert(
      fc.property(programArb, programArb, fc.nat(), junk, (program, more, cut, bad) => {
        if (samePieces(program) === 0) clean++;
        // A truncated file, and a file broken in the middle (clean declarations before and after):
        // from the first piece with an error on, the file is parsed in one, as a whole parse would.
        if (samePieces(program.slice(0, cut % (program.length + 1))) > 0) broken++;
        if (samePieces(`${program}\n${program.slice(0, cut % (program.length + 1))} ${bad}\n${more}`) > 0) broken++;
      }),
      { numRuns: 300, seed: 11 },
    );
    assert.ok(clean > 100 && broken > 200, `clean ${clean}, broken ${broken}`);
  });

  it('the compiler does not keep tokens; editors do', () => {
    const text = 'const a = 1 GHz\ndevice d { rows: 2 }\n';
    assert.equal(parse(text, 'a.pim', { tokens: false }).tokens.length, 0);
    assert.equal(parse(text, 'a.pim').tokens.length, 11);
  });
});
