// Where the tiles and GPU cores sit on the routers: the order of the units and how they fill the
// routers, chip after chip and tier after tier, or each partition on its tier of a one-chip stack.
// One rule for the runtime's placement (runtime/src/noc/place.ts: the NoC's routing and the thermal
// floorplan) and the compiler's check that a stated die holds the units on it (PIM4202,
// compiler/src/passes/thermal.ts), so that the two count the same units on each die.
import type { IrArchitecture, IrNoc } from './types.js';

/**
 * The tiers of a 3D stack (0 … tiers − 1, bottom first) a partition's units sit on: every place it has in
 * the NoC's `tiers` list (`tiers: [dense, dense, gpu]` spreads `dense` over the first two), else its own
 * `tier`; held to the stack.
 */
export function partitionTiers(p: { name: string; tier: number }, tiers: readonly string[], stack: number): number[] {
  const hold = (t: number) => Math.min(stack - 1, Math.max(0, t));
  const listed = [...new Set(tiers.flatMap((name, i) => (name === p.name ? [hold(i)] : [])))];
  return listed.length ? listed : [hold(p.tier)];
}

/** Units of one tile type or GPU: `count` of them from the `first` (0 unless a partition's tiers split the type). */
export interface UnitRun {
  kind: 'tile' | 'gpu';
  name: string;
  count: number;
  area_m2: number;
  first: number;
}

/**
 * A partition's runs dealt over its tiers in order, as evenly as whole units allow (the first tiers take
 * one more when they do not divide): a type may be split between two tiers.
 */
function spreadOverTiers(runs: readonly UnitRun[], tiers: number): UnitRun[][] {
  const total = runs.reduce((s, u) => s + u.count, 0);
  const out: UnitRun[][] = Array.from({ length: tiers }, () => []);
  /** Units tier t of the partition's takes: the first tiers one more when the units do not divide. */
  const share = (t: number): number => Math.floor(total / tiers) + (t < total % tiers ? 1 : 0);
  let tier = 0;
  let room = share(0);
  for (const u of runs) {
    if (u.count === 0) out[tier]!.push(u);
    let first = u.first;
    let left = u.count;
    while (left > 0) {
      while (room === 0 && tier < tiers - 1) {
        room = share(++tier);
      }
      const n = tier === tiers - 1 ? left : Math.min(left, room);
      out[tier]!.push({ ...u, first, count: n });
      first += n;
      left -= n;
      room -= n;
    }
  }
  return out;
}

/** Tiles and GPU cores of the architecture, all chips': the endpoints a NoC connects. */
export function unitCount(arch: IrArchitecture): number {
  // The compiler's totals (all chips'), summed once when it elaborated the architecture.
  return arch.totals.tiles + arch.totals.gpus;
}

/** Routers of one chip of a NoC other than a bus, [x, y, z] (z = 1 unless a 3D stack). */
export function nocRouters(noc: IrNoc): [number, number, number] {
  const d = noc.dims;
  return [d[0] ?? 1, d[1] ?? 1, noc.topology === 'mesh3d' ? (d[2] ?? 1) : 1];
}

/** The routers units are placed on. */
export interface RouterGrid {
  /** Routers of one chip, [x, y, tiers]. */
  dims: readonly [number, number, number];
  chips: number;
  /** Units a router holds at least: a concentrated mesh's stated concentration, else 1. */
  concentration: number;
  /** Each partition on its tier (a stack of one chip); otherwise chip after chip, tier after tier. */
  byTier: boolean;
}

/** `useTiers`: put each partition on its tier when the routers are a stack of one chip. */
export function routerGrid(
  arch: IrArchitecture,
  dims: readonly [number, number, number],
  chips: number,
  useTiers: boolean,
): RouterGrid {
  const concentration = arch.noc?.topology === 'cmesh' ? (arch.noc.concentration ?? 1) : 1;
  return { dims, chips, concentration, byTier: useTiers && chips === 1 && dims[2] > 1 };
}

/**
 * The routers of the thermal floorplan: the NoC's, chip after chip; with no NoC, or a bus (whose one
 * link has no sites), a square mesh per chip, ⌈√(units / chips)⌉ a side.
 */
export function floorplanGrid(arch: IrArchitecture): RouterGrid {
  const chips = Math.max(1, arch.chips ?? 1);
  const noc = arch.noc;
  if (noc && noc.topology !== 'bus') return routerGrid(arch, nocRouters(noc), chips, true);
  const side = Math.max(1, Math.ceil(Math.sqrt(unitCount(arch) / chips)));
  return routerGrid(arch, [side, side, 1], chips, true);
}

/** Units that fill routers together: all of them, or one tier's of a stack placed by tier. */
export interface RouterFill {
  /** The tier the units sit on when placed by tier; otherwise they run chip after chip, tier after tier. */
  tier?: number;
  runs: UnitRun[];
  /** Units on each router along the path: unit k sits on router ⌊k / perRouter⌋ (routerOfUnit). */
  perRouter: number;
  /** Routers along the path: one tier of one chip, or every tier of every chip. */
  routers: number;
}

