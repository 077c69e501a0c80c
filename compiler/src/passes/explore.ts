// Pass: `explore` declarations → IrExploration. Each `vary` path must name an attribute of a device or
// of a component (or the architecture itself), and its values must be ones that attribute accepts.
import { diag, didYouMean, withArticle, type Attribute, type Ident, type Span, type VaryStmt } from '@pim/grammar';
import type { IrArchitecture, IrComponent, IrDevice, IrExperiment, IrExploration, IrMapping } from '@pim/ir';
import type { PimSymbol } from '../api.js';
import { describeMember, type AttrDef, type CheckContext, type ClassDef } from '../semantics/context.js';
import { evaluate } from '../semantics/evaluate.js';
import {
  asNumber,
  attributeWhat,
  coerce,
  ConstScope,
  instantiate,
  requireAtLeast,
  requireEach,
  requirePositive,
  withValue,
  type Instance,
} from '../semantics/instance.js';
import { instantiateSection, MAX_EPOCHS } from './experiments.js';
import { checkValues } from './value-rules.js';
import { describeValue, type Value } from '../semantics/values.js';
import { DIMENSIONLESS, dimEquals, NAMED_DIMENSIONS, siUnitOf } from '../units/dimension.js';

export const OBJECTIVES = [
  'accuracy',
  'area',
  'energy',
  'latency',
  'power',
  'throughput',
  'edp',
  'peak_temperature',
] as const;
const MAX_VALUES = 10_000;
/** Hardware figures an exploration may bound (the prelude's `limits` class). */
const LIMITS = ['peak_temperature', 'power', 'area', 'energy', 'latency'] as const;

