import assert from 'node:assert/strict';
import { LineIndex, parse } from '@pim/grammar';

describe('grammar: parse', () => {
  it('parses a block with a unit-carrying attribute', () => {
    const r = parse('architecture a { clock: 1.2 GHz }', 'a.pim');
    assert.equal(r.diagnostics.length, 0);
    const b = r.ast.items[0];
    assert.ok(b && b.type === 'Block');
    const attr = b.body?.[0];
    assert.ok(attr && attr.type === 'Attribute' && attr.value.type === 'Number');
    assert.equal(attr.value.value, 1.2);
    assert.equal(attr.value.unit?.text, 'GHz');
  });
});

describe('grammar: numbers with units', () => {
  const cases: [string, number, string | undefined, string][] = [
    ['0x80', 128, undefined, '0x80'],
    ['0xg', 0, 'xg', '0'],
    ['1.5e-3 s', 0.0015, 's', '1.5e-3'],
    ['.5', 0.5, undefined, '.5'],
    ['2e', 2, 'e', '2'],
    ['7E+2\tGB/s', 700, 'GB/s', '7E+2'],
    ['3 %', 3, '%', '3'],
  ];
  for (const [text, value, unit, raw] of cases) {
    it(`${JSON.stringify(text)} is ${value}${unit ? ` ${unit}` : ''}`, () => {
      const r = parse(`const a = ${text}`, 'a.pim');
      assert.deepEqual(r.diagnostics, []);
      const c = r.ast.items[0];
      assert.ok(c && c.type === 'Const' && c.value.type === 'Number');
      assert.equal(c.value.value, value);
      assert.equal(c.value.raw, raw);
      assert.equal(c.value.unit?.text, unit);
      if (c.value.unit) assert.equal(`const a = ${text}`.slice(c.value.unit.span.start, c.value.unit.span.end), unit);
    });
  }
});

describe('grammar: offsets of lines and columns', () => {
  it('a column past a line is its end (before the break, LF, CRLF or CR); a line past the last is the end', () => {
    for (const brk of ['\n', '\r\n', '\r']) {
      const text = `ab${brk}cd`;
      const li = new LineIndex(text);
      assert.equal(li.offset(1, 99), 2, JSON.stringify(brk));
      assert.equal(li.offset(2, 99), text.length);
      assert.equal(li.offset(3, 1), text.length);
      assert.equal(li.offset(2, 1), 2 + brk.length);
    }
  });
});
