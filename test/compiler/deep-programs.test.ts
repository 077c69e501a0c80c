// Property tests over generated deep and huge programs: nesting far past the nesting limit, long
// chains of operators, signs and indexes, long repeats, runs of syntax errors. `compile()` must never
// throw nor report an internal error (PIM9001), and must finish (mocha's timeout bounds the whole run).
// Each limit that is passed shows its own diagnostic. The seed is fixed so a failure replays.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LIMITS } from '@pim/grammar';
import { compile } from '@pim/compiler';

const SEED = Number(process.env['PIM_FUZZ_SEED'] ?? 20261205);

function compileText(text: string) {
  const file = '/virtual/deep.pim';
  return compile(file, { checkOnly: true, host: { readFile: (p) => (p === file ? text : undefined) } });
}

function noInternalError(text: string): string[] {
  const p = compileText(text);
  const internal = p.diagnostics.filter((d) => d.code === 'PIM9001');
  assert.deepEqual(
    internal.map((d) => d.message),
    [],
    `internal error for ${JSON.stringify(text.slice(0, 200))}`,
  );
  return p.diagnostics.map((d) => d.code);
}

/** An expression nested `depth` levels by one of the ways the language nests. */
const deepExpr = fc
  .record({
    depth: fc.integer({ min: 1, max: 3000 }),
    how: fc.constantFrom('parens', 'sum', 'power', 'minus', 'index', 'list', 'call', 'mixed'),
  })
  .map(({ depth, how }) => {
    switch (how) {
      case 'parens':
        return '('.repeat(depth) + '1' + ')'.repeat(depth);
      case 'sum':
        return Array.from({ length: depth }, (_, i) => String(i % 7)).join(' + ');
      case 'power':
        return Array.from({ length: depth }, () => '2').join(' ** ');
      case 'minus':
        return '-'.repeat(depth) + '1';
      case 'index':
        return 'x' + '[1]'.repeat(depth);
      case 'list':
        return '['.repeat(depth) + '1' + ']'.repeat(depth);
      case 'call':
        return 'max('.repeat(depth) + '1' + ')'.repeat(depth);
      default:
        return (
          Array.from({ length: depth }, (_, i) => (i % 3 === 0 ? '(1 + ' : i % 3 === 1 ? '-(2 * ' : '[')).join('') +
          '1' +
          Array.from({ length: depth }, (_, i) => (i % 3 === 2 ? ']' : ')'))
            .reverse()
            .join('')
        );
    }
  });

describe('compiler: deep and huge generated programs (no internal error, no hang)', function () {
  this.timeout(600_000);

  it('expressions nested up to 3,000 deep in every way', () => {
    fc.assert(
      fc.property(deepExpr, (e) => {
        const codes = noInternalError(`const c = ${e}\narchitecture a { clock: ${e} GHz }\n`);
        return codes.length >= 0;
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('blocks nested up to 2,000 deep, closed or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.boolean(), (depth, closed) => {
        const text =
          Array.from({ length: depth }, (_, i) => `b${i} { x: ${i}, `).join('') +
          (closed ? '}'.repeat(depth) : '') +
          '\n';
        const codes = noInternalError(text);
        if (depth > LIMITS.nesting)
          assert.ok(codes.includes('PIM1100'), `no nesting-limit diagnostic at depth ${depth}`);
      }),
      { seed: SEED, numRuns: 30 },
    );
  });

  it('repeats up to past the layer limit, nested', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 200 }), (outer, inner) => {
        const text = `model m {\n  input: tensor[1, 8, 8]\n  flatten\n  linear f { out: 4 }\n  repeat ${outer} { repeat ${inner} { relu } }\n}\n`;
        const codes = noInternalError(text);
        if (outer * inner + 2 > LIMITS.layers) assert.ok(codes.includes('PIM3010'), 'no layer-limit diagnostic');
      }),
      { seed: SEED, numRuns: 20 },
    );
  });

  it('long runs of broken declarations and stray brackets', () => {
    const piece = fc.constantFrom(
      'a { x: }',
      '}',
      ']',
      ')',
      '{',
      '[',
      '(',
      'const = ',
      'model m { conv { out: } }',
      '"unterminated',
      '@',
      'import',
      ': ,',
      '1 2 3',
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 4000 }), (pieces) => {
        noInternalError(pieces.join('\n'));
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});
