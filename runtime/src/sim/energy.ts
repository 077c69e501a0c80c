// Energy per image: the layers' energies by component kind, the NoC, the off-chip links, and the idle
// power of mapped tiles and GPUs while they wait within the pipeline period.
import type { Resolved } from './resolve.js';
import type { SimReport } from './types.js';
import type { LayerWalk } from './walk.js';

export interface ImageEnergy {
  /** Joules by component kind (only kinds with energy). */
  components: Map<string, number>;
  compute: number;
  buffer: number;
  noc: number;
  io: number;
  idle: number;
  total: number;
}

function idleEnergy(r: Resolved, walk: LayerWalk, period: number, idleFraction: number): number {
  let idle = 0;
  for (const b of walk.busy) {
    // Rounding leaves ~1e-23 J on a tile busy the whole period: below 1e-9 of its time, it is not idle.
    const free = b.tiles * period - b.busy_tile_s;
    if (b.tile && free > 1e-9 * b.tiles * period) idle += free * b.tile.power * idleFraction;
    // b.tiles counts the crossbars' share of tiles (layers may share a tile).
  }
  for (const [name, t] of walk.gpuBusy) {
    const g = r.gpus.get(name)!;
    idle += Math.max(0, period - t) * g.power_w * g.count * idleFraction;
  }
  return idle;
}

export function imageEnergy(r: Resolved, walk: LayerWalk, nocEnergy: number, ioEnergy: number, period: number, idleFraction: number): ImageEnergy {
  const components = new Map<string, number>();
  const addKind = (k: string, j: number): void => {
    if (j > 0) components.set(k, (components.get(k) ?? 0) + j);
  };
  let compute = 0;
  let buffer = 0;
  for (const l of walk.layers) {
    const e = l.energy_by_kind;
    for (const k in e) addKind(k, e[k]!);
    compute += l.energy_j;
    buffer += l.energy_by_kind['edram'] ?? 0;
  }
  compute -= buffer;
  addKind('noc', nocEnergy);
  addKind('link', ioEnergy);
  const idle = idleEnergy(r, walk, period, idleFraction);
  addKind('idle', idle);
  return { components, compute, buffer, noc: nocEnergy, io: ioEnergy, idle, total: compute + buffer + nocEnergy + ioEnergy + idle };
}

/** The report's component list: kinds by energy, largest first, with their share of the image's energy. */
export function componentShares(e: ImageEnergy): SimReport['components'] {
  return [...e.components.entries()].map(([kind, j]) => ({ kind, energy_j: j, share: e.total > 0 ? j / e.total : 0 })).sort((a, b) => b.energy_j - a.energy_j);
}
