// An instance of a class: a block's attributes checked against the class, defaults evaluated lazily
// in the instance's own scope (so `power = energy * rate` sees the instance's `rate`).
import { diag, didYouMean, withArticle, type Attribute, type Member, type Span } from '@pim/grammar';
import { dimEquals, dimName, isDimensionless, NAMED_DIMENSIONS } from '../units/dimension.js';
import type { CheckContext, ClassDef } from './context.js';
import { evaluate, type EvalEnv } from './evaluate.js';
import { parseType, typeName, type AttrType } from './types.js';
import { describeValue, displayValue, ERROR, num, type Value } from './values.js';

export interface Instance {
  cls: ClassDef;
  uri: string;
  /** Attributes given in the block. */
  stated: Map<string, Attribute>;
  get(name: string): Value | undefined;
  /** Whether the attribute's value was given in the block. */
  isStated(name: string): boolean;
}

export interface InstanceOptions {
  /** The architecture clock, to turn `cycle` into seconds. */
  clockHz?: number;
  /** Where to report a missing required attribute. */
  anchor: Span;
  /** How to name the instance in messages (`'adc' block`). */
  what: string;
  /** File of a member when members come from several files (inherited declarations). */
  uriOf?: (m: Member) => string;
}

/** Looks up a constant by name, evaluating it on first use (with cycle detection). */
export function constValue(ctx: CheckContext, name: string, span: Span, uri: string, chain: string[] = []): Value | undefined {
  const entry = ctx.consts.get(name);
  if (!entry) return undefined;
  const sym = ctx.symbols.get(name);
  if (sym) ctx.reference(uri, span, sym);
  if (entry.value) return entry.value;
  if (entry.evaluating) {
    ctx.report(diag('constCycle', entry.uri, entry.decl.name.span, [...chain, name]));
    return ERROR;
  }
  entry.evaluating = true;
  const env: EvalEnv = {
    uri: entry.uri,
    report: (d) => ctx.report(d),
    lookup: (n, s) => constValue(ctx, n, s, entry.uri, [...chain, name]),
    names: () => ctx.consts.keys(),
  };
  let v = evaluate(entry.decl.value, env);
  entry.evaluating = false;
  // A bare word may be a choice (`mesh`) or a declaration's name, but `isaac.clock` reads a member of
  // a declaration, which is elaborated after constants: it is no constant.
  if (v.t === 'word' && v.name.includes('.')) {
    ctx.report(diag('notConstant', entry.uri, v.span, `'${v.name}' in constant '${name}'`));
    v = ERROR;
  }
  if (entry.decl.valueType && v.t !== 'error') {
    const t = parseType(entry.decl.valueType, entry.uri, (d) => ctx.report(d));
    v = coerce(ctx, v, t.type, entry.decl.value.span, entry.uri, `constant '${name}'`, {});
  }
  entry.value = v;
  return v;
}

