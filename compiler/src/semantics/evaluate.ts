// Expression evaluation with the dimension algebra: units become SI scales, arithmetic carries
// dimensions, and a mismatch is reported where it happens. Pure: no I/O, no eval.
import { diag, didYouMean, withArticle, type Diagnostic, type Expr, type Span } from '@pim/grammar';
import {
  DIMENSIONLESS,
  dimDiv,
  dimEquals,
  dimMul,
  dimName,
  dimPow,
  isDimensionless,
  type Dim,
} from '../units/dimension.js';
import { lookupUnit, suggestUnit } from '../units/units.js';
import { ERROR, num, type Value } from './values.js';
import { FUNCTION_NAMES } from './functions.js';

export interface EvalEnv {
  uri: string;
  report(d: Diagnostic): void;
  /** A bare name's value (a sibling attribute or a constant), or undefined when it is not bound. */
  lookup(name: string, span: Span): Value | undefined;
  /** Names in scope, for "did you mean" when a name is not bound. */
  names?(): Iterable<string>;
  /** The dimension a bare number literal should have (an attribute's type), to suggest units of it. */
  expected?: Dim;
  /**
   * Values of subexpressions that read no name, shared by evaluations of the same expressions (class
   * defaults, evaluated once per instance). Only a value whose evaluation reported nothing is kept,
   * so that a failing one reports again; `reported` counts this scope's reports to tell.
   */
  closedValues?: Map<Expr, Value>;
  reported?: number;
}

/** In `closedValues`: the expression reads a name, so its value is not shared. */
const OPEN: Value = { t: 'error' };

export function evaluate(expr: Expr, env: EvalEnv): Value {
  const memo = env.closedValues;
  if (memo === undefined) return evaluateNode(expr, env);
  const known = memo.get(expr);
  if (known === OPEN) return evaluateNode(expr, env);
  if (known !== undefined) return known;
  if (!readsNoName(expr)) {
    memo.set(expr, OPEN);
    return evaluateNode(expr, env);
  }
  const before = env.reported;
  const v = evaluateNode(expr, env);
  if (env.reported === before) memo.set(expr, v);
  return v;
}

/** Whether an expression names nothing (no sibling, constant or word): its value is fixed. */
function readsNoName(e: Expr): boolean {
  switch (e.type) {
    case 'Number':
    case 'String':
    case 'Bool':
      return true;
    case 'Unary':
      return readsNoName(e.operand);
    case 'Binary':
      return readsNoName(e.left) && readsNoName(e.right);
    case 'Call':
      return e.args.every(readsNoName);
    default:
      return false;
  }
}

function evaluateNode(expr: Expr, env: EvalEnv): Value {
  switch (expr.type) {
    case 'ErrorExpr':
      return ERROR;
    case 'Number':
      return evalNumber(expr, env);
    case 'String':
      return { t: 'str', v: expr.value };
    case 'Bool':
      return { t: 'bool', v: expr.value };
    case 'Ref': {
      if (expr.path.length === 1) {
        const bound = env.lookup(expr.path[0]!.name, expr.path[0]!.span);
        if (bound) return bound;
      }
      return { t: 'word', name: expr.path.map((p) => p.name).join('.'), span: expr.span };
    }
    case 'List':
      return { t: 'list', items: expr.items.map((e) => evaluate(e, env)) };
    case 'Object':
      return expr.head
        ? { t: 'obj', head: expr.head.name, headSpan: expr.head.span, node: expr }
        : { t: 'obj', node: expr };
    case 'Unary': {
      // `-40 C`: the sign belongs to the number, before the unit's offset (233.15 K, not -313.15 K).
      if (expr.operand.type === 'Number' && expr.operand.unit && lookupUnit(expr.operand.unit.text)?.offset) {
        return evalNumber({ ...expr.operand, value: -expr.operand.value }, env);
      }
      const v = evaluate(expr.operand, env);
      if (v.t === 'error') return v;
      if (v.t !== 'num') return typeError(env, expr.operand.span, 'the operand of -', v);
      return num(-v.v, v.dim);
    }
    case 'Index':
      return evalIndex(expr, env);
    case 'Call':
      return evalCall(expr, env);
    case 'Binary':
      return evalBinary(expr, env);
  }
}

function typeError(env: EvalEnv, span: Span, what: string, v: Value): Value {
  if (v.t === 'word') {
    env.report(diag('unknownName', env.uri, v.span, v.name, didYouMean(v.name, env.names?.() ?? [])));
  } else if (v.t !== 'error') {
    env.report(diag('wrongType', env.uri, span, what, 'a number', describe(v)));
  }
  return ERROR;
}

