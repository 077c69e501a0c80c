import assert from 'node:assert/strict';
import { parse } from '@pim/grammar';

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
