// Chip peak: every crossbar at full weight precision doing 2 ops per MAC each MVM interval, plus the GPUs.
import { inputCycles, type IrArchitecture } from '@pim/ir';
import { crossbarPeakOps, stepTime, type TileModel } from './arch.js';
import type { SimReport } from './types.js';

export function chipPeak(
  arch: IrArchitecture,
  tiles: Map<string, TileModel>,
  weightBits: number,
  inputBits: number,
): { tileTypes: SimReport['chip']['tile_types']; peakXbar: number; peakGpu: number } {
  let peakXbar = 0;
  const tileTypes: SimReport['chip']['tile_types'] = [];
  for (const t of tiles.values()) {
    const perXbar = t.reram ? crossbarPeakOps(t, weightBits, inputBits) : 0;
    const peak = perXbar * t.tt.crossbars_per_tile * t.tt.count;
    peakXbar += peak;
    tileTypes.push({
      name: t.tt.name,
      partition: t.tt.partition,
      count: t.tt.count,
      crossbars_per_tile: t.tt.crossbars_per_tile,
      rows: t.rows,
      cols: t.cols,
      adcs_per_crossbar: t.adcsPerCrossbar,
      mvm_s: t.reram ? inputCycles(inputBits, t.dacBits) * stepTime(t, t.cols) : 0,
      peak_ops_per_s: peak,
      power_w: t.tt.power_w,
      area_m2: t.tt.area_m2,
    });
  }
  return { tileTypes, peakXbar, peakGpu: arch.gpus.reduce((s, g) => s + g.peak_flops * g.count, 0) };
}
