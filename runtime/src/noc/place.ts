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

/** `useTiers`: put each partition on its declared tier (3D, one chip); otherwise fill chip after chip, tier after tier. */
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
      const nodes = new Int32Array(u.count);
      for (let i = 0; i < u.count; i++, k++) nodes[i] = node(routerOfUnit(fill, k));
      (u.kind === 'tile' ? tileNodes : gpuNodes).set(u.name, nodes);
    }
  }
  return { tileNodes, gpuNodes, ioNode: ioNodeOf(mesh, 0), concentration };
}
