// The rules a device's, an architecture's or a component's own values obey beyond their types (a clock
// above 0, a crossbar of at least one row): one place for each, run on the values stated in a block,
// on a design point's overrides (both given where Instance.givenAt says), and by the exploration pass
// on each `vary` value (withValue), so a design point is refused for what a stated value would be.
import { diag } from '@pim/grammar';
import type { CheckContext } from '../semantics/context.js';
import {
  asNumber,
  attributeWhat,
  placeOf,
  requireAtLeast,
  requireEach,
  requirePositive,
  type Instance,
} from '../semantics/instance.js';
import { selectedTechnology } from '../semantics/technologies.js';
import { formatNumber } from '../semantics/values.js';

/** Component attributes that figures are divided by (the prelude's formulas and the simulator's). */
const DIVISORS = [
  'bus_width',
  'clock',
  'flit',
  'ports',
  'rate',
  'frequency',
  'bandwidth',
  'banks',
  'peak',
  'memory_bandwidth',
  'link_bandwidth',
  'figures_clock',
] as const;

/** A thermal block's figures: temperatures in kelvin, sizes and conductivities that heat flows through. */
const THERMAL_POSITIVE = [
  'ambient',
  'die_width',
  'die_height',
  'tier_thickness',
  'tier_conductivity',
  'bond_thickness',
  'bond_conductivity',
  'tim_thickness',
  'tim_conductivity',
  'spreader_side',
  'spreader_thickness',
  'spreader_conductivity',
  'sink_base_side',
  'sink_base_thickness',
  'sink_conductivity',
  'convection',
] as const;

/** Thermal grid cells per side: 2 at least; 256 keeps a 10-layer stack under ~700k unknowns. */
export const GRID_MAX = 256;

const BITS = ['weight_bits', 'input_bits'] as const;

/**
 * Reports the given values of a device, an architecture, a component or an experiment's `faults` that
 * their rules refuse.
 */
export function checkValues(ctx: CheckContext, inst: Instance): void {
  const kind = inst.cls.name;
  if (inst.cls.namespace === 'declaration') {
    if (kind === 'device') checkDeviceValues(ctx, inst);
    else if (kind === 'faults') checkFaultRates(ctx, inst);
  } else if (ctx.isA('component', kind, 'architecture')) checkArchitectureValues(ctx, inst);
  else checkComponentValues(ctx, inst, kind);
}

function checkDeviceValues(ctx: CheckContext, inst: Instance): void {
  requireEach(ctx, inst, ['bits_per_cell'], (v) => v >= 1 && v <= 8, 'from 1 to 8');
  // A cell that survives no write could not be programmed (the runtime read 0 as unlimited).
  requireAtLeast(ctx, inst, ['endurance'], 1);
  checkTechnologyBits(ctx, inst);
  const rOn = asNumber(inst.get('r_on')) ?? 0;
  const rOff = asNumber(inst.get('r_off')) ?? 0;
  if (rOn > 0 && rOff > 0 && rOn >= rOff)
    reportAgainst(ctx, inst, ['r_on', 'r_off'], `${formatNumber(rOn)} Ω`, `below r_off (${formatNumber(rOff)} Ω)`);
  checkFaultRates(ctx, inst);
}

/** More bits per cell than the device's technology stores (given ones: a default is the technology's): a warning. */
function checkTechnologyBits(ctx: CheckContext, inst: Instance): void {
  const bits = asNumber(inst.get('bits_per_cell'));
  const { name, figures } = selectedTechnology(inst.get('technology'));
  const max = figures.max_bits_per_cell;
  // Above 8 is out of range (PIM3010).
  const at =
    bits !== undefined && max !== undefined && bits > max && bits <= 8 ? inst.givenAt('bits_per_cell') : undefined;
  if (at) ctx.report(diag('bitsAboveTechnology', at.uri, at.span, inst.what, String(bits), name, String(max)));
}

/** Stuck-at fault rates (a device's, an experiment's `faults`): together they cannot exceed every cell. */
function checkFaultRates(ctx: CheckContext, inst: Instance): void {
  const total = (asNumber(inst.get('stuck_at_zero')) ?? 0) + (asNumber(inst.get('stuck_at_one')) ?? 0);
  const at = total > 1 ? placeOf(inst, ['stuck_at_zero', 'stuck_at_one']) : undefined;
  if (at) ctx.report(diag('faultRate', at.uri, at.span, `${(total * 100).toFixed(3)}%`));
}

function checkArchitectureValues(ctx: CheckContext, inst: Instance): void {
  requireAtLeast(ctx, inst, BITS, 1, 'at least 1 bit');
  // Below 1 bit was reported above.
  requireEach(ctx, inst, BITS, (v) => v < 1 || Number.isInteger(v), 'a whole number of bits');
  requireAtLeast(ctx, inst, ['chips'], 1);
  requirePositive(ctx, inst, ['clock']);
}

function checkComponentValues(ctx: CheckContext, inst: Instance, kind: string): void {
  requirePositive(ctx, inst, DIVISORS);
  checkLeakage(ctx, inst);
  requireAtLeast(ctx, inst, ['shared_by'], 1);
  if (ctx.isA('component', kind, 'crossbar')) requireAtLeast(ctx, inst, ['rows', 'cols'], 1);
  // A 0-bit ADC has no code to convert to.
  if (ctx.isA('component', kind, 'adc')) requireAtLeast(ctx, inst, ['resolution'], 1, 'at least 1 bit');
  if (ctx.isA('component', kind, 'thermal')) {
    requirePositive(ctx, inst, THERMAL_POSITIVE);
    requireAtLeast(ctx, inst, ['grid'], 2);
    requireEach(ctx, inst, ['grid'], (v) => v <= GRID_MAX, `at most ${GRID_MAX} cells a side`);
  }
}

/**
 * Leakage is the static share of a copy's power (the prelude's `leakage`: drawn whether it works or not),
 * so above the power the chip's power total, which sums `power`, would understate its draw. Checked
 * where both are known here (a power rolled up from the parts is not).
 */
function checkLeakage(ctx: CheckContext, inst: Instance): void {
  const leakage = asNumber(inst.get('leakage'));
  const power = asNumber(inst.get('power'));
  if (leakage === undefined || power === undefined || leakage <= power) return;
  reportAgainst(
    ctx,
    inst,
    ['leakage', 'power'],
    `${formatNumber(leakage)} W`,
    `at most its power (${formatNumber(power)} W)`,
  );
}

/**
 * A rule relating two values of a block, broken: PIM3010 for the first key's value (`shown`), at the
 * first of the two that was given (else the block).
 */
function reportAgainst(ctx: CheckContext, inst: Instance, keys: [string, string], shown: string, bound: string): void {
  const at = placeOf(inst, keys);
  if (at) ctx.report(diag('outOfRange', at.uri, at.span, attributeWhat(keys[0], inst.what), shown, bound));
}
