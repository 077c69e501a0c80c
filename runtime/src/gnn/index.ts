// GNN sparse-partition analysis: Â's block structure per block size, with and without RCM, the
// area/power sweep, each gcn layer's adjacency plan under its mapping policy, and DropLayer traffic.
import { tileMatrix, tilesFor, type IrAdjacencyPolicy } from '@pim/ir';
import type { TileModel } from '../sim/arch.js';
import { type GraphLike } from './adjacency.js';
import { countBlocks, type BlockCount } from './blocks.js';
import { blockCostRow, type BlockCostRow } from './sparse.js';
import { bandwidth, inversePermutation, reverseCuthillMcKee } from './rcm.js';
import { dropLayerTraffic, patternWithSelfLoops, type DropLayerTraffic } from './droplayer.js';

export * from './adjacency.js';
export * from './blocks.js';
export * from './rcm.js';
export * from './sparse.js';
export * from './droplayer.js';

export const BLOCK_SIZES = [4, 8, 16, 32, 64, 128];

export interface AdjacencyPlan {
  layer: string;
  target: string;
  block: number;
  reorder: 'none' | 'rcm';
  skip_zero_blocks: boolean;
  /** Blocks stored: the non-zero ones, or all ⌈n/b⌉² when zero blocks are not skipped. */
  blocks: number;
  /** A+I is binary: one 1-bit slice per entry; the D^-½ scalings are applied digitally to inputs and outputs. */
  crossbars_per_block: number;
  crossbars: number;
  tiles: number;
  utilization: number;
  /** Σ rows needed over stored blocks: X rows sent to the adjacency tiles per feature column. */
  rows_needed: number;
  features_out: number;
}

export interface GnnReport {
  graph: {
    name: string;
    nodes: number;
    edges: number;
    nnz: number;
    density: number;
    bandwidth: number;
    bandwidth_rcm: number;
  };
  blocks: { block: number; grid: number; nonzero_blocks: number; nonzero_blocks_rcm: number }[];
  sweep_tile: string;
  sweep: BlockCostRow[];
  layers: AdjacencyPlan[];
  droplayer: (DropLayerTraffic & {
    layer: string;
    experiment: string;
    /** The V→E flow on the declared NoC, as mapped and with DropLayer's bits (energy ∝ bits; latency: hops + hottest link). */
    noc?: { energy_j: number; energy_dropped_j: number; latency_s: number; latency_dropped_s: number };
  })[];
}

export interface GraphAnalysisOptions {
  sizes?: number[];
  sweepTile: TileModel;
  policies: { policy: IrAdjacencyPolicy; tile: TileModel; featuresOut: number }[];
  droplayer?: { experiment: string; dropout: number; dropedge: number; seed: number };
  valueBits: number;
}

interface GraphStructure {
  pat: { rowPtr: Int32Array; cols: Int32Array };
  pos: Int32Array;
  counts: Map<string, BlockCount>;
  drops: Map<string, DropLayerTraffic>;
  bandwidth: number;
  bandwidthRcm: number;
}

// The graph's block structure does not depend on the hardware: evaluation loops reuse it per graph object.
const structures = new WeakMap<GraphLike, GraphStructure>();

function structureOf(g: GraphLike): GraphStructure {
  let s = structures.get(g);
  if (!s) {
    const pat = patternWithSelfLoops(g);
    const pos = inversePermutation(reverseCuthillMcKee(g.nodes, pat.rowPtr, pat.cols));
    s = {
      pat,
      pos,
      counts: new Map(),
      drops: new Map(),
      bandwidth: bandwidth(g.nodes, pat.rowPtr, pat.cols),
      bandwidthRcm: bandwidth(g.nodes, pat.rowPtr, pat.cols, pos),
    };
    structures.set(g, s);
  }
  return s;
}

export function analyzeGraph(g: GraphLike, opts: GraphAnalysisOptions): GnnReport {
  const st = structureOf(g);
  const { pat, pos } = st;
  const n = g.nodes;
  const cache = st.counts;
  const count = (b: number, rcm: boolean): BlockCount => {
    const key = `${b}/${rcm}`;
    let c = cache.get(key);
    if (!c) cache.set(key, (c = countBlocks(n, pat.rowPtr, pat.cols, b, rcm ? pos : undefined)));
    return c;
  };
  const sizes = opts.sizes ?? BLOCK_SIZES;
  const blocks = sizes.map((b) => {
    const a = count(b, false);
    return {
      block: b,
      grid: a.grid,
      nonzero_blocks: a.nonzero_blocks,
      nonzero_blocks_rcm: count(b, true).nonzero_blocks,
    };
  });
  const sweep = sizes.map((b) => blockCostRow(opts.sweepTile, count(b, false), count(b, true)));
  const layers: AdjacencyPlan[] = opts.policies.map(({ policy, tile, featuresOut }) => {
    const b = policy.block;
    const c = count(b, policy.reorder === 'rcm');
    const perBlock = tileMatrix(b, b, 1, tile.rows, tile.cols).crossbars;
    const stored = policy.skip_zero_blocks ? c.nonzero_blocks : c.grid * c.grid;
    const crossbars = stored * perBlock;
    return {
      layer: policy.layer,
      target: policy.target,
      block: b,
      reorder: policy.reorder,
      skip_zero_blocks: policy.skip_zero_blocks,
      blocks: stored,
      crossbars_per_block: perBlock,
      crossbars,
      tiles: tilesFor(crossbars, tile.tt.crossbars_per_tile),
      utilization: c.nnz / (crossbars * tile.rows * tile.cols),
      // Zero blocks, when stored, still get their b input rows.
      rows_needed: c.rows_needed + (policy.skip_zero_blocks ? 0 : (c.grid * c.grid - c.nonzero_blocks) * b),
      features_out: featuresOut,
    };
  });
  const droplayer: GnnReport['droplayer'] = [];
  if (opts.droplayer) {
    for (const { policy, featuresOut } of opts.policies) {
      const dl = opts.droplayer;
      const key = [policy.block, featuresOut, opts.valueBits, dl.dropout, dl.dropedge, dl.seed, policy.reorder].join(
        '/',
      );
      let d = st.drops.get(key);
      if (!d) {
        d = dropLayerTraffic(g, {
          block: policy.block,
          features: featuresOut,
          valueBits: opts.valueBits,
          dropout: dl.dropout,
          dropedge: dl.dropedge,
          seed: dl.seed,
          ...(policy.reorder === 'rcm' ? { pos } : {}),
        });
        st.drops.set(key, d);
      }
      droplayer.push({ ...d, layer: policy.layer, experiment: opts.droplayer.experiment });
    }
  }
  return {
    graph: {
      name: g.name ?? 'graph',
      nodes: n,
      edges: g.edges.length / 2,
      nnz: pat.rowPtr[n]!,
      density: pat.rowPtr[n]! / (n * n),
      bandwidth: st.bandwidth,
      bandwidth_rcm: st.bandwidthRcm,
    },
    blocks,
    sweep_tile: opts.sweepTile.tt.name,
    sweep,
    layers,
    droplayer,
  };
}