function describe(v: Value): string {
  return v.t === 'num'
    ? isDimensionless(v.dim)
      ? 'a plain number'
      : withArticle(dimName(v.dim))
    : v.t === 'str'
      ? 'a string'
      : v.t === 'bool'
        ? 'a boolean'
        : v.t === 'list'
          ? 'a list'
          : `a ${v.t}`;
}

function evalNumber(expr: Extract<Expr, { type: 'Number' }>, env: EvalEnv): Value {
  if (!Number.isFinite(expr.value)) {
    env.report(diag('badNumber', env.uri, expr.span, expr.raw));
    return ERROR;
  }
  if (!expr.unit) return num(expr.value, DIMENSIONLESS);
  const unit = lookupUnit(expr.unit.text);
  if (!unit) {
    const suggestion = suggestUnit(expr.unit.text, env.expected);
    const d = diag('unknownUnit', env.uri, expr.unit.span, expr.unit.text, suggestion);
    if (suggestion) d.data = { replacements: [suggestion] };
    env.report(d);
    return ERROR;
  }
  return num(expr.value * unit.scale + (unit.offset ?? 0), unit.dim);
}

function evalIndex(expr: Extract<Expr, { type: 'Index' }>, env: EvalEnv): Value {
  const target = expr.target;
  if (target.type === 'Ref' && target.path.length === 1 && target.path[0]!.name === 'tensor') {
    const shape: number[] = [];
    for (const a of expr.args) {
      const v = evaluate(a, env);
      if (v.t === 'error') return ERROR;
      if (v.t !== 'num' || !isDimensionless(v.dim) || !Number.isInteger(v.v) || v.v < 1) {
        if (v.t === 'word')
          env.report(diag('unknownName', env.uri, v.span, v.name, didYouMean(v.name, env.names?.() ?? [])));
        else
          env.report(
            diag('badCount', env.uri, a.span, 'a tensor dimension', v.t === 'num' ? String(v.v) : describe(v)),
          );
        return ERROR;
      }
      shape.push(v.v);
    }
    if (shape.length === 0) {
      env.report(diag('badCount', env.uri, expr.span, 'a tensor', 'empty'));
      return ERROR;
    }
    return { t: 'tensor', shape };
  }
  env.report(diag('wrongType', env.uri, target.span, 'an indexed value', "'tensor'", 'something else'));
  return ERROR;
}

function evalCall(expr: Extract<Expr, { type: 'Call' }>, env: EvalEnv): Value {
  const name = expr.callee.name;
  if (!FUNCTION_NAMES.includes(name)) {
    env.report(diag('unknownFunction', env.uri, expr.callee.span, name, didYouMean(name, FUNCTION_NAMES)));
    return ERROR;
  }
  const args = expr.args.map((a) => evaluate(a, env));
  if (args.some((a) => a.t === 'error')) return ERROR;
  const nums: { v: number; dim: Dim }[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.t !== 'num') return typeError(env, expr.args[i]!.span, `the argument of ${name}()`, a);
    nums.push(a);
  }
  const arity = name === 'min' || name === 'max' ? -1 : 1;
  if ((arity === 1 && nums.length !== 1) || nums.length === 0) {
    env.report(
      diag(
        'badArgument',
        env.uri,
        expr.span,
        name,
        arity === 1 ? `takes exactly one argument, got ${nums.length}` : 'takes at least one argument',
      ),
    );
    return ERROR;
  }
  const x = nums[0]!;
  switch (name) {
    case 'log2':
      if (!isDimensionless(x.dim)) return argDim(env, expr, name, x.dim);
      if (x.v <= 0) {
        env.report(diag('badArgument', env.uri, expr.span, name, 'needs a positive number'));
        return ERROR;
      }
      return num(Math.log2(x.v), DIMENSIONLESS);
    case 'ceil':
      return num(Math.ceil(x.v - 1e-9 * Math.abs(x.v)), x.dim);
    case 'floor':
      return num(Math.floor(x.v + 1e-9 * Math.abs(x.v)), x.dim);
    case 'round':
      return num(Math.round(x.v), x.dim);
    case 'abs':
      return num(Math.abs(x.v), x.dim);
    case 'sqrt':
      if (x.dim.some((e) => e % 2 !== 0)) return argDim(env, expr, name, x.dim);
      if (x.v < 0) {
        env.report(diag('badArgument', env.uri, expr.span, name, 'needs a non-negative number'));
        return ERROR;
      }
      return num(Math.sqrt(x.v), dimPow(x.dim, 0.5));
    case 'min':
    case 'max': {
      for (let i = 1; i < nums.length; i++) {
        if (!dimEquals(nums[i]!.dim, x.dim)) {
          env.report(
            diag('dimensionMismatch', env.uri, expr.span, `take the ${name} of`, dimName(x.dim), dimName(nums[i]!.dim)),
          );
          return ERROR;
        }
      }
      const vs = nums.map((n) => n.v);
      return num(name === 'min' ? Math.min(...vs) : Math.max(...vs), x.dim);
    }
    case 'fixed':
    case 'float': {
      const bits = dimEquals(x.dim, [0, 0, 0, 0, 0, 1, 0]) || isDimensionless(x.dim) ? x.v : NaN;
      if (!Number.isInteger(bits) || bits < 1 || bits > 64) {
        env.report(
          diag('badArgument', env.uri, expr.span, name, 'needs a whole number of bits from 1 to 64, e.g. 16 bit'),
        );
        return ERROR;
      }
      return { t: 'precision', format: name, bits };
    }
  }
  return ERROR;
}

