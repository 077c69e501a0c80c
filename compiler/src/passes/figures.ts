// Figures a component's parts share with it: a stated power or area on a component with parts replaces
// theirs consistently (their figures, energies and leakage are scaled so they add up to it, and a warning
// says when they disagreed by more than a margin), and its static (leakage) power rolls up like power.
import { diag, didYouMean, type Block } from '@pim/grammar';
import { DEFAULT_LEAKAGE_FRACTION, type IrComponent } from '@pim/ir';
import type { CheckContext } from '../semantics/context.js';
import { asNumber, type Instance } from '../semantics/instance.js';

/** Stated and derived figures further apart than this (relative to the derived one) get a warning. */
const STATED_MARGIN = 0.1;

function sumChildren(ir: IrComponent, key: 'power_w' | 'area_m2'): number {
  let s = 0;
  for (const c of ir.children) s += c.count * c[key];
  return s;
}

function scaleSubtree(ir: IrComponent, key: 'power' | 'area', k: number): void {
  for (const c of ir.children) {
    if (key === 'power') {
      c.power_w *= k;
      c.own_power_w *= k;
      if (c.static_power_w !== undefined) c.static_power_w *= k;
      // At the same rates, energy per operation scales with power.
      if (c.energy_j !== undefined) c.energy_j *= k;
    } else {
      c.area_m2 *= k;
      c.own_area_m2 *= k;
    }
    scaleSubtree(c, key, k);
  }
}

const fmtFigure = (v: number, unit: string): string => `${Number(v.toPrecision(4))} ${unit}`;

/**
 * A figure stated on a component with parts: its parts are scaled to it (the component keeps no figure of
 * its own, so breakdowns by kind add up to the total) and, beyond the margin, a warning names both.
 */
export function reconcileStated(
  ctx: CheckContext,
  inst: Instance | undefined,
  ir: IrComponent,
  block: Block,
  uri: string,
): void {
  for (const key of ['power', 'area'] as const) {
    const field = key === 'power' ? 'power_w' : 'area_m2';
    const source = key === 'power' ? ir.power_source : ir.area_source;
    if (source !== 'stated') continue;
    const derived = sumChildren(ir, field);
    if (!(derived > 0)) continue;
    const stated = ir[field] * ir.shared_by;
    const off = Math.abs(stated - derived) / derived;
    if (off > STATED_MARGIN) {
      const unit = key === 'power' ? 'W' : 'm²';
      const span = inst?.statedAttr(key)?.value.span ?? block.kind.span;
      ctx.report(
        diag(
          'statedVsDerived',
          uri,
          span,
          `'${ir.path}'`,
          key,
          fmtFigure(stated, unit),
          fmtFigure(derived, unit),
          `${(100 * off).toFixed(0)}%`,
        ),
      );
    }
    scaleSubtree(ir, key, stated / derived);
    if (key === 'power') ir.own_power_w = 0;
    else ir.own_area_m2 = 0;
  }
}

/**
 * Kinds whose power does not follow the chip's clock: analog parts (arrays, sample-and-holds, DACs),
 * parts with a rate of their own (ADCs, off-chip links, GPU cores) and the passive ones (TSVs, the NoC
 * and thermal descriptions). Every other part is clocked digital logic (buffers, registers, routers,
 * buses, shift-and-add, activation and pooling units), whose dynamic power is proportional to the
 * clock at a fixed energy per cycle (P = αCV²f).
 */
const UNCLOCKED_KINDS = ['crossbar', 'sample_hold', 'dac', 'adc', 'link', 'gpu', 'tsv', 'noc', 'thermal'];

/** Whether a component kind's dynamic power follows the clock (UNCLOCKED_KINDS). */
export function clockedPower(ctx: CheckContext, kind: string): boolean {
  return !UNCLOCKED_KINDS.some((k) => ctx.isA('component', kind, k));
}

/**
 * The clock a component's own default power holds at, for the program's clock to scale it from: a
 * clocked part (clockedPower) whose `power` is not stated and that has no `throughput` of its own (it
 * runs at that rate whatever the clock), when that default is the library's (the prelude's, which holds
 * at `figures_clock`: ISAAC's table at its 1.2 GHz) or the user gives `figures_clock` (the block, or a
 * class of their own, states it). Undefined when its power holds at the program's clock.
 */
export function defaultPowerClock(ctx: CheckContext, inst: Instance | undefined, kind: string): number | undefined {
  if (!inst || inst.isStated('power') || inst.get('throughput') !== undefined || !clockedPower(ctx, kind))
    return undefined;
  const power = inst.cls.attrs.get('power');
  const clock = inst.cls.attrs.get('figures_clock');
  if (!power?.default || !clock) return undefined;
  const library = (owner: string): boolean => ctx.classes.component.get(owner)?.builtin === true;
  if (!library(power.owner) && !inst.isStated('figures_clock') && library(clock.owner)) return undefined;
  const hz = asNumber(inst.get('figures_clock'));
  // Not above 0 or not finite: reported by checkValues, and not used.
  return hz !== undefined && hz > 0 && Number.isFinite(hz) ? hz : undefined;
}

