// An instance of a class: a block's attributes checked against the class, defaults evaluated lazily
// in the instance's own scope (so `power = energy * rate` sees the instance's `rate`).
import {
  diag,
  didYouMean,
  withArticle,
  type Attribute,
  type Diagnostic,
  type Expr,
  type Member,
  type Span,
} from '@pim/grammar';
import { OverrideError, type AttributeInfo } from '../api.js';
import { DIMENSIONLESS, dimEquals, dimName, isDimensionless, NAMED_DIMENSIONS, type Dim } from '../units/dimension.js';
import type { AttrDef, CheckContext, ClassDef } from './context.js';
import { evaluate, type EvalEnv } from './evaluate.js';
import { parseType, typeName, type AttrType } from './types.js';
import { describeValue, displayValue, ERROR, num, type Value } from './values.js';

export interface Instance {
  cls: ClassDef;
  uri: string;
  /** How messages name the instance (`'adc' block`, `device 'cell'`). */
  readonly what: string;
  /** Attributes given in the block. */
  readonly stated: Map<string, Attribute>;
  /** The attribute given in the block for `name`, if any (cheaper than `stated.get`). */
  statedAttr(name: string): Attribute | undefined;
  get(name: string): Value | undefined;
  /**
   * The value the program gives, a design-point override aside (the clock the program's powers were
   * stated at, when a design point runs it at another). The same as `get` without an override.
   */
  sourceValue(name: string): Value | undefined;
  /** Whether the attribute's value was given in the block (or by a design-point override). */
  isStated(name: string): boolean;
  /**
   * Where the attribute's value was given, for the rules of its values to report at: its value in the
   * block, or, for a design-point override, the block itself. Undefined for a default.
   */
  givenAt(name: string): Given | undefined;
  /**
   * The block, where a rule relating several values reports when none of them was given (they are
   * defaults); undefined for a `vary` value's instance (withValue), which reports at its value alone.
   */
  readonly blockAt: Given | undefined;
}

/** A place in a file where a value was given. */
export interface Given {
  uri: string;
  span: Span;
}

/** Where a rule relating `keys` reports: the first of them given, else the block (Instance.blockAt). */
export function placeOf(inst: Instance, keys: readonly string[]): Given | undefined {
  for (const k of keys) {
    const at = inst.givenAt(k);
    if (at) return at;
  }
  return inst.blockAt;
}

/** How messages name an attribute of an instance: `'rate' of 'adc' block`. */
export function attributeWhat(name: string, instanceWhat: string): string {
  return `'${name}' of ${instanceWhat}`;
}

/**
 * The instance with one attribute's value replaced by a value given at `at` (a `vary` value): the
 * instance's value rules, run on it, check that value alone (no other attribute is given).
 */
export function withValue(inst: Instance, name: string, value: Value, at: Given): Instance {
  return {
    cls: inst.cls,
    uri: inst.uri,
    what: inst.what,
    stated: new Map(),
    statedAttr: () => undefined,
    get: (n) => (n === name ? value : inst.get(n)),
    sourceValue: (n) => (n === name ? value : inst.sourceValue(n)),
    isStated: (n) => n === name || inst.isStated(n),
    givenAt: (n) => (n === name ? at : undefined),
    blockAt: undefined,
  };
}

export interface InstanceOptions {
  /** The clock of the enclosing architecture or partition, to turn `cycle` into seconds. */
  clockHz?: number;
  /** Keep a time stated in cycles as cycles (a device: each architecture that uses it resolves them). */
  keepCycles?: boolean;
  /** Where to report a missing required attribute. */
  anchor: Span;
  /** How to name the instance in messages (`'adc' block`). */
  what: string;
  /** File of a member when members come from several files (inherited declarations). */
  uriOf?: (m: Member) => string;
  /** Design-point values that replace stated or default ones (CompileOptions.overrides), SI units. */
  overrides?: ReadonlyMap<string, number | string | boolean> | undefined;
}

