// Deterministic placement of tiles and GPUs on mesh routers: partitions in declaration order (or on their
// tier in a stacked mesh), tiles of a type consecutively along a snake path, several tiles per router
// when there are more tiles than routers (concentration).
import { partitionTier, type IrArchitecture } from '@pim/ir';
import { type Mesh, ioNodeOf, snakeOrder } from './mesh.js';

export interface UnitPlacement {
  /** Router of each tile, per tile type. */
  tileNodes: Map<string, Int32Array>;
  /** Router of each GPU core, per GPU name. */
  gpuNodes: Map<string, Int32Array>;
  /** Where off-chip links attach (inputs arrive, outputs leave). */
  ioNode: number;
  /** Tiles per router, per tier. */
  concentration: number[];
}

interface Unit {
  kind: 'tile' | 'gpu';
  name: string;
  count: number;
}

/** Tiles and GPU cores of the architecture: the endpoints a NoC connects. */
export function endpointCount(arch: IrArchitecture): number {
  return arch.tile_types.reduce((s, t) => s + t.count, 0) + arch.gpus.reduce((s, g) => s + g.count, 0);
}

/** `useTiers`: put each partition on its declared tier (3D, one chip); otherwise fill chip after chip, tier after tier. */
export function placeUnits(arch: IrArchitecture, mesh: Mesh, useTiers: boolean): UnitPlacement {
  const Z = mesh.dims[2];
  useTiers = useTiers && mesh.chips === 1;
  const groups: Unit[][] = Array.from({ length: Z }, () => []);
  const all: Unit[] = [];
  const tiers = arch.noc?.tiers ?? [];
  for (const p of arch.partitions) {
    const units: Unit[] = [];
    for (const t of p.tiles) {
      const tt = arch.tile_types.find((x) => x.name === t);
      if (tt) units.push({ kind: 'tile', name: tt.name, count: tt.count });
    }
    for (const g of p.gpus) {
      const gpu = arch.gpus.find((x) => x.name === g);
      if (gpu) units.push({ kind: 'gpu', name: gpu.name, count: gpu.count });
    }
    // Tile types or GPUs a partition does not list still need a router.
    if (useTiers && Z > 1) {
      groups[partitionTier(p, tiers, Z)]!.push(...units);
    } else all.push(...units);
  }
  for (const tt of arch.tile_types)
    if (!arch.partitions.some((p) => p.tiles.includes(tt.name)))
      (useTiers && Z > 1 ? groups[0]! : all).push({ kind: 'tile', name: tt.name, count: tt.count });
  for (const g of arch.gpus)
    if (!arch.partitions.some((p) => p.gpus.includes(g.name)))
      (useTiers && Z > 1 ? groups[0]! : all).push({ kind: 'gpu', name: g.name, count: g.count });

  const tileNodes = new Map<string, Int32Array>();
  const gpuNodes = new Map<string, Int32Array>();
  const concentration: number[] = [];
  const assign = (units: Unit[], order: number[]): void => {
    const total = units.reduce((s, u) => s + u.count, 0);
    // A concentrated mesh puts its stated number of tiles on each router (more only when they do not fit).
    const c = Math.max(mesh.topology === 'cmesh' ? (arch.noc?.concentration ?? 1) : 1, Math.ceil(total / order.length));
    concentration.push(c);
    let k = 0;
    for (const u of units) {
      const nodes = new Int32Array(u.count);
      for (let i = 0; i < u.count; i++, k++) nodes[i] = order[Math.floor(k / c)]!;
      (u.kind === 'tile' ? tileNodes : gpuNodes).set(u.name, nodes);
    }
  };
  if (useTiers && Z > 1) for (let z = 0; z < Z; z++) assign(groups[z]!, snakeOrder(mesh, z));
  else {
    // Chip after chip, tier after tier.
    const order: number[] = [];
    for (let c = 0; c < mesh.chips; c++) for (let z = 0; z < Z; z++) order.push(...snakeOrder(mesh, z, c));
    assign(all, order);
  }
  return { tileNodes, gpuNodes, ioNode: ioNodeOf(mesh, 0), concentration };
}