export function instantiate(ctx: CheckContext, cls: ClassDef, members: Member[] | undefined, uri: string, opts: InstanceOptions): Instance {
  const stated = new Map<string, Attribute>();
  const memberUri = new Map<Attribute, string>();
  for (const m of members ?? []) {
    if (m.type !== 'Attribute') continue;
    const mUri = opts.uriOf?.(m) ?? uri;
    memberUri.set(m, mUri);
    if (!cls.attrs.has(m.key.name)) {
      const suggestion = didYouMean(m.key.name, cls.attrs.keys());
      const d = diag('unknownAttribute', mUri, m.key.span, m.key.name, cls.name, suggestion);
      if (suggestion) d.data = { replacements: [suggestion] };
      ctx.report(d);
      continue;
    }
    if (stated.has(m.key.name)) {
      ctx.report(diag('duplicateAttribute', mUri, m.key.span, m.key.name));
      continue;
    }
    stated.set(m.key.name, m);
  }
  const values = new Map<string, Value | null>();
  const evaluating = new Set<string>();
  // Insertion-ordered: on a cycle it is the chain of attributes that led back here.
  const get = (name: string): Value | undefined => {
    if (values.has(name)) return values.get(name) ?? undefined;
    const def = cls.attrs.get(name);
    if (!def) return undefined;
    const attr = stated.get(name);
    const expr = attr?.value ?? def.default;
    if (!expr) {
      values.set(name, null);
      return undefined;
    }
    if (evaluating.has(name)) {
      ctx.report(diag('constCycle', attr ? memberUri.get(attr)! : def.uri, attr ? attr.key.span : def.keySpan, [...evaluating, name]));
      values.set(name, ERROR);
      return ERROR;
    }
    evaluating.add(name);
    const exprUri = attr ? memberUri.get(attr)! : def.uri;
    const env: EvalEnv = {
      uri: exprUri,
      // A default (an estimate formula) fails because of this instance's values: report it at the
      // instance, with the formula as the related location.
      report: attr
        ? (d) => ctx.report(d)
        : (d) => ctx.report({ ...d, uri, span: opts.anchor, related: [...(d.related ?? []), { uri: d.uri, span: d.span, message: `in the default of '${name}' in class '${def.owner}'` }] }),
      // A name is a sibling attribute, except the attribute being defined, which means the outer
      // (constant) name: `rows: rows` reads the constant `rows`.
      lookup: (n, s) => (cls.attrs.has(n) && n !== name ? get(n) ?? ERROR : constValue(ctx, n, s, exprUri)),
      names: () => [...cls.attrs.keys(), ...ctx.consts.keys()],
      ...(def.type.k === 'dim' && expr.type === 'Number' ? { expected: def.type.dim } : {}),
    };
    const raw = evaluate(expr, env);
    const v = coerce(ctx, raw, def.type, expr.span, exprUri, `'${name}' of ${opts.what}`, opts);
    evaluating.delete(name);
    values.set(name, v);
    if (attr) {
      ctx.attributeInfo.set(attr, {
        owner: cls.name,
        type: typeName(def.type),
        display: displayValue(v),
        ...(v.t === 'num' ? { si: v.v } : {}),
        ...(def.doc ? { doc: def.doc } : {}),
      });
    }
    return v;
  };
  for (const [name, def] of cls.attrs) {
    if (def.required && !stated.has(name)) ctx.report(diag('missingAttribute', uri, opts.anchor, name, opts.what));
  }
  // Evaluate stated attributes now so their errors show even if nothing reads them.
  for (const name of stated.keys()) get(name);
  return { cls, uri, stated, get: (n) => get(n), isStated: (n) => stated.has(n) };
}