/**
 * The units in the order they fill the routers: partitions in declaration order (each its tiles, then
 * its GPUs), then the tile types and GPUs no partition lists (they still need a router). Placed by tier,
 * one fill per tier: each partition's on its tier, the unlisted ones on the first. A router holds the
 * concentration, more when the units do not fit.
 */
export function fillRouters(arch: IrArchitecture, grid: RouterGrid): RouterFill[] {
  const [X, Y, Z] = grid.dims;
  const groups: UnitRun[][] = Array.from({ length: grid.byTier ? Z : 1 }, () => []);
  const run = (kind: UnitRun['kind'], u: { name: string; count: number; area_m2: number }): UnitRun => ({
    kind,
    name: u.name,
    count: u.count,
    area_m2: u.area_m2,
    first: 0,
  });
  const tiers = arch.noc?.tiers ?? [];
  for (const p of arch.partitions) {
    const runs: UnitRun[] = [];
    for (const t of p.tiles) {
      const tt = arch.tile_types.find((x) => x.name === t);
      if (tt) runs.push(run('tile', tt));
    }
    for (const g of p.gpus) {
      const gpu = arch.gpus.find((x) => x.name === g);
      if (gpu) runs.push(run('gpu', gpu));
    }
    if (!grid.byTier) groups[0]!.push(...runs);
    else {
      const on = partitionTiers(p, tiers, Z);
      spreadOverTiers(runs, on.length).forEach((part, i) => groups[on[i]!]!.push(...part));
    }
  }
  for (const tt of arch.tile_types)
    if (!arch.partitions.some((p) => p.tiles.includes(tt.name))) groups[0]!.push(run('tile', tt));
  for (const g of arch.gpus) if (!arch.partitions.some((p) => p.gpus.includes(g.name))) groups[0]!.push(run('gpu', g));
  const routers = grid.byTier ? X * Y : X * Y * Z * grid.chips;
  return groups.map((runs, z) => {
    const units = runs.reduce((s, u) => s + u.count, 0);
    const perRouter = Math.max(grid.concentration, Math.ceil(units / Math.max(1, routers)));
    return { ...(grid.byTier ? { tier: z } : {}), runs, perRouter, routers };
  });
}

/** The router (its place along the fill's path, routerSite) of the fill's k-th unit. */
export const routerOfUnit = (fill: RouterFill, k: number): number => Math.floor(k / fill.perRouter);

/**
 * Where the fill's r-th router is: its chip, tier and place along that tier's path. Placed by tier, the
 * path is the fill's tier of the one chip; otherwise it runs chip after chip, tier after tier.
 */
export function routerSite(grid: RouterGrid, fill: RouterFill, r: number): { chip: number; tier: number; at: number } {
  const perTier = grid.dims[0] * grid.dims[1];
  if (fill.tier !== undefined) return { chip: 0, tier: fill.tier, at: r };
  const tier = Math.floor(r / perTier);
  return { chip: Math.floor(tier / grid.dims[2]), tier: tier % grid.dims[2], at: r % perTier };
}

/** The units on one die: one tier of one chip. */
export interface ChipDie {
  /** Units per tile type or GPU, in the architecture's order (tile types, then GPUs); those absent are left out. */
  units: Omit<UnitRun, 'first'>[];
  area_m2: number;
}

/**
 * The units the floorplan puts on each die of every chip, [chip][tier] (one chip when placed by tier):
 * each fill's units on the routers routerOfUnit and routerSite give them. The chips are not alike — the
 * fill leaves the first chips full and the last part-full, and partitions of different units on
 * different chips — while a stated die is one size for all: the fullest die of any chip must fit
 * (PIM4202), and the runtime's floorplan sizes every die to it.
 */
export function chipDies(arch: IrArchitecture, grid: RouterGrid = floorplanGrid(arch)): ChipDie[][] {
  const Z = grid.dims[2];
  // Die chip·Z + tier: units per `kind:name`.
  const counts = Array.from({ length: grid.chips * Z }, () => new Map<string, number>());
  for (const fill of fillRouters(arch, grid)) {
    let k = 0;
    for (const u of fill.runs) {
      const key = `${u.kind}:${u.name}`;
      const end = k + u.count;
      // A router at a time: its units, up to the next router's first.
      for (let at = k; at < end;) {
        const r = routerOfUnit(fill, at);
        const s = routerSite(grid, fill, r);
        const n = Math.min(end, (r + 1) * fill.perRouter) - at;
        const c = counts[s.chip * Z + s.tier]!;
        c.set(key, (c.get(key) ?? 0) + n);
        at += n;
      }
      k = end;
    }
  }
  const dies = counts.map((c) => {
    const units: ChipDie['units'] = [];
    let area = 0;
    const add = (kind: UnitRun['kind'], u: { name: string; area_m2: number }) => {
      const count = c.get(`${kind}:${u.name}`) ?? 0;
      if (count > 0) units.push({ kind, name: u.name, count, area_m2: u.area_m2 });
      area += count * u.area_m2;
    };
    for (const t of arch.tile_types) add('tile', t);
    for (const g of arch.gpus) add('gpu', g);
    return { units, area_m2: area };
  });
  return Array.from({ length: grid.chips }, (_, chip) => dies.slice(chip * Z, (chip + 1) * Z));
}
