// Numbers for people: SI prefixes and thousands separators in hovers and inlay hints.
import { SI_PREFIXES } from '@pim/grammar/si-prefixes';

// Hovers stop at tera: a peta-scale figure reads in thousands of T, as hovers have always shown it.
const PREFIXES = SI_PREFIXES.filter(([factor]) => factor <= 1e12);

function trim(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/** `0.0207` W → `20.7 mW`. */
export function si(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `${value} ${unit}`;
  if (value === 0) return `0 ${unit}`;
  const abs = Math.abs(value);
  for (const [f, p] of PREFIXES) if (abs >= f) return `${trim(value / f)} ${p}${unit}`;
  return `${value.toExponential(3)} ${unit}`;
}

/** Areas read best in mm² at chip scale. */
export function area(m2: number): string {
  const mm2 = m2 * 1e6;
  return mm2 >= 0.01 ? `${trim(mm2)} mm²` : `${trim(m2 * 1e12)} µm²`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function shape(dims: number[]): string {
  return dims.length ? dims.join('×') : 'scalar';
}
