// Energy per image: the layers' energies by component kind, the NoC, the off-chip links, and the static
// (leakage) power of mapped tiles and GPUs while they wait within the pipeline period.
import { DEFAULT_LEAKAGE_FRACTION, findByPath, tilesFor, type IrGpu } from '@pim/ir';
import type { TileModel } from './arch.js';
import type { Resolved } from './resolve.js';
import type { SimReport } from './types.js';
import type { BusyShare, LayerWalk } from './walk.js';

export interface ImageEnergy {
  /** Joules by component kind (only kinds with energy). */
  components: Map<string, number>;
  compute: number;
  buffer: number;
  noc: number;
  io: number;
  idle: number;
  /** The idle joules per host that `idle` sums (the thermal power map places them). */
  idleHosts: HostIdle[];
  /** Static power of the mapped tiles (whole tiles) and GPUs. */
  staticPower: number;
  total: number;
}

/** What a mapped tile draws while idle: its leakage, or `idleFraction` of its power when that is given. */
function tileIdlePower(t: TileModel, idleFraction: number | undefined): number {
  return idleFraction === undefined ? t.staticPower : t.power * idleFraction;
}

/** What one core of a GPU draws while idle: its component's leakage (stated or estimated), or `idleFraction` of its power. */
function gpuIdlePower(r: Resolved, g: IrGpu, idleFraction: number | undefined): number {
  return idleFraction === undefined
    ? (findByPath(r.arch.root, g.path)?.static_power_w ?? DEFAULT_LEAKAGE_FRACTION * g.power_w)
    : g.power_w * idleFraction;
}

/** Idle joules per image on one host (an index into the walk's hosts); `layer` names a crossbar layer's tiles. */
export interface HostIdle {
  host: number;
  layer?: string;
  joules: number;
}

/**
 * Per tile type, the share of its mapped tiles no layer's crossbars hold, and the last layer on it. Layers
 * take crossbars consecutively (walk.ts `take`), so only the last mapped tile is partly used: a tile
 * cannot be power-gated crossbar by crossbar, so the whole of it draws static power.
 */
function unusedTileShares(walk: LayerWalk): Map<string, { tiles: number; last: BusyShare }> {
  const out = new Map<string, { tiles: number; last: BusyShare }>();
  for (const b of walk.busy) {
    if (!b.tile) continue;
    const per = b.tile.tt.crossbars_per_tile || 1;
    const used = walk.cursor.get(b.tile.tt.name) ?? 0;
    out.set(b.tile.tt.name, { tiles: tilesFor(used, per) - used / per, last: b });
  }
  return out;
}

/**
 * Idle energy: a mapped tile (or GPU) draws its static (leakage) power whenever it is not busy within the
 * period; `idleFraction`, when given, replaces the leakage by that fraction of its power. Unmapped tiles
 * are taken as power-gated. Returns the joules per host (crossbar layers' tiles in walk order, then the
 * GPUs) and the static power of the mapped hardware.
 */
export function idleByHost(
  r: Resolved,
  walk: LayerWalk,
  period: number,
  idleFraction: number | undefined,
): { hosts: HostIdle[]; staticPower: number } {
  const hosts: HostIdle[] = [];
  let staticPower = 0;
  const unused = unusedTileShares(walk);
  for (const b of walk.busy) {
    if (!b.tile) continue;
    const p = tileIdlePower(b.tile, idleFraction);
    // b.tiles counts the crossbars' share of tiles (layers may share a tile); the last layer on a tile type
    // also holds the rest of its last tile, whose crossbars, router, eDRAM and bus leak all period.
    const rest = b === unused.get(b.tile.tt.name)?.last ? unused.get(b.tile.tt.name)!.tiles : 0;
    const tiles = b.tiles + rest;
    staticPower += tiles * p;
    // Rounding leaves ~1e-23 J on a tile busy the whole period: below 1e-9 of its time, it is not idle.
    const free = tiles * period - b.busy_tile_s;
    if (free > 1e-9 * tiles * period) hosts.push({ host: b.host, layer: b.layer, joules: free * p });
  }
  for (const [name, t] of walk.gpuBusy) {
    const g = r.gpus.get(name)!;
    const one = gpuIdlePower(r, g, idleFraction);
    staticPower += one * g.count;
    // any of the GPU's hosts: they all stand for its cores
    const host = walk.hosts.findIndex((h) => h.kind === 'gpu' && h.name === name);
    hosts.push({ host, joules: Math.max(0, period - t) * one * g.count });
  }
  return { hosts, staticPower };
}

export function imageEnergy(
  r: Resolved,
  walk: LayerWalk,
  nocEnergy: number,
  ioEnergy: number,
  period: number,
  idleFraction: number | undefined,
): ImageEnergy {
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
  const { hosts, staticPower } = idleByHost(r, walk, period, idleFraction);
  let idle = 0;
  for (const h of hosts) idle += h.joules;
  addKind('idle', idle);
  return {
    components,
    compute,
    buffer,
    noc: nocEnergy,
    io: ioEnergy,
    idle,
    idleHosts: hosts,
    staticPower,
    total: compute + buffer + nocEnergy + ioEnergy + idle,
  };
}

/** The report's component list: kinds by energy, largest first, with their share of the image's energy. */
export function componentShares(e: ImageEnergy): SimReport['components'] {
  return [...e.components.entries()]
    .map(([kind, j]) => ({ kind, energy_j: j, share: e.total > 0 ? j / e.total : 0 }))
    .sort((a, b) => b.energy_j - a.energy_j);
}
