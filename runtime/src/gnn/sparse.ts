// The sparse partition's cost when the adjacency's non-zero b×b blocks each take one b×b crossbar: the
// trade-off between wasted cells (large b) and peripheral overhead per cell (small b).
// Per-crossbar figures scale from the tile that holds the adjacency (its R×C crossbar, ADC, DACs):
//   array area/power ∝ b² (cells); DAC and S&H ∝ b (one per row / column);
//   ADC count per crossbar as in the tile, its resolution the tile's plus the change in bits an exact
//   column sum needs (⌈log2(b·(2^c−1)·(2^d−1)+1)⌉), area and power ∝ 2^bits (SAR capacitor array, Walden);
//   IMA-level digital (shift-and-add, registers) per crossbar as in the tile.
import type { TileModel } from '../sim/arch.js';
import type { BlockCount } from './blocks.js';

export interface BlockCostRow {
  block: number;
  nonzero_blocks: number;
  nonzero_blocks_rcm: number;
  /** Blocks if zero blocks were stored too: ⌈n/b⌉². */
  dense_blocks: number;
  crossbars: number;
  crossbars_rcm: number;
  /** Non-zeros / allocated cells. */
  utilization: number;
  utilization_rcm: number;
  adc_bits: number;
  /** One crossbar of this size with its peripherals. */
  crossbar_area_m2: number;
  crossbar_power_w: number;
  array_area_m2: number;
  peripheral_area_m2: number;
  /** Whole sparse partition (natural order, skipping zero blocks). */
  area_m2: number;
  power_w: number;
  area_rcm_m2: number;
  power_rcm_w: number;
  /** Peripheral area / array area for one crossbar. */
  peripheral_to_array: number;
}

function exactBits(rows: number, cellBits: number, dacBits: number): number {
  return Math.ceil(Math.log2(rows * (2 ** cellBits - 1) * (2 ** dacBits - 1) + 1));
}

export interface CrossbarFigures {
  array_area_m2: number;
  array_power_w: number;
  peripheral_area_m2: number;
  peripheral_power_w: number;
  adc_bits: number;
}

/** One b×b crossbar with its share of peripherals, scaled from the tile's R×C design. */
export function crossbarFigures(t: TileModel, b: number): CrossbarFigures {
  const R = t.rows;
  const C = t.cols;
  const xb = t.tt.crossbar!;
  const adc = t.tt.adc;
  const cellScale = (b * b) / (R * C);
  const adcBits = Math.max(1, t.adcBits + exactBits(b, t.cellBits, t.dacBits) - exactBits(R, t.cellBits, t.dacBits));
  const adcScale = 2 ** (adcBits - t.adcBits);
  const perXbar = 1 / Math.max(1, t.tt.crossbars_per_unit);
  const periphArea =
    (adc ? adc.area_m2 * t.adcsPerCrossbar * adcScale : 0) +
    t.dacArea * (t.dacsPerCrossbar / R) * b +
    t.shArea * (t.shPerCrossbar / C) * b +
    t.unitOtherArea * perXbar;
  const periphPower =
    (adc ? adc.power_w * t.adcsPerCrossbar * adcScale : 0) +
    t.dacPower * (t.dacsPerCrossbar / R) * b +
    t.shPower * (t.shPerCrossbar / C) * b +
    t.unitOtherPower * perXbar;
  return {
    array_area_m2: xb.area_m2 * cellScale,
    array_power_w: xb.power_w * cellScale,
    peripheral_area_m2: periphArea,
    peripheral_power_w: periphPower,
    adc_bits: adcBits,
  };
}

export function blockCostRow(t: TileModel, natural: BlockCount, rcm: BlockCount): BlockCostRow {
  const b = natural.block;
  const f = crossbarFigures(t, b);
  const area = f.array_area_m2 + f.peripheral_area_m2;
  const power = f.array_power_w + f.peripheral_power_w;
  return {
    block: b,
    nonzero_blocks: natural.nonzero_blocks,
    nonzero_blocks_rcm: rcm.nonzero_blocks,
    dense_blocks: natural.grid * natural.grid,
    crossbars: natural.nonzero_blocks,
    crossbars_rcm: rcm.nonzero_blocks,
    utilization: natural.nnz / (natural.nonzero_blocks * b * b),
    utilization_rcm: rcm.nnz / (rcm.nonzero_blocks * b * b),
    adc_bits: f.adc_bits,
    crossbar_area_m2: area,
    crossbar_power_w: power,
    array_area_m2: f.array_area_m2 * natural.nonzero_blocks,
    peripheral_area_m2: f.peripheral_area_m2 * natural.nonzero_blocks,
    area_m2: area * natural.nonzero_blocks,
    power_w: power * natural.nonzero_blocks,
    area_rcm_m2: area * rcm.nonzero_blocks,
    power_rcm_w: power * rcm.nonzero_blocks,
    peripheral_to_array: f.peripheral_area_m2 / f.array_area_m2,
  };
}
