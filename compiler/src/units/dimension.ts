// A dimension is a vector of exponents over the base quantities below. Quantities are stored in SI
// base units, so arithmetic on values is plain arithmetic and only dimensions need checking.

/** metre, kilogram, second, ampere, kelvin, bit, clock cycle. */
export const BASES = ['m', 'kg', 's', 'A', 'K', 'bit', 'cycle'] as const;
export type Dim = readonly [number, number, number, number, number, number, number];

export const DIMENSIONLESS: Dim = [0, 0, 0, 0, 0, 0, 0];

function d(m: number, kg: number, s: number, A: number, K: number, bit: number, cycle = 0): Dim {
  return [m, kg, s, A, K, bit, cycle];
}

/** The dimensions the language names (attribute types use these words). */
export const NAMED_DIMENSIONS: Record<string, Dim> = {
  ratio: DIMENSIONLESS,
  time: d(0, 0, 1, 0, 0, 0),
  frequency: d(0, 0, -1, 0, 0, 0),
  length: d(1, 0, 0, 0, 0, 0),
  area: d(2, 0, 0, 0, 0, 0),
  energy: d(2, 1, -2, 0, 0, 0),
  power: d(2, 1, -3, 0, 0, 0),
  voltage: d(2, 1, -3, -1, 0, 0),
  current: d(0, 0, 0, 1, 0, 0),
  resistance: d(2, 1, -3, -2, 0, 0),
  conductance: d(-2, -1, 3, 2, 0, 0),
  temperature: d(0, 0, 0, 0, 1, 0),
  information: d(0, 0, 0, 0, 0, 1),
  bandwidth: d(0, 0, -1, 0, 0, 1),
  cycles: d(0, 0, 0, 0, 0, 0, 1),
  energy_per_bit: d(2, 1, -2, 0, 0, -1),
  thermal_conductivity: d(1, 1, -3, 0, -1, 0),
  thermal_resistance: d(-2, -1, 3, 0, 1, 0),
};

export function dimEquals(a: Dim, b: Dim): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Spelled out rather than `a.map(…)`, and a plain-number operand gives back the other dimension
// itself (dimensions are never mutated): evaluation multiplies dimensions for every `*` and `/`.
export function dimMul(a: Dim, b: Dim): Dim {
  if (isDimensionless(b)) return a;
  if (isDimensionless(a)) return b;
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4], a[5] + b[5], a[6] + b[6]];
}

export function dimDiv(a: Dim, b: Dim): Dim {
  if (isDimensionless(b)) return a;
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3], a[4] - b[4], a[5] - b[5], a[6] - b[6]];
}

export function dimPow(a: Dim, n: number): Dim {
  return [a[0] * n, a[1] * n, a[2] * n, a[3] * n, a[4] * n, a[5] * n, a[6] * n];
}

export function isDimensionless(a: Dim): boolean {
  return dimEquals(a, DIMENSIONLESS);
}

/** The dimension's name when it has one (`power`), else its base-unit form (`m^2·s^-1`). */
export function dimName(a: Dim): string {
  if (isDimensionless(a)) return 'a plain number';
  for (const [name, dim] of Object.entries(NAMED_DIMENSIONS)) {
    if (name !== 'ratio' && dimEquals(dim, a)) return name;
  }
  return siUnitOf(a);
}

/** The SI base-unit symbol of a dimension, as the IR and hovers show it (`W`, `m²`, `bit/s`). */
export function siUnitOf(a: Dim): string {
  for (const [unit, dim] of SI_SYMBOLS) if (dimEquals(dim, a)) return unit;
  const parts: string[] = [];
  a.forEach((e, i) => {
    if (e !== 0) parts.push(e === 1 ? BASES[i]! : `${BASES[i]}^${e}`);
  });
  return parts.join('·') || '1';
}

const SI_SYMBOLS: [string, Dim][] = [
  ['s', NAMED_DIMENSIONS['time']!],
  ['Hz', NAMED_DIMENSIONS['frequency']!],
  ['m', NAMED_DIMENSIONS['length']!],
  ['m²', NAMED_DIMENSIONS['area']!],
  ['J', NAMED_DIMENSIONS['energy']!],
  ['W', NAMED_DIMENSIONS['power']!],
  ['V', NAMED_DIMENSIONS['voltage']!],
  ['A', NAMED_DIMENSIONS['current']!],
  ['Ω', NAMED_DIMENSIONS['resistance']!],
  ['S', NAMED_DIMENSIONS['conductance']!],
  ['K', NAMED_DIMENSIONS['temperature']!],
  ['bit', NAMED_DIMENSIONS['information']!],
  ['bit/s', NAMED_DIMENSIONS['bandwidth']!],
  ['cycle', NAMED_DIMENSIONS['cycles']!],
  ['J/bit', NAMED_DIMENSIONS['energy_per_bit']!],
  ['W/(m·K)', NAMED_DIMENSIONS['thermal_conductivity']!],
  ['K/W', NAMED_DIMENSIONS['thermal_resistance']!],
];
