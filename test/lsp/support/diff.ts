// A small line diff for failing golden tests (expected − / actual +, with two lines of context).
export function unifiedDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  // Longest common subsequence table; goldens are small.
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: { t: ' ' | '-' | '+'; s: string; ln: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ t: ' ', s: a[i]!, ln: (i++, j++) });
    else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) ops.push({ t: '+', s: b[j]!, ln: j++ });
    else ops.push({ t: '-', s: a[i]!, ln: i++ });
  }
  const keep = new Set<number>();
  ops.forEach((o, k) => {
    if (o.t !== ' ') for (let d = -2; d <= 2; d++) keep.add(k + d);
  });
  const out: string[] = [];
  let gap = false;
  ops.forEach((o, k) => {
    if (keep.has(k)) {
      out.push(`${o.t} ${o.s}`);
      gap = false;
    } else if (!gap) {
      out.push('  …');
      gap = true;
    }
  });
  return out.join('\n');
}
