// The unified diff that failing golden cases print.
import assert from 'node:assert/strict';
import { unifiedDiff } from './line-diff.js';

describe('test support: unified line diff', () => {
  it('is empty for equal texts', () => {
    assert.equal(unifiedDiff('a\nb\n', 'a\nb\n'), '');
  });

  it('prints a changed line with context and hunk ranges', () => {
    const d = unifiedDiff('a\nb\nc\nd\ne\nf\ng\nh\ni\n', 'a\nb\nc\nd\nX\nf\ng\nh\ni\n', 'old', 'new');
    assert.equal(
      d,
      ['--- old', '+++ new', '@@ -2,7 +2,7 @@', ' b', ' c', ' d', '-e', '+X', ' f', ' g', ' h'].join('\n'),
    );
  });

  it('separates distant changes into hunks and shows insertions and deletions', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    const after = [...before];
    after.splice(2, 1);
    after.splice(15, 0, 'new line');
    const d = unifiedDiff(before.join('\n'), after.join('\n'));
    const hunks = d.split('\n').filter((l) => l.startsWith('@@'));
    assert.deepEqual(hunks, ['@@ -1,6 +1,5 @@', '@@ -14,6 +13,7 @@']);
    assert.ok(d.includes('\n-line 2\n'));
    assert.ok(d.includes('\n+new line\n'));
  });
});
