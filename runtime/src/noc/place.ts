// Deterministic placement of tiles and GPUs on mesh routers, by @pim/ir's rule (placement.ts: the order
// of the units, several on a router when there are more units than routers, chip after chip and tier
// after tier or each partition on its tier of a stack), along a snake path of each tier so that
// consecutive units stay neighbours.
import { fillRouters, routerGrid, routerOfUnit, routerSite, type IrArchitecture } from '@pim/ir';
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

const unitsOf = (arch: IrArchitecture, kind: 'tile' | 'gpu', name: string): number =>
  (kind === 'tile' ? arch.tile_types : arch.gpus).find((u) => u.name === name)?.count ?? 0;

/** `useTiers`: put each partition on its declared tiers (3D, one chip); otherwise fill chip after chip, tier after tier. */
export function placeUnits(arch: IrArchitecture, mesh: Mesh, useTiers: boolean): UnitPlacement {
  const grid = routerGrid(arch, mesh.dims, mesh.chips, useTiers);
  const tileNodes = new Map<string, Int32Array>();
  const gpuNodes = new Map<string, Int32Array>();
  const concentration: number[] = [];
  const paths = new Map<number, number[]>();
  const pathOf = (chip: number, tier: number): number[] => {
    const key = chip * mesh.dims[2] + tier;
    let p = paths.get(key);
    if (!p) paths.set(key, (p = snakeOrder(mesh, tier, chip)));
    return p;
  };
  for (const fill of fillRouters(arch, grid)) {
    concentration.push(fill.perRouter);
    // Consecutive units share a router: look each router's node up once.
    let router = -1;
    let at = 0;
    const node = (r: number): number => {
      if (r !== router) {
        const s = routerSite(grid, fill, (router = r));
        at = pathOf(s.chip, s.tier)[s.at]!;
      }
      return at;
    };
    let k = 0;
    for (const u of fill.runs) {
      // A type split between tiers has a run on each: one array, filled from each run's first unit.
      const byName = u.kind === 'tile' ? tileNodes : gpuNodes;
      let nodes = byName.get(u.name);
      if (!nodes) byName.set(u.name, (nodes = new Int32Array(unitsOf(arch, u.kind, u.name))));
      for (let i = 0; i < u.count; i++, k++) nodes[u.first + i] = node(routerOfUnit(fill, k));
    }
  }
  return { tileNodes, gpuNodes, ioNode: ioNodeOf(mesh, 0), concentration };
}