function argDim(env: EvalEnv, expr: Extract<Expr, { type: 'Call' }>, name: string, dim: Dim): Value {
  env.report(diag('badArgument', env.uri, expr.span, name, `cannot take ${dimName(dim)}`));
  return ERROR;
}

const OP_VERB: Record<string, string> = { '+': 'add', '-': 'subtract', '..': 'make a range of' };

function evalBinary(expr: Extract<Expr, { type: 'Binary' }>, env: EvalEnv): Value {
  if (expr.op === 'in') {
    const left = expr.left.type === 'Ref' ? expr.left.path.map((p) => p.name).join('.') : undefined;
    const domain = evaluate(expr.right, env);
    if (!left) {
      env.report(diag('wrongType', env.uri, expr.left.span, "the left side of 'in'", 'a name', 'an expression'));
      return ERROR;
    }
    return domain.t === 'error' ? ERROR : { t: 'in', name: left, domain };
  }
  const l = evaluate(expr.left, env);
  const r = evaluate(expr.right, env);
  if (l.t === 'error' || r.t === 'error') return ERROR;
  if (l.t !== 'num') return typeError(env, expr.left.span, `the left operand of '${expr.op}'`, l);
  if (r.t !== 'num') return typeError(env, expr.right.span, `the right operand of '${expr.op}'`, r);
  let out: Value;
  switch (expr.op) {
    case '+':
    case '-':
    case '..':
      if (!dimEquals(l.dim, r.dim)) {
        env.report(diag('dimensionMismatch', env.uri, expr.span, OP_VERB[expr.op]!, dimName(l.dim), dimName(r.dim)));
        return ERROR;
      }
      if (expr.op === '..') {
        if (r.v < l.v) {
          env.report(diag('badRange', env.uri, expr.span, 'the upper bound is below the lower bound'));
          return ERROR;
        }
        return { t: 'range', lo: l.v, hi: r.v, dim: l.dim };
      }
      out = num(expr.op === '+' ? l.v + r.v : l.v - r.v, l.dim);
      break;
    case '*':
      out = num(l.v * r.v, dimMul(l.dim, r.dim));
      break;
    case '/':
      if (r.v === 0) {
        env.report(diag('notFinite', env.uri, expr.span, 'this division'));
        return ERROR;
      }
      out = num(l.v / r.v, dimDiv(l.dim, r.dim));
      break;
    case '**':
      if (!isDimensionless(r.dim)) {
        env.report(diag('nonScalarExponent', env.uri, expr.right.span, dimName(r.dim)));
        return ERROR;
      }
      if (!isDimensionless(l.dim) && !Number.isInteger(r.v)) {
        env.report(
          diag(
            'badArgument',
            env.uri,
            expr.span,
            'power',
            `${withArticle(dimName(l.dim))} can only be raised to a whole number`,
          ),
        );
        return ERROR;
      }
      out = num(l.v ** r.v, dimPow(l.dim, r.v));
      break;
    default:
      return ERROR;
  }
  if (out.t === 'num' && !Number.isFinite(out.v)) {
    env.report(diag('notFinite', env.uri, expr.span, 'this expression'));
    return ERROR;
  }
  return out;
}
