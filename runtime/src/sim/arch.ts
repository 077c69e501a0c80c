// Per-tile-type figures the timing and energy models need, derived once per architecture from the
// flattened tile types and, for the peripherals the flattened IR does not list (DAC, sample-and-hold,
// shift-and-add, registers, bus, digital units), from the component tree.
import {
  DEFAULT_LEAKAGE_FRACTION,
  tileAdcGroups,
  findByPath,
  findKind,
  inputCycles,
  parentOf,
  tileClockHz,
  weightSlices,
  type AdcGroup,
  type IrArchitecture,
  type IrComponent,
  type IrTileType,
} from '@pim/ir';
import { SimError } from './errors.js';

/** Kinds whose energy the crossbar model counts per event; every other kind is power × busy time. */
export const EVENT_KINDS = new Set([
  'crossbar',
  'adc',
  'dac',
  'sample_hold',
  'edram',
  'sram',
  'router',
  'link',
  'ima',
  'tile',
  'architecture',
  'gpu',
]);
/** Digital units that execute non-crossbar layers inside a tile. */
export const DIGITAL_UNIT_FOR: Record<string, string> = {
  maxpool: 'maxpool',
  avgpool: 'maxpool',
  relu: 'sigmoid',
  sigmoid: 'sigmoid',
  tanh: 'sigmoid',
  softmax: 'sigmoid',
  batchnorm: 'shift_add',
  add: 'shift_add',
  readout: 'shift_add',
};

export interface PowerShare {
  kind: string;
  /** Power of all copies of this kind at this level, per unit (IMA) or per tile. */
  power_w: number;
  area_m2: number;
  count: number;
}

export interface TileModel {
  tt: IrTileType;
  /** The clock the tile runs at: its partition's own, else the architecture's (`tileClockHz`). */
  clock: number;
  reram: boolean;
  rows: number;
  cols: number;
  cellBits: number;
  dacBits: number;
  /** ADCs serving one crossbar on average (fractional when crossbars share an ADC): area and power. */
  adcsPerCrossbar: number;
  /** How one IMA's crossbars share its ADCs, in whole groups (`adcGroups`): timing. */
  adcGroups: AdcGroup[];
  /** Crossbars per ADC of the slowest group (size / ADCs): what a step at full columns waits for. */
  adcLoad: number;
  adcRate: number;
  adcBits: number;
  adcEnergy: number;
  tRead: number;
  /** Energy of one full-array read. */
  xbarReadEnergy: number;
  dacPower: number;
  dacArea: number;
  shPower: number;
  shArea: number;
  /** Sample-and-hold circuits per crossbar (one per column in ISAAC). */
  shPerCrossbar: number;
  dacsPerCrossbar: number;
  /** IMA-level power besides crossbars/ADC/DAC/S&H (shift-add, registers), by kind, per IMA. */
  unitOther: PowerShare[];
  unitOtherPower: number;
  unitOtherArea: number;
  /** Tile-level power outside the IMAs besides buffer and router (bus, registers, S&A), by kind, per tile. */
  tileOther: PowerShare[];
  tileOtherPower: number;
  /** Digital units (maxpool, sigmoid, shift_add) per tile: count and power of one. */
  digital: Map<string, { count: number; power_w: number }>;
  bufferEnergyPerBit: number;
  bufferBandwidth: number;
  routerPower: number;
  /** Power of the whole tile. */
  power: number;
  /** Static (leakage) power of the whole tile: what it draws while idle. */
  staticPower: number;
  /** Units that declare what they execute (`executes:`), per tile. */
  executors: Executor[];
}

/** A unit that declares the layer kinds it executes, its rate and its energy per operation. */
export interface Executor {
  /** The unit's component kind (a user class such as `vector_unit`) and its name. */
  kind: string;
  name: string;
  executes: string[];
  /** Copies per tile. */
  count: number;
  /** Operations (elements) per second of one copy. */
  throughput: number;
  energyPerOp: number;
}