/** What scaleOwnDynamic reads and writes of a component. */
type PowerFigures = Pick<IrComponent, 'own_power_w' | 'power_w' | 'static_power_w' | 'shared_by' | 'children'>;

/**
 * Scales a component's own dynamic power by `k` and keeps its leakage, P = P_static + (P − P_static)·k
 * (its own static share: its leakage less its parts', at most its own power), and rolls its power up
 * again from its parts' (all that happens at k = 1).
 */
export function scaleOwnDynamic(ir: PowerFigures, k: number): void {
  let parts = 0;
  let partsStatic = 0;
  for (const c of ir.children) {
    parts += c.count * c.power_w;
    partsStatic += c.count * (c.static_power_w ?? 0);
  }
  if (k !== 1) {
    const ownStatic = Math.min(ir.own_power_w, Math.max(0, (ir.static_power_w ?? 0) - partsStatic / ir.shared_by));
    ir.own_power_w = ownStatic + (ir.own_power_w - ownStatic) * k;
  }
  ir.power_w = ir.own_power_w + parts / ir.shared_by;
}

/** What scaleToDesignClock reads of an elaborated component. */
interface ClockedNode {
  ir: IrComponent;
  children: ClockedNode[];
  clockHz: number;
  sourceClockHz: number;
}

/**
 * A program's powers are what its parts draw at the program's clocks (the library's defaults were
 * brought to them from `figures_clock` as each part was elaborated: defaultPowerClock). A design point
 * that runs a part at another clock (an override of `clock`) scales its dynamic power by new / stated
 * clock and keeps its leakage: P = P_static + (P − P_static) · f / f₀, so its energy per operation stays
 * and its power follows the clock. Applied to the elaborated tree, whose stated figures were reconciled
 * at the program's clocks, part by part, and the figures rolled up again; a unit with a `throughput` of
 * its own runs at that rate whatever the clock, and keeps its power. Whether anything changed; nothing
 * does without an override.
 */
export function scaleToDesignClock(node: ClockedNode, clocked: (kind: string) => boolean): boolean {
  let changed = false;
  for (const c of node.children) changed = scaleToDesignClock(c, clocked) || changed;
  const ir = node.ir;
  const k = node.clockHz / node.sourceClockHz;
  const own = k !== 1 && clocked(ir.kind) && ir.attributes['throughput'] === undefined;
  if (!own && !changed) return false;
  scaleOwnDynamic(ir, own ? k : 1);
  return true;
}

/**
 * Static power of one copy (after `shared_by`): stated leakage, else a tenth of its own power plus its
 * parts' (taken before a library default's power is brought to the program's clock, so it is a tenth
 * of the default at `figures_clock`).
 */
export function staticPower(
  inst: Instance | undefined,
  ir: Pick<IrComponent, 'shared_by' | 'own_power_w' | 'children'>,
): number {
  const stated = inst?.isStated('leakage') ? asNumber(inst.get('leakage')) : undefined;
  if (stated !== undefined) return stated / ir.shared_by;
  let parts = 0;
  for (const c of ir.children) parts += c.count * (c.static_power_w ?? 0);
  return DEFAULT_LEAKAGE_FRACTION * ir.own_power_w + parts / ir.shared_by;
}

/** Each kind a unit's `executes` names must be a layer kind. */
export function checkExecutes(
  ctx: CheckContext,
  inst: Instance | undefined,
  block: Block,
  label: string,
  uri: string,
  layerKinds: readonly string[],
): void {
  const v = inst?.get('executes');
  if (v?.t !== 'list') return;
  // Stated on the block: each kind's own span; from the class: the block's kind.
  const attr = inst?.statedAttr('executes');
  v.items.forEach((it, i) => {
    const span = !attr
      ? block.kind.span
      : attr.value.type === 'List'
        ? (attr.value.items[i]?.span ?? attr.value.span)
        : attr.value.span;
    const kind = it.t === 'word' ? it.name : undefined;
    if (kind === undefined || !layerKinds.includes(kind))
      ctx.report(
        diag('unknownExecutedKind', uri, span, label, kind ?? '?', kind ? didYouMean(kind, layerKinds) : undefined),
      );
  });
}

/** What to write instead of an unknown component kind: a class makes a new level or unit. */
export function newKindFix(kind: string): string {
  return `A new level or unit is a class: 'class ${kind} extends tile {}' (or ima, component) before '${kind}[n] { … }'; or name a block of a known kind: 'ima ${kind}[n] { … }'`;
}
