// The expression evaluator: arithmetic carries units into SI, and every mismatch is a positioned
// diagnostic that names both dimensions.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse, type Diagnostic, type Expr } from '@pim/grammar';
import { dimension, evaluator, units } from './passes.js';

const { NAMED_DIMENSIONS: N, dimEquals, dimMul, dimName } = dimension;
type Value = ReturnType<typeof evaluator.evaluate>;

/** Evaluates one expression; `vars` are names in scope (SI numbers with a named dimension). */
function ev(src: string, vars: Record<string, [number, string]> = {}): { v: Value; ds: Diagnostic[]; text: string } {
  const text = `const x = ${src}`;
  const r = parse(text, 'e.pim');
  assert.deepEqual(r.diagnostics, [], `syntax: ${src}`);
  const item = r.ast.items[0];
  assert.ok(item && item.type === 'Const');
  const ds: Diagnostic[] = [];
  const v = evaluator.evaluate(item.value as Expr, {
    uri: 'e.pim',
    report: (d) => ds.push(d),
    lookup: (name) => (vars[name] ? { t: 'num', v: vars[name][0], dim: N[vars[name][1]]! } : undefined),
    names: () => Object.keys(vars),
  });
  return { v, ds, text };
}

/** A number of the named dimension ('ratio' for plain numbers). */
function quantity(src: string, dim: string, value: number, rel = 1e-12): void {
  const { v, ds } = ev(src);
  assert.deepEqual(ds, [], src);
  assert.ok(v.t === 'num', `${src} gives ${v.t}`);
  assert.ok(dimEquals(v.dim, N[dim]!), `${src} is ${dimName(v.dim)}, not ${dim}`);
  assert.ok(Math.abs(v.v - value) <= rel * Math.abs(value), `${src} = ${v.v}, not ${value}`);
}

/** One diagnostic with this code, whose message includes every fragment, spanning `at` in the text. */
function fails(src: string, code: string, fragments: string[], at?: string): Diagnostic {
  const { v, ds, text } = ev(src);
  assert.equal(v.t, 'error', `${src} should fail`);
  assert.equal(ds.length, 1, `${src}: ${ds.map((d) => d.message).join('; ')}`);
  const d = ds[0]!;
  assert.equal(d.code, code, `${src}: ${d.message}`);
  for (const f of fragments) assert.ok(d.message.includes(f), `'${d.message}' lacks '${f}'`);
  if (at !== undefined) assert.equal(text.slice(d.span.start, d.span.end), at);
  return d;
}