export function checkExplorations(
  ctx: CheckContext,
  architectures: Map<string, IrArchitecture>,
  devices: Map<string, IrDevice>,
  experiments: ReadonlyMap<string, IrExperiment>,
  mappings: ReadonlyMap<string, IrMapping>,
): Map<string, IrExploration> {
  const out = new Map<string, IrExploration>();
  for (const sym of ctx.symbolsOfKind('explore')) {
    if (sym.node.type !== 'Block') continue;
    const b = sym.node;
    const uri = sym.file;
    const inst = instantiate(ctx, ctx.classes.declaration.get('explore')!, b.body, uri, {
      anchor: b.kind.span,
      what: `exploration '${sym.name}'`,
    });
    const params: IrExploration['parameters'] = [];
    const objectives: IrExploration['objectives'] = [];
    /** Where each objective is first named. */
    const objectiveAt = new Map<string, Span>();
    let limits: IrExploration['limits'];
    const adcResolutions: VaryStmt[] = [];
    for (const m of b.body ?? []) {
      if (m.type === 'Vary') {
        const p = checkVary(ctx, m, uri, architectures, devices, adcResolutions);
        if (p) params.push(p);
      } else if (m.type === 'Objective') {
        for (const t of m.targets) {
          if (!(OBJECTIVES as readonly string[]).includes(t.name)) {
            ctx.report(diag('unknownObjective', uri, t.span, t.name, [...OBJECTIVES], didYouMean(t.name, OBJECTIVES)));
          } else {
            objectives.push({ name: t.name, sense: m.sense });
            if (!objectiveAt.has(t.name)) objectiveAt.set(t.name, t.span);
          }
        }
      } else if (m.type === 'Block' && m.kind.name === 'limits') {
        const inst = instantiateSection(ctx, m, uri, limits !== undefined);
        if (inst) limits = checkLimits(ctx, inst);
      } else if (m.type !== 'Attribute') {
        ctx.report(diag('misplaced', uri, m.span, describeMember(m), 'an exploration'));
      }
    }
    if (!b.body?.some((m) => m.type === 'Objective')) ctx.report(diag('noObjectives', uri, b.name!.span, sym.name));
    const evalV = inst.get('evaluate');
    const methodV = inst.get('method');
    const methodName = methodV?.t === 'word' ? methodV.name : methodV?.t === 'obj' ? methodV.head! : 'random';
    const methodCls = ctx.classes.declaration.get(methodName);
    const method: IrExploration['method'] = {
      name: methodName as IrExploration['method']['name'],
      seed: asNumber(inst.get('seed')) ?? 0,
      attributes: {},
    };
    if (methodCls) {
      const mi = instantiate(ctx, methodCls, methodV?.t === 'obj' ? methodV.node.body : undefined, uri, {
        anchor: methodV?.t === 'obj' ? (methodV.headSpan ?? b.kind.span) : b.kind.span,
        what: `method '${methodName}'`,
      });
      requireAtLeast(ctx, mi, ['budget']);
      checkBudget(ctx, uri, mi.get('budget'), mi.statedAttr('budget'), method, objectives, sym.name);
      checkMethodSizes(ctx, mi);
      for (const key of ['population', 'samples']) {
        const v = asNumber(mi.get(key));
        if (v !== undefined) method.attributes[key] = v;
      }
      const fid = mi.get('fidelity');
      const fidSpan = mi.statedAttr('fidelity')?.value.span ?? b.kind.span;
      if (fid?.t === 'in' && fid.domain.t === 'range') {
        const { lo, hi } = fid.domain;
        // Training epochs are the one fidelity the runtime knows; a cost of 0 would make a step free.
        if (fid.name !== 'epochs')
          ctx.report(diag('wrongType', uri, fidSpan, 'the fidelity', "'epochs in LO .. HI'", `'${fid.name} in …'`));
        // HI is a training's epochs, and every whole count from LO is a level (epochs in 1 .. 1e9 made a
        // billion levels, past 1.5 GB, before the first training).
        else if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo || hi > MAX_EPOCHS)
          ctx.report(
            diag(
              'badRange',
              uri,
              fidSpan,
              `fidelity epochs must be whole numbers with 1 ≤ LO ≤ HI ≤ ${MAX_EPOCHS} (a training's most), not ${lo} .. ${hi}`,
            ),
          );
        else method.fidelity = { parameter: fid.name, min: lo, max: hi };
      } else if (fid && fid.t !== 'error')
        ctx.report(
          diag('wrongType', uri, fidSpan, 'fidelity', "'PARAM in LO .. HI' (e.g. epochs in 1 .. 10)", 'something else'),
        );
    }
    if (evalV?.t !== 'word') continue;
    checkObjectivesMet(ctx, uri, sym.name, objectiveAt, experiments.get(evalV.name), mappings, architectures);
    if (objectives.some((o) => o.name === 'accuracy'))
      warnFixedAdcBits(ctx, uri, adcResolutions, experiments.get(evalV.name));
    out.set(sym.name, {
      name: sym.name,
      evaluate: evalV.name,
      parameters: params,
      objectives,
      ...(limits?.length ? { limits } : {}),
      method,
    });
  }
  return out;
}

/**
 * Objectives the evaluated experiment cannot give, at the objective: a peak temperature needs the thermal
 * model (a `thermal` block in the experiment's architecture), accuracy a training. The runtime refuses
 * both too (explore/problem.ts), for IR built another way.
 */
function checkObjectivesMet(
  ctx: CheckContext,
  uri: string,
  exploration: string,
  objectiveAt: ReadonlyMap<string, Span>,
  exp: IrExperiment | undefined,
  mappings: ReadonlyMap<string, IrMapping>,
  architectures: Map<string, IrArchitecture>,
): void {
  if (!exp) return;
  const hot = objectiveAt.get('peak_temperature');
  const arch = architectures.get(mappings.get(exp.mapping)?.architecture ?? '');
  if (hot && arch && !arch.thermal) ctx.report(diag('objectiveNeedsThermal', uri, hot, exploration, arch.name));
  const acc = objectiveAt.get('accuracy');
  if (acc && exp.kind !== 'train') ctx.report(diag('accuracyNeedsTraining', uri, acc, exploration, exp.name));
}

/** The `limits` section: each stated figure an upper bound (SI), above 0. */
function checkLimits(ctx: CheckContext, inst: Instance): NonNullable<IrExploration['limits']> {
  requirePositive(ctx, inst, LIMITS);
  const out: NonNullable<IrExploration['limits']> = [];
  for (const name of LIMITS) {
    const v = inst.statedAttr(name) ? asNumber(inst.get(name)) : undefined;
    if (v !== undefined && v > 0) out.push({ name, max: v });
  }
  return out;
}

