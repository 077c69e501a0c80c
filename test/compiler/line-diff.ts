// A small unified line diff for golden tests (no dependency): common prefix and suffix are trimmed,
// the middle is aligned by a longest-common-subsequence table, and changes are printed as hunks with
// three lines of context, like `diff -u`.

type Op = { t: ' ' | '-' | '+'; line: string };

/** Above this many cells the middle is shown as a plain replacement instead of aligned. */
const MAX_TABLE = 4_000_000;

function align(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_TABLE)
    return [...a.map((line) => ({ t: '-' as const, line })), ...b.map((line) => ({ t: '+' as const, line }))];
  // lcs[i][j]: length of the LCS of a[i..] and b[j..], in one flat array.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ t: ' ', line: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) ops.push({ t: '-', line: a[i++]! });
    else ops.push({ t: '+', line: b[j++]! });
  }
  while (i < n) ops.push({ t: '-', line: a[i++]! });
  while (j < m) ops.push({ t: '+', line: b[j++]! });
  return ops;
}

/** `diff -u expected actual` of two texts; empty when they are equal. */
export function unifiedDiff(
  expected: string,
  actual: string,
  expectedName = 'expected',
  actualName = 'actual',
  context = 3,
): string {
  if (expected === actual) return '';
  const a = expected.split('\n');
  const b = actual.split('\n');
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const ops: Op[] = [
    ...a.slice(0, pre).map((line) => ({ t: ' ' as const, line })),
    ...align(a.slice(pre, a.length - suf), b.slice(pre, b.length - suf)),
    ...a.slice(a.length - suf).map((line) => ({ t: ' ' as const, line })),
  ];
  // Line numbers (1-based) of each op in the old and new texts.
  const oldNo: number[] = [];
  const newNo: number[] = [];
  let o = 1;
  let nn = 1;
  for (const op of ops) {
    oldNo.push(o);
    newNo.push(nn);
    if (op.t !== '+') o++;
    if (op.t !== '-') nn++;
  }
  const out = [`--- ${expectedName}`, `+++ ${actualName}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.t === ' ') {
      k++;
      continue;
    }
    // A hunk: from `context` lines before the change to `context` lines after the last change that is
    // within 2·context of the next.
    const start = Math.max(0, k - context);
    let end = k;
    for (;;) {
      while (end < ops.length && ops[end]!.t !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]!.t === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const hunk = ops.slice(start, stop);
    const oldLen = hunk.filter((x) => x.t !== '+').length;
    const newLen = hunk.filter((x) => x.t !== '-').length;
    out.push(
      `@@ -${oldLen ? oldNo[start] : oldNo[start]! - 1},${oldLen} +${newLen ? newNo[start] : newNo[start]! - 1},${newLen} @@`,
    );
    for (const x of hunk) out.push(`${x.t}${x.line}`);
    k = stop;
  }
  return out.join('\n');
}