describe('compiler: evaluator', () => {
  describe('arithmetic carries units', () => {
    it('4 mW / (8 * 128) is a power', () => quantity('4 mW / (8 * 128)', 'power', 4e-3 / 1024));
    it('64 KB / 100 ns is a bandwidth', () => quantity('64 KB / 100 ns', 'bandwidth', (64 * 1024 * 8) / 100e-9));
    it('1 / 1.2 GHz is a time', () => quantity('1 / 1.2 GHz', 'time', 1 / 1.2e9));
    it('2 mW / 1.28 GHz is an energy', () => quantity('2 mW / 1.28 GHz', 'energy', 2e-3 / 1.28e9));
    it('0.2 V / 10 kOhm is a current', () => quantity('0.2 V / 10 kOhm', 'current', 2e-5));
    it('1 / 10 kOhm is a conductance', () => quantity('1 / 10 kOhm', 'conductance', 1e-4));
    it('32 * (5 um) ** 2 is an area', () => quantity('32 * (5 um) ** 2', 'area', 32 * 25e-12));
    it('sqrt(16 mm2) is a length', () => quantity('sqrt(16 mm2)', 'length', 4e-3));
    it('3 pJ/bit * 64 KB is an energy', () => quantity('3 pJ/bit * 64 KB', 'energy', 3e-12 * 64 * 1024 * 8));
    it('a ratio times a power is a power: 2 % * 5 W', () => quantity('2 % * 5 W', 'power', 0.1));
    it('85 C is 358.15 K, and -40 C is 233.15 K (the sign before the offset)', () => {
      quantity('85 C', 'temperature', 358.15);
      quantity('-40 C', 'temperature', 233.15);
      quantity('-(40 K)', 'temperature', -40);
    });
    it('unary minus, precedence and right-associative powers', () => {
      quantity('-(3 mW - 5 mW)', 'power', 2e-3);
      quantity('1 + 2 * 3', 'ratio', 7);
      quantity('2 ** 3 ** 2', 'ratio', 512);
      quantity('(1 + 2) * 3', 'ratio', 9);
      quantity('0x10 + .5 + 1e-1', 'ratio', 16.6);
    });
    it('functions keep dimensions', () => {
      quantity('min(1 ns, 2 ns, 500 ps)', 'time', 5e-10);
      quantity('max(1 W, 200 mW)', 'power', 1);
      quantity('ceil(2.1) + floor(2.9) + round(2.5) + abs(-1)', 'ratio', 9);
      quantity('ceil(3 ns / 1 ns)', 'ratio', 3);
      quantity('log2(1024)', 'ratio', 10);
      quantity('2 ** (16 bit / 1 bit)', 'ratio', 65536);
    });
    it('names in scope take part with their dimensions', () => {
      const { v, ds } = ev('clock * 2', { clock: [1e9, 'frequency'] });
      assert.deepEqual(ds, []);
      assert.ok(v.t === 'num' && v.v === 2e9 && dimEquals(v.dim, N['frequency']!));
    });
  });

  describe('mismatches are errors naming both dimensions', () => {
    it('adding metres to watts', () => fails('1 m + 2 W', 'PIM3002', ['add', 'length', 'power'], '1 m + 2 W'));
    it('subtracting a frequency from a time', () =>
      fails('1 ns - 1 GHz', 'PIM3002', ['subtract', 'time', 'frequency']));
    it('a range across dimensions', () => fails('1 ns .. 1 W', 'PIM3002', ['range', 'time', 'power']));
    it('min of a power and a time', () => fails('min(1 mW, 2 ns)', 'PIM3002', ['min', 'power', 'time']));
    it('a plain number plus a quantity', () => fails('1 + 1 mW', 'PIM3002', ['a plain number', 'power']));
    it('the error points at the operation that breaks, inside a larger expression', () => {
      fails('2 * (1 mW + 1 ns) * 3', 'PIM3002', ['power', 'time'], '(1 mW + 1 ns)');
    });
  });

  describe('other errors', () => {
    it('an unknown unit, with a suggestion as a quick fix', () => {
      const d = fails('1.2 Ghz', 'PIM3001', ["'Ghz'", "'GHz'"], 'Ghz');
      assert.deepEqual(d.data?.replacements, ['GHz']);
    });
    it('an exponent with a unit', () => fails('2 ** (3 bit)', 'PIM3008', ['information'], '(3 bit)'));
    it('a quantity to a fractional power', () => fails('(2 m) ** 0.5', 'PIM3012', ['length', 'whole number']));
    it('division by zero', () => fails('4 mW / 0', 'PIM3007', ['division']));
    it('overflow', () => fails('1e300 * 1e300', 'PIM3007', ['finite']));
    it('a literal too large', () => fails('1e999', 'PIM1008', ["'1e999'"]));
    it('an unknown function, with a suggestion', () => fails('lg2(8)', 'PIM2010', ["'lg2'", "'log2'"], 'lg2'));
    it('an unknown name, with a suggestion from the names in scope', () => {
      const { ds } = ev('clok * 2', { clock: [1e9, 'frequency'] });
      assert.equal(ds.length, 1);
      assert.equal(ds[0]!.code, 'PIM2001');
      assert.match(ds[0]!.message, /'clok'.*did you mean 'clock'/);
    });
    it('bad function arguments', () => {
      fails('log2(4 mW)', 'PIM3012', ['log2', 'power']);
      fails('log2(0)', 'PIM3012', ['positive']);
      fails('sqrt(-1)', 'PIM3012', ['non-negative']);
      fails('sqrt(2 m)', 'PIM3012', ['length']);
      fails('log2(1, 2)', 'PIM3012', ['exactly one']);
      fails('fixed(100 bit)', 'PIM3012', ['1 to 64']);
    });
    it('a reversed range', () => fails('4 .. 1', 'PIM3009', ['below']));
    it('a string in arithmetic', () => fails('"a" * 2', 'PIM3004', ['a number', 'a string']));
  });

  describe('other values', () => {
    it('tensor shapes, precisions, ranges, lists, in-expressions', () => {
      const t = ev('tensor[1, 28, 28]').v;
      assert.deepEqual(t, { t: 'tensor', shape: [1, 28, 28] });
      assert.deepEqual(ev('fixed(16 bit)').v, { t: 'precision', format: 'fixed', bits: 16 });
      const r = ev('1 ns .. 4 ns').v;
      assert.ok(r.t === 'range' && Math.abs(r.lo - 1e-9) < 1e-24 && Math.abs(r.hi - 4e-9) < 1e-24);
      const l = ev('[1 GHz, 2 GHz]').v;
      assert.ok(l.t === 'list' && l.items.length === 2);
      const i = ev('epochs in 1 .. 10').v;
      assert.ok(i.t === 'in' && i.name === 'epochs' && i.domain.t === 'range');
      fails('tensor[1, 0]', 'PIM3006', ['tensor dimension', '0'], '0');
    });
  });

  describe('properties', () => {
    const UNIT_NAMES = [
      'm',
      'mm',
      'W',
      'mW',
      'J',
      'pJ',
      's',
      'ns',
      'Hz',
      'GHz',
      'bit',
      'KB',
      'V',
      'A',
      'Ohm',
      'K',
      'GB/s',
      'pJ/bit',
      '%',
      'cycle',
    ];
    const num = fc.double({ min: 0.001, max: 1000, noNaN: true }).map((x) => Number(x.toPrecision(6)));

    it('a + b is defined exactly when both sides have one dimension, and then adds in SI', () => {
      fc.assert(
        fc.property(num, fc.constantFrom(...UNIT_NAMES), num, fc.constantFrom(...UNIT_NAMES), (a, ua, b, ub) => {
          const A = units.lookupUnit(ua)!;
          const B = units.lookupUnit(ub)!;
          const { v, ds } = ev(`${a} ${ua} + ${b} ${ub}`);
          if (dimEquals(A.dim, B.dim)) {
            assert.deepEqual(ds, []);
            assert.ok(v.t === 'num');
            const want = a * A.scale + b * B.scale;
            assert.ok(Math.abs(v.v - want) <= 1e-9 * Math.abs(want));
          } else {
            assert.equal(ds.length, 1);
            assert.equal(ds[0]!.code, 'PIM3002');
            assert.ok(
              ds[0]!.message.includes(dimName(A.dim)) && ds[0]!.message.includes(dimName(B.dim)),
              ds[0]!.message,
            );
          }
        }),
        { seed: 11, numRuns: 300 },
      );
    });

    it('a * b multiplies values and adds dimensions', () => {
      fc.assert(
        fc.property(num, fc.constantFrom(...UNIT_NAMES), num, fc.constantFrom(...UNIT_NAMES), (a, ua, b, ub) => {
          const A = units.lookupUnit(ua)!;
          const B = units.lookupUnit(ub)!;
          const { v, ds } = ev(`${a} ${ua} * (${b} ${ub})`);
          assert.deepEqual(ds, []);
          assert.ok(v.t === 'num' && dimEquals(v.dim, dimMul(A.dim, B.dim)));
          const want = a * A.scale * b * B.scale;
          assert.ok(Math.abs(v.v - want) <= 1e-9 * Math.abs(want));
        }),
        { seed: 12, numRuns: 300 },
      );
    });
  });
});