/**
 * The budget: a plain number (epochs with accuracy among the objectives, else evaluations; the unit
 * word as written is kept) or a time, the CPU seconds training may use (`budget_unit: 'cpu_seconds'`).
 */
function checkBudget(
  ctx: CheckContext,
  uri: string,
  v: Value | undefined,
  attr: Attribute | undefined,
  method: IrExploration['method'],
  objectives: IrExploration['objectives'],
  name: string,
): void {
  if (!v || v.t === 'error') return;
  const span = attr?.value.span;
  if (v.t === 'num' && dimEquals(v.dim, DIMENSIONLESS)) {
    method.budget = v.v;
    if (attr?.value.type === 'Number' && attr.value.unit) method.budget_unit = attr.value.unit.text;
  } else if (v.t === 'num' && dimEquals(v.dim, NAMED_DIMENSIONS['time']!)) {
    method.budget = v.v;
    method.budget_unit = 'cpu_seconds';
    if (!objectives.some((o) => o.name === 'accuracy') && span)
      ctx.report(diag('cpuBudgetWithoutTraining', uri, span, name));
  } else if (span) ctx.report(diag('badBudget', uri, span, describeValue(v)));
}

/**
 * One `vary`: its path resolved, its domain enumerated, each value checked as the attribute's value
 * stated in its block would be (its type, then the rules of the instance's values), at the value.
 */
/**
 * The trainer computes every ADC at a training's `adc_bits` when it states one (runtime
 * train/hardware.ts): an exploration that varies an ADC's resolution would then train every design at
 * the same bits and see the resolution only in its hardware figures.
 */
function warnFixedAdcBits(
  ctx: CheckContext,
  uri: string,
  adcResolutions: readonly VaryStmt[],
  experiment: IrExperiment | undefined,
): void {
  const bits = experiment?.kind === 'train' ? experiment.numerics?.adc_bits : undefined;
  if (bits === undefined) return;
  for (const m of adcResolutions)
    ctx.report(
      diag(
        'adcResolutionFixedByTraining',
        uri,
        m.path.span,
        m.path.path.map((p) => p.name).join('.'),
        experiment!.name,
        bits,
      ),
    );
}

/** `adcResolutions`: where a vary of an ADC's resolution is found, it is added. */
function checkVary(
  ctx: CheckContext,
  m: VaryStmt,
  uri: string,
  architectures: Map<string, IrArchitecture>,
  devices: Map<string, IrDevice>,
  adcResolutions: VaryStmt[],
): IrExploration['parameters'][number] | undefined {
  const parts = m.path.path;
  const pathText = parts.map((p) => p.name).join('.');
  const target = resolveVaryPath(ctx, m, uri, pathText, architectures, devices);
  if (!target) return undefined;
  if (parts[parts.length - 1]!.name === 'resolution' && ctx.isA('component', target.inst.cls.name, 'adc'))
    adcResolutions.push(m);
  const items = enumerateDomain(ctx, m, uri, pathText);
  if (!items) return undefined;
  const values: (number | string | boolean)[] = [];
  let failed = false;
  for (const { value, span } of items) {
    const before = ctx.diagnostics.length;
    const v = varyValue(ctx, target, value, span, uri, pathText);
    if (v === undefined) failed = true;
    else values.push(v);
    // A range's (or a named list's) values share its span: the first refused one stands for the rest.
    if (ctx.diagnostics.length > before && span === m.domain.span) break;
  }
  if (failed) return undefined;
  // The values' SI unit, for people reading them (a clock of 5e8 is shown as 500 MHz).
  const t = target.def.type;
  const unit = t.k === 'dim' && !dimEquals(t.dim, DIMENSIONLESS) ? siUnitOf(t.dim) : undefined;
  return {
    path: pathText,
    owner: target.owner.name,
    attribute: parts
      .slice(1)
      .map((p) => p.name)
      .join('.'),
    ...(unit ? { unit } : {}),
    values,
  };
}

/**
 * One value of a `vary`, checked as the attribute's value stated in its block would be (its type, then
 * the rules of the instance's values, reported at `span`), as the IR holds it; undefined if refused
 * by its type.
 */
