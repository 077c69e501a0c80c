// Values of evaluated expressions. Numbers are in SI base units with their dimension.
import { withArticle, type ObjectExpr, type Span } from '@pim/grammar';
import { type Dim, dimName, isDimensionless, siUnitOf } from '../units/dimension.js';

export type Value =
  | { t: 'num'; v: number; dim: Dim }
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'list'; items: Value[] }
  | { t: 'range'; lo: number; hi: number; dim: Dim }
  /** A bare name not bound in scope: an enum choice or a reference to a declaration, decided by the type. */
  | { t: 'word'; name: string; span: Span }
  /** `head { … }` or `{ … }`: typed later by the class its head (or the attribute) names. */
  | { t: 'obj'; head?: string; headSpan?: Span; node: ObjectExpr }
  /** `tensor[1, 28, 28]` */
  | { t: 'tensor'; shape: number[] }
  /** `fixed(16 bit)` / `float(32 bit)` */
  | { t: 'precision'; format: 'fixed' | 'float'; bits: number }
  /** `epochs in 1 .. 10` */
  | { t: 'in'; name: string; domain: Value }
  /** Already reported; consumers stay silent. */
  | { t: 'error' };

export const ERROR: Value = { t: 'error' };

export function num(v: number, dim: Dim): Value {
  return { t: 'num', v, dim };
}

/** A short human description of a value's type, for "expected X, but this is Y". */
export function describeValue(v: Value): string {
  switch (v.t) {
    case 'num':
      return isDimensionless(v.dim) ? 'a plain number' : withArticle(dimName(v.dim));
    case 'str':
      return 'a string';
    case 'bool':
      return 'a boolean';
    case 'list':
      return 'a list';
    case 'range':
      return 'a range';
    case 'word':
      return `the name '${v.name}'`;
    case 'obj':
      return v.head ? `a '${v.head}' block` : 'a block';
    case 'tensor':
      return 'a tensor shape';
    case 'precision':
      return 'a precision';
    case 'in':
      return "an 'in' expression";
    case 'error':
      return 'an error';
  }
}

/** Formats a number compactly (6 significant digits, no trailing zeros). */
export function formatNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const s = x.toPrecision(6);
  return s.includes('e') ? s.replace(/\.?0+e/, 'e') : s.replace(/\.?0+$/, '');
}

/** A value as a person reads it in SI: `1.2e+09 Hz`, `[14, 12]`, `mesh`. */
export function displayValue(v: Value): string {
  switch (v.t) {
    case 'num': {
      const u = isDimensionless(v.dim) ? '' : ` ${siUnitOf(v.dim)}`;
      return `${formatNumber(v.v)}${u}`;
    }
    case 'str':
      return JSON.stringify(v.v);
    case 'bool':
      return String(v.v);
    case 'list':
      return `[${v.items.map(displayValue).join(', ')}]`;
    case 'range': {
      const u = isDimensionless(v.dim) ? '' : ` ${siUnitOf(v.dim)}`;
      return `${formatNumber(v.lo)} .. ${formatNumber(v.hi)}${u}`;
    }
    case 'word':
      return v.name;
    case 'obj':
      return v.head ? `${v.head} { … }` : '{ … }';
    case 'tensor':
      return `tensor[${v.shape.join(', ')}]`;
    case 'precision':
      return `${v.format}(${v.bits} bit)`;
    case 'in':
      return `${v.name} in ${displayValue(v.domain)}`;
    case 'error':
      return '<error>';
  }
}
