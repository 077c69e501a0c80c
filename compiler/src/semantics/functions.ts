// The built-in functions of `.pim` expressions: their names, parameters and what they do. The
// evaluator (evaluate.ts) implements them; the editor shows these signatures (signature help,
// completion of precision values).

export interface FunctionSignature {
  name: string;
  /** Parameter labels as shown to a person; `...` marks a function that takes one or more. */
  params: { label: string; doc: string }[];
  doc: string;
  /** True for the precision constructors (the values of a `precision` attribute). */
  precision?: boolean;
}

export const BUILTIN_FUNCTIONS: readonly FunctionSignature[] = [
  {
    name: 'log2',
    params: [{ label: 'x: number', doc: 'a positive plain number' }],
    doc: 'Base-2 logarithm (e.g. address bits of a row count: `log2(rows)`).',
  },
  {
    name: 'ceil',
    params: [{ label: 'x', doc: 'a number of any dimension' }],
    doc: 'Smallest whole number of units not below x.',
  },
  {
    name: 'floor',
    params: [{ label: 'x', doc: 'a number of any dimension' }],
    doc: 'Largest whole number of units not above x.',
  },
  {
    name: 'round',
    params: [{ label: 'x', doc: 'a number of any dimension' }],
    doc: 'x rounded to the nearest whole number of units.',
  },
  { name: 'abs', params: [{ label: 'x', doc: 'a number of any dimension' }], doc: 'Absolute value.' },
  {
    name: 'sqrt',
    params: [{ label: 'x', doc: 'a non-negative number whose dimension has even powers (area → length)' }],
    doc: 'Square root.',
  },
  {
    name: 'min',
    params: [{ label: 'x, ...', doc: 'one or more numbers of the same dimension' }],
    doc: 'The smallest argument.',
  },
  {
    name: 'max',
    params: [{ label: 'x, ...', doc: 'one or more numbers of the same dimension' }],
    doc: 'The largest argument.',
  },
  {
    name: 'fixed',
    params: [{ label: 'bits: information', doc: 'a whole number of bits from 1 to 64, e.g. 16 bit' }],
    doc: 'Fixed-point precision (e.g. `weights: fixed(16 bit)`).',
    precision: true,
  },
  {
    name: 'float',
    params: [{ label: 'bits: information', doc: 'a whole number of bits from 1 to 64, e.g. 32 bit' }],
    doc: 'Floating-point precision.',
    precision: true,
  },
];

export const FUNCTION_NAMES: readonly string[] = BUILTIN_FUNCTIONS.map((f) => f.name);