function varyValue(
  ctx: CheckContext,
  target: VaryTarget,
  value: Value,
  span: Span,
  uri: string,
  pathText: string,
): number | string | boolean | undefined {
  const { def, clockHz, inst } = target;
  const v = coerce(ctx, value, def.type, span, uri, attributeWhat(def.name, inst.what), clockHz ? { clockHz } : {});
  if (v.t !== 'num' && v.t !== 'str' && v.t !== 'bool' && v.t !== 'word') {
    if (v.t !== 'error')
      ctx.report(
        diag(
          'wrongType',
          uri,
          span,
          `a value of '${pathText}'`,
          'one number, word, string or true/false per design',
          describeValue(v),
        ),
      );
    return undefined;
  }
  checkValues(ctx, withValue(inst, def.name, v, { uri, span }));
  return v.t === 'word' ? v.name : v.v;
}

/**
 * What a `vary` path names: its device or architecture, the instance whose attribute it is (the
 * device, the architecture or a component), the attribute, the clock that turns cycles into s.
 */
interface VaryTarget {
  owner: PimSymbol;
  inst: Instance;
  def: AttrDef;
  clockHz: number | undefined;
}

/** The path's owner (a device or an architecture), the component it walks to, and that class's attribute. */
function resolveVaryPath(
  ctx: CheckContext,
  m: VaryStmt,
  uri: string,
  pathText: string,
  architectures: Map<string, IrArchitecture>,
  devices: Map<string, IrDevice>,
): VaryTarget | undefined {
  const parts = m.path.path;
  const owner = ctx.symbols.get(parts[0]!.name);
  if (!owner) {
    const names = [...ctx.symbolsOfKind('architecture'), ...ctx.symbolsOfKind('device')].map((s) => s.name);
    ctx.report(diag('unknownName', uri, parts[0]!.span, parts[0]!.name, didYouMean(parts[0]!.name, names)));
    return undefined;
  }
  ctx.reference(uri, parts[0]!.span, owner);
  if (parts.length < 2) {
    ctx.report(diag('unknownVaryPath', uri, m.path.span, pathText, 'name an attribute, e.g. device.bits_per_cell'));
    return undefined;
  }
  const attrName = parts[parts.length - 1]!;
  let cls: ClassDef | undefined;
  let clockHz: number | undefined;
  let instancePath = owner.name;
  if (owner.kind === 'device' && devices.has(owner.name)) {
    if (parts.length !== 2) {
      ctx.report(diag('unknownVaryPath', uri, m.path.span, pathText, 'a device has attributes, not components'));
      return undefined;
    }
    cls = ctx.classes.declaration.get('device');
  } else if (owner.kind === 'architecture' && architectures.has(owner.name)) {
    const arch = architectures.get(owner.name)!;
    // Below a partition with a clock of its own, cycles count that clock.
    clockHz = arch.partitions.find((p) => p.name === parts[1]!.name && parts.length > 2)?.clock_hz ?? arch.clock_hz;
    const node = walkComponents(ctx, uri, owner, arch.root, parts.slice(1, -1));
    if (!node) return undefined;
    cls = ctx.classes.component.get(node.kind);
    instancePath = node.path;
  } else {
    ctx.report(
      diag(
        'unknownVaryPath',
        uri,
        parts[0]!.span,
        pathText,
        `'${owner.name}' is ${withArticle(owner.kind)}; vary an architecture or a device`,
      ),
    );
    return undefined;
  }
  const def = cls?.attrs.get(attrName.name);
  if (!cls || !def) {
    ctx.report(
      diag(
        'unknownAttribute',
        uri,
        attrName.span,
        attrName.name,
        cls?.name ?? '?',
        cls ? didYouMean(attrName.name, cls.attrs.keys()) : undefined,
      ),
    );
    return undefined;
  }
  const inst = ctx.instances.get(instancePath);
  // Every device and component the IR holds was instantiated (elaborate, devices).
  if (!inst) throw new Error(`no instance at '${instancePath}' for 'vary ${pathText}'`);
  return { owner, inst, def, clockHz };
}

/**
 * Where below `node` a component named `name` sits, relative to it (`dense.wt`: a tile inside a
 * partition, which a path must name), the nearest first; undefined when none is.
 */
