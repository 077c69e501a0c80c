// The unit table: every unit the language accepts, as a scale (and for °C an offset) to SI base units.
import { didYouMean } from '@pim/grammar';
import { DIMENSIONLESS, dimDiv, NAMED_DIMENSIONS, type Dim } from './dimension.js';

export interface Unit {
  dim: Dim;
  /** SI value = value · scale + offset. */
  scale: number;
  offset?: number;
}

const N = NAMED_DIMENSIONS;
const PREFIXES: [string, number][] = [
  ['f', 1e-15],
  ['p', 1e-12],
  ['n', 1e-9],
  ['u', 1e-6],
  ['µ', 1e-6],
  ['m', 1e-3],
  ['k', 1e3],
  ['M', 1e6],
  ['G', 1e9],
  ['T', 1e12],
  ['P', 1e15],
];

const table = new Map<string, Unit>();

function add(name: string, dim: Dim, scale: number, offset?: number): void {
  table.set(name, offset === undefined ? { dim, scale } : { dim, scale, offset });
}
/** A unit and its SI-prefixed forms (`Hz` → `kHz`, `MHz`, `GHz` …). */
function addPrefixed(name: string, dim: Dim, scale = 1, power = 1): void {
  add(name, dim, scale);
  for (const [p, f] of PREFIXES) if (!table.has(p + name)) add(p + name, dim, scale * f ** power);
}

addPrefixed('s', N['time']!);
add('min', N['time']!, 60);
add('h', N['time']!, 3600);
addPrefixed('Hz', N['frequency']!);
// Sample rates and operation rates are frequencies: `1.28 GSps`, `1 TFLOPS`, `41 TOPS`.
addPrefixed('Sps', N['frequency']!);
addPrefixed('FLOPS', N['frequency']!);
addPrefixed('OPS', N['frequency']!);
addPrefixed('m', N['length']!);
add('cm', N['length']!, 1e-2);
addPrefixed('m2', N['area']!, 1, 2);
add('cm2', N['area']!, 1e-4);
addPrefixed('W', N['power']!);
addPrefixed('J', N['energy']!);
addPrefixed('V', N['voltage']!);
addPrefixed('A', N['current']!);
addPrefixed('Ohm', N['resistance']!);
addPrefixed('ohm', N['resistance']!);
addPrefixed('Ω', N['resistance']!);
addPrefixed('S', N['conductance']!);
add('K', N['temperature']!, 1);
add('C', N['temperature']!, 1, 273.15);
add('degC', N['temperature']!, 1, 273.15);
// Information: bits, and bytes with binary multiples (KB = 1024 B), as memory sizes are quoted.
for (const b of ['bit', 'bits', 'b']) add(b, N['information']!, 1);
for (const b of ['B', 'byte', 'bytes']) add(b, N['information']!, 8);
const BIN: [string, number][] = [
  ['K', 2 ** 10],
  ['M', 2 ** 20],
  ['G', 2 ** 30],
  ['T', 2 ** 40],
];
for (const [p, f] of BIN) {
  add(`${p}B`, N['information']!, 8 * f);
  add(`${p}iB`, N['information']!, 8 * f);
  add(`${p}bit`, N['information']!, f);
  add(`${p}b`, N['information']!, f);
}
add('kB', N['information']!, 8 * 1024);
// Link rates are quoted in decimal bits per second.
addPrefixed('bps', N['bandwidth']!);
add('cycle', N['cycles']!, 1);
add('cycles', N['cycles']!, 1);
add('%', DIMENSIONLESS, 0.01);
add('ppm', DIMENSIONLESS, 1e-6);
for (const w of ['epoch', 'epochs', 'x']) add(w, DIMENSIONLESS, 1);
// Counts of things a capacity is quoted in: `512 entries`, `1024 words`.
for (const w of ['entry', 'entries', 'word', 'words']) add(w, DIMENSIONLESS, 1);

/** Looks up a unit, composing `a/b` forms (`GB/s`, `pJ/bit`) from the table. */
export function lookupUnit(text: string): Unit | undefined {
  const direct = table.get(text);
  if (direct) return direct;
  const parts = text.split('/');
  if (parts.length < 2) return undefined;
  let unit = table.get(parts[0]!);
  if (!unit || unit.offset) return undefined;
  let dim = unit.dim;
  let scale = unit.scale;
  for (const p of parts.slice(1)) {
    unit = table.get(p);
    if (!unit || unit.offset) return undefined;
    dim = dimDiv(dim, unit.dim);
    scale /= unit.scale;
  }
  return { dim, scale };
}

/**
 * The closest known unit, for "did you mean"; in `a/b` forms each unknown part is corrected. With an
 * expected dimension, a close unit of that dimension is preferred (`100 nz` for a time: `ns`).
 */
export function suggestUnit(text: string, expected?: Dim): string | undefined {
  const candidates = [...table.keys()];
  const ofDim = expected ? unitsFor(expected) : [];
  if (!text.includes('/')) return didYouMean(text, ofDim) ?? didYouMean(text, candidates);
  const parts = text.split('/').map((p) => (table.has(p) ? p : didYouMean(p, candidates)));
  if (parts.some((p) => p === undefined)) return undefined;
  const fixed = parts.join('/');
  // Only a suggestion that is itself a valid unit helps (`°C/s` has an offset unit inside).
  return fixed !== text && lookupUnit(fixed) ? fixed : undefined;
}

export function allUnits(): string[] {
  return [...table.keys()];
}

/** Units shown in completion lists for a named dimension, most common first. */
export function unitsFor(dim: Dim): string[] {
  const out: string[] = [];
  for (const [name, u] of table) {
    if (u.dim.every((x, i) => x === dim[i])) out.push(name);
  }
  return out;
}