/** Units below `c` (counts multiplied down) whose `executes` lists layer kinds. */
function executorsIn(c: IrComponent, mult: number, clockHz: number, out: Executor[]): Executor[] {
  const ex = c.attributes['executes'];
  if (Array.isArray(ex) && ex.length > 0) {
    const throughput = num(c.attributes['throughput'], clockHz);
    const perOp = c.attributes['energy_per_op'];
    out.push({
      kind: c.kind,
      name: c.name,
      executes: ex.filter((k): k is string => typeof k === 'string'),
      count: mult,
      throughput,
      energyPerOp: typeof perOp === 'number' ? perOp : c.power_w / throughput,
    });
  }
  for (const ch of c.children) executorsIn(ch, mult * ch.count, clockHz, out);
  return out;
}

/** Sums own power by kind over a subtree (counts multiplied down), skipping `skip`. */
function powerByKind(c: IrComponent, mult: number, skip: IrComponent | undefined, out: Map<string, PowerShare>): void {
  if (c === skip) return;
  if (c.own_power_w > 0 || c.own_area_m2 > 0) {
    const e = out.get(c.kind) ?? { kind: c.kind, power_w: 0, area_m2: 0, count: 0 };
    e.power_w += c.own_power_w * mult;
    e.area_m2 += c.own_area_m2 * mult;
    e.count += mult;
    out.set(c.kind, e);
  }
  for (const ch of c.children) powerByKind(ch, mult * ch.count, skip, out);
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function tileModel(arch: IrArchitecture, tt: IrTileType, warnings: string[]): TileModel {
  const where = `architectures[${arch.name}].tile_types[${tt.name}]`;
  const tile = findByPath(arch.root, tt.path);
  if (!tile) warnings.push(`${where}: no component at path '${tt.path}'; DAC, S&H and digital units taken as 0 W`);
  const xb = tt.crossbar;
  const reram = xb !== undefined && tt.crossbars_per_tile > 0;
  const clock = tileClockHz(arch, tt);
  // The unit (IMA) is the crossbar's parent when it sits below the tile.
  const xbNode = tile ? findKind(tile, 'crossbar') : undefined;
  const unitNode = tile && xbNode ? parentOf(tile, xbNode) : undefined;
  const unit = unitNode && unitNode !== tile ? unitNode : undefined;
  const unitKinds = new Map<string, PowerShare>();
  if (unit) powerByKind(unit, 1, undefined, unitKinds);
  else if (tile) {
    // Crossbars directly in the tile: their peripherals are tile-level nodes.
    for (const ch of tile.children)
      if (['crossbar', 'adc', 'dac', 'sample_hold'].includes(ch.kind)) powerByKind(ch, ch.count, undefined, unitKinds);
  }
  const tileKinds = new Map<string, PowerShare>();
  if (tile) {
    for (const ch of tile.children) {
      if (ch === unit || (!unit && ['crossbar', 'adc', 'dac', 'sample_hold'].includes(ch.kind))) continue;
      powerByKind(ch, ch.count, unit, tileKinds);
    }
  }
  const perUnit = (kind: string): PowerShare | undefined => unitKinds.get(kind);
  const dac = perUnit('dac');
  const sh = perUnit('sample_hold');
  const xbPerUnit = Math.max(1, tt.crossbars_per_unit);
  // Units that execute layers are charged per operation, not for the crossbars' busy time.
  const executors = tile ? executorsIn(tile, 1, clock, []) : [];
  const executing = new Set(executors.map((e) => e.kind));
  const unitOther = [...unitKinds.values()].filter((k) => !EVENT_KINDS.has(k.kind) && !executing.has(k.kind));
  const digital = new Map<string, { count: number; power_w: number }>();
  for (const k of tileKinds.values())
    if (['maxpool', 'sigmoid', 'shift_add'].includes(k.kind))
      digital.set(k.kind, { count: k.count, power_w: k.power_w / k.count });
  const tileOther = [...tileKinds.values()].filter(
    (k) => !EVENT_KINDS.has(k.kind) && k.kind !== 'maxpool' && k.kind !== 'sigmoid' && !executing.has(k.kind),
  );
  const bufNode = tile ? (findKind(tile, 'edram') ?? findKind(tile, 'sram')) : undefined;
  const accessBits = num(bufNode?.attributes['bus_width'], 256);
  const bufferBandwidth = tt.buffer_bandwidth_bps > 0 ? tt.buffer_bandwidth_bps : accessBits * clock;
  // An access moves one bus word; without a stated access energy, the buffer's power for one word's time.
  const bufferEnergyPerBit =
    tt.buffer_access_energy_j > 0
      ? tt.buffer_access_energy_j / accessBits
      : bufNode
        ? bufNode.power_w / bufferBandwidth
        : 0;
  const adc = tt.adc;
  if (reram) {
    if (!(xb!.rows > 0 && xb!.cols > 0))
      throw new SimError(`${where}.crossbar`, `rows and cols must be positive (got ${xb!.rows}×${xb!.cols})`);
    if (!adc || !(adc.rate_hz > 0) || !(tt.adcs_per_unit > 0))
      throw new SimError(
        `${where}`,
        "its crossbars have no ADC with a positive rate to read their columns, so their MVMs cannot be timed: give the tile's compute unit an 'adc' (a training without one converts losslessly)",
      );
    if (!(xb!.read_latency_s >= 0)) throw new SimError(`${where}.crossbar.read_latency_s`, 'must be ≥ 0');
    if (!(tt.dac_bits >= 1)) throw new SimError(`${where}.dac_bits`, `must be ≥ 1 (got ${tt.dac_bits})`);
  }
  const router = tileKinds.get('router');
  const groups = tileAdcGroups(tt);
  return {
    tt,
    clock,
    reram,
    rows: xb?.rows ?? 0,
    cols: xb?.cols ?? 0,
    cellBits: xb?.bits_per_cell ?? 1,
    dacBits: Math.max(1, tt.dac_bits),
    adcsPerCrossbar: tt.adcs_per_unit / xbPerUnit,
    adcGroups: groups,
    adcLoad: Math.max(...groups.map((g) => g.size / g.adcs)),
    adcRate: adc?.rate_hz ?? 0,
    adcBits: adc?.resolution_bits ?? 0,
    adcEnergy: adc ? (adc.energy_per_conversion_j > 0 ? adc.energy_per_conversion_j : adc.power_w / adc.rate_hz) : 0,
    tRead: xb?.read_latency_s ?? 0,
    xbarReadEnergy: xb ? (xb.read_energy_j > 0 ? xb.read_energy_j : xb.power_w * xb.read_latency_s) : 0,
    dacPower: dac ? dac.power_w / dac.count : 0,
    dacArea: dac ? dac.area_m2 / dac.count : 0,
    dacsPerCrossbar: tt.dacs_per_unit / xbPerUnit,
    shPower: sh ? sh.power_w / sh.count : 0,
    shArea: sh ? sh.area_m2 / sh.count : 0,
    shPerCrossbar: sh ? sh.count / xbPerUnit : 0,
    unitOther,
    unitOtherPower: unitOther.reduce((s, k) => s + k.power_w, 0),
    unitOtherArea: unitOther.reduce((s, k) => s + k.area_m2, 0),
    tileOther,
    tileOtherPower: tileOther.reduce((s, k) => s + k.power_w, 0),
    digital,
    bufferEnergyPerBit,
    bufferBandwidth,
    routerPower: router?.power_w ?? 0,
    power: tt.power_w,
    staticPower: tt.static_power_w ?? tile?.static_power_w ?? DEFAULT_LEAKAGE_FRACTION * tt.power_w,
    executors,
  };
}

/**
 * Time of one crossbar step (one input bit-slice) with `colsUsed` columns on every crossbar: the array
 * read, or the slowest ADC group converting them if longer.
 */
export function stepTime(t: TileModel, colsUsed: number): number {
  return Math.max(t.tRead, (colsUsed * t.adcLoad) / t.adcRate);
}

/**
 * Peak ops/s of one crossbar holding full-width weights: rows × cols/S MACs × 2 per MVM time. A weight's
 * S slices take adjacent columns and span crossbars when a row has fewer than S (the mapping's column
 * tiles, mvm.ts), so every column counts: ⌊cols/S⌋ would give 0 when cols < S.
 */
export function crossbarPeakOps(t: TileModel, weightBits: number, inputBits: number): number {
  const slices = weightSlices(weightBits, t.cellBits);
  const cycles = inputCycles(inputBits, t.dacBits);
  const tMvm = cycles * stepTime(t, t.cols);
  return (2 * t.rows * t.cols) / slices / tMvm;
}