function nestedPath(node: IrComponent, name: string): string | undefined {
  const queue = [...node.children];
  for (let c = queue.shift(); c; c = queue.shift()) {
    if (c.name === name) return c.path.slice(node.path.length + 1);
    queue.push(...c.children);
  }
  return undefined;
}

/** The component the path's middle segments name below an architecture's root (reported where one is missing). */
function walkComponents(
  ctx: CheckContext,
  uri: string,
  owner: PimSymbol,
  root: IrComponent,
  segments: readonly Ident[],
): IrComponent | undefined {
  let node = root;
  for (const seg of segments) {
    const next: IrComponent | undefined = node.children.find((c) => c.name === seg.name);
    if (!next) {
      ctx.report(
        diag(
          'unknownMember',
          uri,
          seg.span,
          seg.name,
          node.path,
          didYouMean(
            seg.name,
            node.children.map((c) => c.name),
          ) ?? nestedPath(node, seg.name),
        ),
      );
      return undefined;
    }
    // Each component on the path is a use of its declaration (rename follows it into the path).
    const declared = ctx.componentSymbol(owner.name, next.path.slice(owner.name.length + 1));
    if (declared) ctx.reference(uri, seg.span, declared);
    node = next;
  }
  return node;
}

/** The values of a `vary` domain, each with where it is written (a range's: the range). */
interface DomainValue {
  value: Value;
  span: Span;
}

/** The values of a `vary` domain: a list as written or each whole number of a range (else reported, undefined). */
function enumerateDomain(ctx: CheckContext, m: VaryStmt, uri: string, pathText: string): DomainValue[] | undefined {
  const dom = evaluate(m.domain, new ConstScope(ctx, uri));
  const items: DomainValue[] = [];
  if (dom.t === 'list') {
    // A list written in place: each value at its item; a named constant's: at the name.
    const written = m.domain.type === 'List' && m.domain.items.length === dom.items.length ? m.domain.items : undefined;
    dom.items.forEach((value, i) => items.push({ value, span: written?.[i]!.span ?? m.domain.span }));
  } else if (dom.t === 'range') {
    if (!Number.isInteger(dom.lo) || !Number.isInteger(dom.hi)) {
      ctx.report(
        diag('badRange', uri, m.domain.span, 'a range of non-whole numbers cannot be enumerated; list the values'),
      );
      return undefined;
    }
    if (dom.hi - dom.lo + 1 > MAX_VALUES) {
      ctx.report(diag('badRange', uri, m.domain.span, `more than ${MAX_VALUES} values`));
      return undefined;
    }
    for (let v = dom.lo; v <= dom.hi; v++) items.push({ value: { t: 'num', v, dim: dom.dim }, span: m.domain.span });
  } else if (dom.t !== 'error') {
    ctx.report(
      diag(
        'wrongType',
        uri,
        m.domain.span,
        'the domain of a vary',
        'a list [a, b, …] or a range lo .. hi',
        'something else',
      ),
    );
    return undefined;
  } else return undefined;
  if (items.length === 0) {
    ctx.report(diag('emptyDomain', uri, m.domain.span, pathText));
    return undefined;
  }
  return items;
}

/**
 * NSGA-II breeds up to 20 × population children a generation looking for new designs, and MES draws
 * `samples` functions over its pool (512 designs) each step: `population: 1e8` spun 2·10^9 tries on a
 * space of 3 designs without ending, `samples: 1e8` grew past 1.5 GB. A draw needs at least one sample.
 */
function checkMethodSizes(ctx: CheckContext, mi: Instance): void {
  requireEach(ctx, mi, ['population'], (v) => v <= MOST_POPULATION, `at most ${MOST_POPULATION}`);
  requireEach(ctx, mi, ['samples'], (v) => v >= 1 && v <= MOST_SAMPLES, `from 1 to ${MOST_SAMPLES}`);
}

/** The largest NSGA-II population: a vary holds at most 10,000 values (PIM3009), and so a generation as many designs. */
const MOST_POPULATION = 10_000;
/** The most functions MES samples a step: 1,000 draws over a 512-design pool are half a million numbers. */
const MOST_SAMPLES = 1_000;
