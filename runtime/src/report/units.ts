// Human-readable SI formatting for the text and HTML reports.
import { SI_PREFIXES } from '@pim/grammar/si-prefixes';

/** `fmt(4.1e13, 'OPS')` → `41.0 TOPS`; three significant digits. */
export function fmt(v: number, unit: string): string {
  if (!Number.isFinite(v)) return `${v} ${unit}`.trim();
  if (v === 0) return `0 ${unit}`.trim();
  const a = Math.abs(v);
  for (const [f, p] of SI_PREFIXES) if (a >= f * 0.9995) return `${(v / f).toPrecision(3)} ${p}${unit}`.trim();
  return `${v.toExponential(2)} ${unit}`.trim();
}

/** Area in mm² (the unit chip papers use). */
export const mm2 = (m2: number): string => `${(m2 * 1e6).toPrecision(4)} mm²`;

export const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