/** Checks a value against an attribute type, converting where the language allows (cycles → s). */
export function coerce(ctx: CheckContext, v: Value, type: AttrType, span: Span, uri: string, what: string, opts: { clockHz?: number }): Value {
  if (v.t === 'error') return v;
  const wrong = (expected: string): Value => {
    if (v.t === 'word' && type.k !== 'enum' && type.k !== 'ref' && type.k !== 'any') {
      const names = [...ctx.consts.keys()];
      ctx.report(diag('unknownName', uri, v.span, v.name, didYouMean(v.name, names)));
    } else {
      ctx.report(diag('wrongType', uri, span, what, expected, describeValue(v)));
    }
    return ERROR;
  };
  switch (type.k) {
    case 'any':
      return v;
    case 'dim': {
      if (v.t !== 'num') return wrong(withArticle(type.name));
      // Every quantity the language names is a magnitude (a temperature is in kelvin): never below 0.
      const nonNegative = (x: Value): Value => {
        if (x.t !== 'num' || x.v >= 0) return x;
        ctx.report(diag('outOfRange', uri, span, what, displayValue(x), 'at least 0'));
        return ERROR;
      };
      if (dimEquals(v.dim, type.dim)) return nonNegative(v);
      if (type.name === 'time' && dimEquals(v.dim, NAMED_DIMENSIONS['cycles']!)) {
        if (opts.clockHz) return nonNegative(num(v.v / opts.clockHz, type.dim));
        ctx.report(diag('wrongDimension', uri, span, what, 'a time (cycles need an architecture clock)', 'cycles'));
        return ERROR;
      }
      ctx.report(diag('wrongDimension', uri, span, what, type.name === 'ratio' ? 'a plain number or a percentage' : withArticle(type.name), isDimensionless(v.dim) ? 'a plain number' : withArticle(dimName(v.dim))));
      return ERROR;
    }
    case 'count':
    case 'number': {
      if (v.t !== 'num') return wrong(type.k === 'count' ? 'a count' : 'a plain number');
      if (!isDimensionless(v.dim)) {
        ctx.report(diag('wrongDimension', uri, span, what, type.k === 'count' ? 'a count' : 'a plain number', withArticle(dimName(v.dim))));
        return ERROR;
      }
      if (type.k === 'count' && !Number.isInteger(v.v)) {
        ctx.report(diag('badCount', uri, span, what, displayValue(v)));
        return ERROR;
      }
      // Counts may be 0 (a seed, no edges); where 0 makes no sense the pass using it says so.
      if (type.k === 'count' && v.v < 0) {
        ctx.report(diag('outOfRange', uri, span, what, displayValue(v), 'a whole number ≥ 0'));
        return ERROR;
      }
      return v;
    }
    case 'bool':
      return v.t === 'bool' ? v : wrong('true or false');
    case 'string':
      return v.t === 'str' ? v : wrong('a string');
    case 'shape':
      return v.t === 'tensor' || (v.t === 'obj' && v.head === 'graph') ? v : wrong("'tensor[…]' or 'graph { dataset: … }'");
    case 'precision':
      return v.t === 'precision' ? v : wrong("'fixed(N bit)' or 'float(N bit)'");
    case 'enum': {
      const name = v.t === 'word' ? v.name : v.t === 'obj' ? v.head : undefined;
      const nameSpan = v.t === 'word' ? v.span : v.t === 'obj' ? v.headSpan : undefined;
      if (name === undefined) return wrong(`one of ${type.choices.join(', ')}`);
      if (!type.choices.includes(name)) {
        const suggestion = didYouMean(name, type.choices);
        const d = diag('badEnumValue', uri, nameSpan ?? span, what, name, type.choices, suggestion);
        if (suggestion) d.data = { replacements: [suggestion] };
        ctx.report(d);
        return ERROR;
      }
      return v;
    }
    case 'ref': {
      if (v.t !== 'word') return wrong(`the name of ${withArticle(type.kind)}`);
      const sym = ctx.symbols.get(v.name);
      const ok = (k: string): boolean => k === type.kind || (type.kind === 'experiment' && (k === 'train' || k === 'run'));
      if (!sym) {
        const candidates = ctx.symbolsOfKind(type.kind).map((s) => s.name);
        const suggestion = didYouMean(v.name, candidates);
        const d = diag('unknownName', uri, v.span, v.name, suggestion);
        if (suggestion) d.data = { replacements: [suggestion] };
        ctx.report(d);
        return ERROR;
      }
      ctx.reference(uri, v.span, sym);
      if (!ok(sym.kind)) {
        ctx.report(diag('wrongReferenceKind', uri, v.span, v.name, type.kind, sym.kind));
        return ERROR;
      }
      return v;
    }
    case 'list': {
      if (v.t !== 'list') return wrong(`a list of ${typeName(type.of)}`);
      const items = v.items.map((it) => coerce(ctx, it, type.of, span, uri, `an item of ${what}`, opts));
      return items.some((i) => i.t === 'error') ? ERROR : { t: 'list', items };
    }
  }
}

/**
 * Reports stated numbers below `min` (in SI) among `keys`: write counts, learning rates and budgets are
 * magnitudes, and a batch or a number format needs at least one sample or bit.
 */
export function requireAtLeast(ctx: CheckContext, inst: Instance, keys: string[], what: string, min = 0, bound = `at least ${min}`): void {
  for (const k of keys) {
    const attr = inst.stated.get(k);
    const v = inst.get(k);
    if (attr && v?.t === 'num' && v.v < min) ctx.report(diag('outOfRange', inst.uri, attr.value.span, `'${k}' of ${what}`, displayValue(v), bound));
  }
}

/** The SI number of a numeric value, or undefined. */
export function asNumber(v: Value | undefined): number | undefined {
  return v && v.t === 'num' ? v.v : undefined;
}