/** Looks up a constant by name, evaluating it on first use (with cycle detection). */
export function constValue(
  ctx: CheckContext,
  name: string,
  span: Span,
  uri: string,
  chain: string[] = [],
): Value | undefined {
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

export function instantiate(
  ctx: CheckContext,
  cls: ClassDef,
  members: Member[] | undefined,
  uri: string,
  opts: InstanceOptions,
): Instance {
  const layout = layoutOf(cls);
  const stated: (Attribute | undefined)[] = new Array(layout.defs.length);
  // Only inherited declarations mix files; otherwise every member is in `uri`.
  const memberUri = opts.uriOf ? new Map<Attribute, string>() : undefined;
  for (const m of members ?? []) {
    if (m.type !== 'Attribute') continue;
    const mUri = opts.uriOf?.(m) ?? uri;
    memberUri?.set(m, mUri);
    const slot = layout.slots.get(m.key.name);
    if (slot === undefined) {
      const suggestion = didYouMean(m.key.name, cls.attrs.keys());
      const d = diag('unknownAttribute', mUri, m.key.span, m.key.name, cls.name, suggestion);
      if (suggestion) d.data = { replacements: [suggestion] };
      ctx.report(d);
      continue;
    }
    if (stated[slot]) {
      ctx.report(diag('duplicateAttribute', mUri, m.key.span, m.key.name));
      continue;
    }
    stated[slot] = m;
  }
  const inst = new ClassInstance(ctx, cls, layout, uri, members, stated, memberUri, opts);
  if (opts.overrides) ctx.markOverridesUsed(opts.overrides, (name) => layout.slots.has(name));
  for (let i = 0; i < layout.defs.length; i++) {
    if (layout.defs[i]!.required && !stated[i])
      ctx.report(diag('missingAttribute', uri, opts.anchor, layout.names[i]!, opts.what));
  }
  // Evaluate stated attributes now, in the block's order, so their errors show even if nothing reads them.
  for (const m of members ?? []) {
    if (m.type !== 'Attribute') continue;
    const slot = layout.slots.get(m.key.name);
    if (slot !== undefined && stated[slot] === m) inst.get(m.key.name);
  }
  return inst;
}

/**
 * A design point's value (SI units, as the IR writes it) as a value of the attribute's type would be
 * written, for `coerce` to check like a stated one. A value of another kind (a string for a number) is
 * the caller's mistake: it throws.
 */
function overrideValue(raw: number | string | boolean, type: AttrType, what: string, span: Span): Value {
  const kind =
    type.k === 'dim' || type.k === 'count' || type.k === 'number'
      ? 'number'
      : type.k === 'bool'
        ? 'boolean'
        : type.k === 'string' || type.k === 'enum' || type.k === 'ref'
          ? 'string'
          : undefined;
  if (kind === undefined || typeof raw !== kind)
    throw new OverrideError(`compile: override of ${what} with ${JSON.stringify(raw)}: not ${typeName(type)}`);
  if (typeof raw === 'number') return num(raw, type.k === 'dim' ? type.dim : DIMENSIONLESS);
  if (typeof raw === 'boolean') return { t: 'bool', v: raw };
  return type.k === 'string' ? { t: 'str', v: raw } : { t: 'word', name: raw, span };
}

/**
 * Attribute values are evaluated on first read and kept. A class rather than closures: the compiler
 * makes one per component, layer section and declaration, and closures per attribute were a large
 * share of its time and garbage.
 */
class ClassInstance implements Instance {
  /**
   * By attribute slot; null: no value (no statement and no default); undefined: not evaluated yet;
   * EVALUATING: being evaluated (reading it again is a cycle).
   */
  private readonly values: (Value | null | undefined)[];
  private statedMap: Map<string, Attribute> | undefined;

  constructor(
    readonly ctx: CheckContext,
    readonly cls: ClassDef,
    private readonly layout: ClassLayout,
    readonly uri: string,
    private readonly members: Member[] | undefined,
    /** The attribute given in the block, by slot. */
    private readonly statedBySlot: (Attribute | undefined)[],
    private readonly memberUri: Map<Attribute, string> | undefined,
    readonly opts: InstanceOptions,
  ) {
    this.values = new Array(layout.defs.length);
  }

  /** Built on first use, in the block's order: most instances are only asked for single attributes. */
  get stated(): Map<string, Attribute> {
    if (!this.statedMap) {
      this.statedMap = new Map();
      for (const m of this.members ?? []) {
        if (m.type === 'Attribute' && this.statedAttr(m.key.name) === m) this.statedMap.set(m.key.name, m);
      }
    }
    return this.statedMap;
  }

  statedAttr(name: string): Attribute | undefined {
    const slot = this.layout.slots.get(name);
    return slot === undefined ? undefined : this.statedBySlot[slot];
  }

  get what(): string {
    return this.opts.what;
  }

  /** Given in the block, or by a design-point override (which stands for a stated value). */
  isStated(name: string): boolean {
    return this.statedAttr(name) !== undefined || this.opts.overrides?.has(name) === true;
  }

  get blockAt(): Given {
    return { uri: this.uri, span: this.opts.anchor };
  }

  givenAt(name: string): Given | undefined {
    if (this.opts.overrides?.has(name)) return this.blockAt;
    const attr = this.statedAttr(name);
    return attr && { uri: this.memberUri?.get(attr) ?? this.uri, span: attr.value.span };
  }

  /** Whether `name` is an attribute of the class. */
  has(name: string): boolean {
    return this.layout.slots.has(name);
  }

  get(name: string): Value | undefined {
    const slot = this.layout.slots.get(name);
    if (slot === undefined) return undefined;
    const known = this.values[slot];
    if (known !== undefined && known !== EVALUATING) return known ?? undefined;
    const def = this.layout.defs[slot]!;
    const attr = this.statedBySlot[slot];
    const override = this.opts.overrides?.get(name);
    if (override !== undefined) {
      // Checked as a stated value is (its type, sign, finiteness), reported at the block.
      const what = attributeWhat(name, this.opts.what);
      const raw = overrideValue(override, def.type, what, this.opts.anchor);
      const v = coerce(this.ctx, raw, def.type, this.opts.anchor, this.uri, what, this.opts);
      this.values[slot] = v;
      return v;
    }
    const expr = attr?.value ?? def.default;
    if (!expr) {
      this.values[slot] = null;
      return undefined;
    }
    const exprUri = attr ? (this.memberUri?.get(attr) ?? this.uri) : def.uri;
    if (known === EVALUATING) {
      this.ctx.report(diag('constCycle', exprUri, attr ? attr.key.span : def.keySpan, [...evaluatingIn(this), name]));
      this.values[slot] = ERROR;
      return ERROR;
    }
    this.values[slot] = EVALUATING;
    const v = this.evaluateSlot(name, slot);
    this.values[slot] = v;
    if (attr) this.ctx.attributeInfo.defer(attr, new StatedAttributeInfo(this.cls.name, def.type, v, def.doc));
    return v;
  }

  sourceValue(name: string): Value | undefined {
    const slot = this.layout.slots.get(name);
    if (slot === undefined || !this.opts.overrides?.has(name)) return this.get(name);
    // Read only where an override replaced the value (rare): evaluated again each time, never kept.
    return (this.statedBySlot[slot]?.value ?? this.layout.defs[slot]!.default)
      ? this.evaluateSlot(name, slot)
      : undefined;
  }

  /** The stated expression of a slot, or its default, evaluated and checked against its type. */
  private evaluateSlot(name: string, slot: number): Value {
    const def = this.layout.defs[slot]!;
    const attr = this.statedBySlot[slot];
    const expr = (attr?.value ?? def.default)!;
    const exprUri = attr ? (this.memberUri?.get(attr) ?? this.uri) : def.uri;
    evaluatingInstances.push(this);
    evaluatingNames.push(name);
    try {
      const scope = new AttributeScope(this, name, def, attr !== undefined, exprUri);
      const raw = attr ? this.evaluate(scope, expr) : this.evaluateDefault(scope, expr);
      return coerce(this.ctx, raw, def.type, expr.span, exprUri, scope, this.opts);
    } finally {
      // The stack is shared by every compilation of a long-lived process (the language server), so an
      // internal error must not leave entries behind.
      evaluatingInstances.pop();
      evaluatingNames.pop();
    }
  }

  private evaluate(scope: AttributeScope, expr: Expr): Value {
    const type = scope.def.type;
    if (type.k === 'dim' && expr.type === 'Number') scope.expected = type.dim;
    return evaluate(expr, scope);
  }

  /**
   * A default's parts that read no name (`rate = 1.28 GHz`, `4 mW / (8 * 128)`) have one value for
   * every instance: evaluated once per compilation (see EvalEnv.closedValues).
   */
  private evaluateDefault(scope: AttributeScope, expr: Expr): Value {
    scope.closedValues = this.ctx.closedDefaults;
    scope.reported = 0;
    return this.evaluate(scope, expr);
  }
}

const EVALUATING: Value = { t: 'error' };

/**
 * The attributes being evaluated, outermost first, with their instances: evaluation nests, so one
 * stack serves every instance, and on a cycle gives the chain of attributes that led back.
 */
const evaluatingInstances: ClassInstance[] = [];
const evaluatingNames: string[] = [];

function evaluatingIn(inst: ClassInstance): string[] {
  return evaluatingNames.filter((_, i) => evaluatingInstances[i] === inst);
}

/** A class's attributes by slot, shared by its instances. */
interface ClassLayout {
  slots: Map<string, number>;
  names: string[];
  defs: AttrDef[];
}

const layouts = new WeakMap<ClassDef, ClassLayout>();

function layoutOf(cls: ClassDef): ClassLayout {
  let layout = layouts.get(cls);
  if (!layout) {
    layout = { slots: new Map(), names: [], defs: [] };
    for (const [name, def] of cls.attrs) {
      layout.slots.set(name, layout.defs.length);
      layout.names.push(name);
      layout.defs.push(def);
    }
    layouts.set(cls, layout);
  }
  return layout;
}

/** The scope of one attribute's expression: its sibling attributes, then the constants. */
class AttributeScope implements EvalEnv {
  expected?: Dim;
  closedValues?: Map<Expr, Value>;
  reported?: number;

  constructor(
    private readonly inst: ClassInstance,
    private readonly name: string,
    readonly def: AttrDef,
    private readonly stated: boolean,
    readonly uri: string,
  ) {}

  report(d: Diagnostic): void {
    if (this.reported !== undefined) this.reported++;
    if (this.stated) {
      this.inst.ctx.report(d);
      return;
    }
    // A default (an estimate formula) fails because of this instance's values: report it at the
    // instance, with the formula as the related location.
    const message = `in the default of '${this.name}' in class '${this.def.owner}'`;
    this.inst.ctx.report({
      ...d,
      uri: this.inst.uri,
      span: this.inst.opts.anchor,
      related: [...(d.related ?? []), { uri: d.uri, span: d.span, message }],
    });
  }

  /**
   * A name is a sibling attribute, except the attribute being defined, which means the outer
   * (constant) name: `rows: rows` reads the constant `rows`.
   */
  lookup(n: string, s: Span): Value | undefined {
    if (n !== this.name && this.inst.has(n)) return this.inst.get(n) ?? ERROR;
    return constValue(this.inst.ctx, n, s, this.uri);
  }

  names(): Iterable<string> {
    return [...this.inst.cls.attrs.keys(), ...this.inst.ctx.consts.keys()];
  }

  /** `'rate' of 'adc' block`, for messages about the value. */
  get what(): string {
    return attributeWhat(this.name, this.inst.opts.what);
  }
}

/** Hover data of a stated attribute, formatted only when read: most attributes are never hovered. */
export class StatedAttributeInfo implements AttributeInfo {
  constructor(
    readonly owner: string,
    /** The attribute's type, or its display form already. */
    private readonly attrType: AttrType | string,
    private readonly value: Value,
    readonly doc: string | undefined,
  ) {}

  get type(): string {
    return typeof this.attrType === 'string' ? this.attrType : typeName(this.attrType);
  }

  get display(): string {
    return displayValue(this.value);
  }

  get si(): number | undefined {
    return this.value.t === 'num' ? this.value.v : undefined;
  }
}

/** The scope of an expression that may only read constants (counts, layer attributes, sections). */
export class ConstScope implements EvalEnv {
  constructor(
    private readonly ctx: CheckContext,
    readonly uri: string,
  ) {}

  report(d: Diagnostic): void {
    this.ctx.report(d);
  }

  lookup(n: string, s: Span): Value | undefined {
    return constValue(this.ctx, n, s, this.uri);
  }

  names(): Iterable<string> {
    return this.ctx.consts.keys();
  }
}

/** How a value is named in messages; an attribute's scope builds its text only for a message. */
export type What = string | { readonly what: string };

function whatText(what: What): string {
  return typeof what === 'string' ? what : what.what;
}

/** Checks a value against an attribute type, converting where the language allows (cycles → s). */
export function coerce(
  ctx: CheckContext,
  v: Value,
  type: AttrType,
  span: Span,
  uri: string,
  what: What,
  opts: { clockHz?: number; keepCycles?: boolean },
): Value {
  if (v.t === 'error') return v;
  switch (type.k) {
    case 'any':
      return v;
    case 'dim':
      return coerceQuantity(ctx, v, type, span, uri, what, opts);
    case 'count':
    case 'number': {
      if (v.t !== 'num')
        return wrongType(ctx, v, type, span, uri, what, type.k === 'count' ? 'a count' : 'a plain number');
      if (!Number.isFinite(v.v)) return notFinite(ctx, span, uri, what);
      if (!isDimensionless(v.dim))
        return wrongDimension(
          ctx,
          span,
          uri,
          what,
          type.k === 'count' ? 'a count' : 'a plain number',
          withArticle(dimName(v.dim)),
        );
      if (type.k === 'count' && !Number.isInteger(v.v)) {
        ctx.report(diag('badCount', uri, span, whatText(what), displayValue(v)));
        return ERROR;
      }
      // Counts may be 0 (a seed, no edges); where 0 makes no sense the pass using it says so.
      if (type.k === 'count' && v.v < 0) {
        ctx.report(diag('outOfRange', uri, span, whatText(what), displayValue(v), 'a whole number ≥ 0'));
        return ERROR;
      }
      return v;
    }
    case 'bool':
      return v.t === 'bool' ? v : wrongType(ctx, v, type, span, uri, what, 'true or false');
    case 'string':
      return v.t === 'str' ? v : wrongType(ctx, v, type, span, uri, what, 'a string');
    case 'shape':
      return v.t === 'tensor' || (v.t === 'obj' && v.head === 'graph')
        ? v
        : wrongType(ctx, v, type, span, uri, what, "'tensor[…]' or 'graph { dataset: … }'");
    case 'precision':
      return v.t === 'precision' ? v : wrongType(ctx, v, type, span, uri, what, "'fixed(N bit)' or 'float(N bit)'");
    case 'enum': {
      const name = v.t === 'word' ? v.name : v.t === 'obj' ? v.head : undefined;
      const nameSpan = v.t === 'word' ? v.span : v.t === 'obj' ? v.headSpan : undefined;
      if (name === undefined) return wrongType(ctx, v, type, span, uri, what, `one of ${type.choices.join(', ')}`);
      if (!type.choices.includes(name)) {
        const suggestion = didYouMean(name, type.choices);
        const d = diag('badEnumValue', uri, nameSpan ?? span, whatText(what), name, type.choices, suggestion);
        if (suggestion) d.data = { replacements: [suggestion] };
        ctx.report(d);
        return ERROR;
      }
      return v;
    }
    case 'ref': {
      if (v.t !== 'word') return wrongType(ctx, v, type, span, uri, what, `the name of ${withArticle(type.kind)}`);
      const sym = ctx.symbols.get(v.name);
      if (!sym) {
        const candidates = ctx.symbolsOfKind(type.kind).map((s) => s.name);
        const suggestion = didYouMean(v.name, candidates);
        const d = diag('unknownName', uri, v.span, v.name, suggestion);
        if (suggestion) d.data = { replacements: [suggestion] };
        ctx.report(d);
        return ERROR;
      }
      ctx.reference(uri, v.span, sym);
      if (!(sym.kind === type.kind || (type.kind === 'experiment' && (sym.kind === 'train' || sym.kind === 'run')))) {
        ctx.report(diag('wrongReferenceKind', uri, v.span, v.name, type.kind, sym.kind));
        return ERROR;
      }
      return v;
    }
    case 'list': {
      if (v.t !== 'list') return wrongType(ctx, v, type, span, uri, what, `a list of ${typeName(type.of)}`);
      // A loop, not map(): a closure here would cost every call of coerce a context allocation.
      const itemWhat = `an item of ${whatText(what)}`;
      const items: Value[] = [];
      let failed = false;
      for (const it of v.items) {
        const c = coerce(ctx, it, type.of, span, uri, itemWhat, opts);
        items.push(c);
        if (c.t === 'error') failed = true;
      }
      return failed ? ERROR : { t: 'list', items };
    }
  }
}

// coerce's helpers are functions rather than closures in it: it runs for every attribute.
/**
 * A quantity of the type's dimension, never below 0; a time in cycles becomes seconds at the enclosing
 * clock, stays in cycles where the caller resolves them later (a device), else is PIM3250.
 */
function coerceQuantity(
  ctx: CheckContext,
  v: Value,
  type: Extract<AttrType, { k: 'dim' }>,
  span: Span,
  uri: string,
  what: What,
  opts: { clockHz?: number; keepCycles?: boolean },
): Value {
  if (v.t !== 'num') return wrongType(ctx, v, type, span, uri, what, withArticle(type.name));
  if (!Number.isFinite(v.v)) return notFinite(ctx, span, uri, what);
  if (dimEquals(v.dim, type.dim)) return nonNegative(ctx, v, span, uri, what);
  if (type.name === 'time' && dimEquals(v.dim, NAMED_DIMENSIONS['cycles']!)) {
    if (opts.clockHz) return nonNegative(ctx, num(v.v / opts.clockHz, type.dim), span, uri, what);
    if (opts.keepCycles) return nonNegative(ctx, v, span, uri, what);
    ctx.report(diag('cyclesWithoutClock', uri, span, whatText(what)));
    return ERROR;
  }
  return wrongDimension(
    ctx,
    span,
    uri,
    what,
    type.name === 'ratio' ? 'a plain number or a percentage' : withArticle(type.name),
    isDimensionless(v.dim) ? 'a plain number' : withArticle(dimName(v.dim)),
  );
}

function wrongType(
  ctx: CheckContext,
  v: Value,
  type: AttrType,
  span: Span,
  uri: string,
  what: What,
  expected: string,
): Value {
  if (v.t === 'word' && type.k === 'string' && !ctx.consts.has(v.name)) {
    // A bare word where a string goes is most likely the string unquoted (`set: mnist`), not a missing constant.
    ctx.report(
      diag(
        'wrongType',
        uri,
        v.span,
        whatText(what),
        expected,
        `the name '${v.name}' (a string is quoted: "${v.name}")`,
      ),
    );
  } else if (v.t === 'word' && type.k !== 'enum' && type.k !== 'ref' && type.k !== 'any') {
    const names = [...ctx.consts.keys()];
    ctx.report(diag('unknownName', uri, v.span, v.name, didYouMean(v.name, names)));
  } else {
    ctx.report(diag('wrongType', uri, span, whatText(what), expected, describeValue(v)));
  }
  return ERROR;
}

/** A number of another dimension than the attribute's (`expected`, `got` as the message names them). */
function wrongDimension(ctx: CheckContext, span: Span, uri: string, what: What, expected: string, got: string): Value {
  ctx.report(diag('wrongDimension', uri, span, whatText(what), expected, got));
  return ERROR;
}

/** `1e308 GHz` overflows to Infinity: no figure of the IR (JSON has no Infinity) can hold it. */
function notFinite(ctx: CheckContext, span: Span, uri: string, what: What): Value {
  ctx.report(diag('notFinite', uri, span, whatText(what)));
  return ERROR;
}

/** Every quantity the language names is a magnitude (a temperature is in kelvin): never below 0. */
function nonNegative(ctx: CheckContext, x: Value, span: Span, uri: string, what: What): Value {
  if (x.t !== 'num' || x.v >= 0) return x;
  ctx.report(diag('outOfRange', uri, span, whatText(what), displayValue(x), 'at least 0'));
  return ERROR;
}

/**
 * Reports each number among `keys` that `accepted` refuses, as outside `bound`, where the value was
 * given (stated, or set by a design point or a `vary`: Instance.givenAt), or, for a default (a user
 * class's, or one derived from a given value: `cols = rows`), at the block that takes it.
 */
export function requireEach(
  ctx: CheckContext,
  inst: Instance,
  keys: readonly string[],
  accepted: (v: number) => boolean,
  bound: string,
): void {
  for (const k of keys) {
    const v = inst.get(k);
    if (v?.t !== 'num' || accepted(v.v)) continue;
    const at = placeOf(inst, [k]);
    if (at) ctx.report(diag('outOfRange', at.uri, at.span, attributeWhat(k, inst.what), displayValue(v), bound));
  }
}

/**
 * Reports numbers below `min` (in SI) among `keys`: write counts, learning rates and budgets are
 * magnitudes, and a batch or a number format needs at least one sample or bit.
 */
export function requireAtLeast(
  ctx: CheckContext,
  inst: Instance,
  keys: readonly string[],
  min = 0,
  bound = `at least ${min}`,
): void {
  requireEach(ctx, inst, keys, (v) => v >= min, bound);
}

/**
 * Reports numbers that are not above 0 among `keys`: rates, widths and clocks divide other
 * figures, so 0 would make them infinite (`energy Infinity J`). Reported at the user's attribute, not
 * at the library formulas that would fail later.
 */
export function requirePositive(ctx: CheckContext, inst: Instance, keys: readonly string[]): void {
  requireEach(ctx, inst, keys, (v) => v > 0, 'above 0');
}

/** The SI number of a numeric value, or undefined. */
export function asNumber(v: Value | undefined): number | undefined {
  return v && v.t === 'num' ? v.v : undefined;
}
