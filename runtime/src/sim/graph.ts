// The graph of a GNN model (Planetoid file or seeded synthetic) and its adjacency analysis under the
// mapping's policies: block plans per gcn layer, the block-size sweep, DropLayer traffic.
import { statSync } from 'node:fs';
import { loadPlanetoid, planetoidDir, planetoidFiles, syntheticDegree, syntheticGraph } from '../data/planetoid.js';
import { analyzeGraph, BLOCK_SIZES, type GnnReport, type GraphLike } from '../gnn/index.js';
import type { TileModel } from './arch.js';
import { SimError } from './errors.js';
import type { Resolved } from './resolve.js';

const graphCache = new Map<string, { stamp: string; graph: GraphLike }>();

/** Evaluation loops simulate the same GNN many times: parse a Planetoid folder once per file version. */
function cachedPlanetoid(dir: string): GraphLike {
  let stamp = '';
  try {
    stamp = Object.values(planetoidFiles(dir))
      .map((f) => `${statSync(f).mtimeMs}:${statSync(f).size}`)
      .join('/');
  } catch {
    return loadPlanetoid(dir); // let the loader report the missing file
  }
  const hit = graphCache.get(dir);
  if (hit && hit.stamp === stamp) return hit.graph;
  const graph = loadPlanetoid(dir);
  graphCache.set(dir, { stamp, graph });
  return graph;
}

export interface GraphOptions {
  dataRoot?: string;
  graph?: GraphLike;
  blockSizes?: number[];
  detail: boolean;
}

/** The model's graph: the given one, the Planetoid folder (relative to `dataRoot`), or a seeded synthetic graph. */
export function loadGraph(r: Resolved, opts: GraphOptions): GraphLike | undefined {
  if (opts.graph) return opts.graph;
  const input = r.model.input;
  if (input.kind !== 'graph') return undefined;
  const ds = r.ir.datasets.find((d) => d.name === input.dataset);
  if (ds?.source === 'planetoid') {
    return cachedPlanetoid(planetoidDir(ds, opts.dataRoot));
  }
  const seed = typeof ds?.attributes['seed'] === 'number' ? (ds.attributes['seed'] as number) : 1;
  const degree = typeof ds?.attributes['degree'] === 'number' ? (ds.attributes['degree'] as number) : undefined;
  const avgDegree = syntheticDegree(input.nodes, input.edges, degree);
  return syntheticGraph({ nodes: input.nodes, features: input.features, classes: input.classes, avgDegree, seed });
}

/** Null when the model has no graph or no reram tile to anchor the sweep on. */
export function analyzeMappedGraph(r: Resolved, tiles: Map<string, TileModel>, opts: GraphOptions): GnnReport | null {
  const { model, mapping, ir } = r;
  const g = loadGraph(r, opts);
  if (!g) return null;
  const declared = model.input.kind === 'graph' ? model.input.nodes : g.nodes;
  if (g.nodes !== declared)
    throw new SimError(
      `models[${model.name}].input`,
      `declares ${declared} nodes but the graph '${g.name ?? ''}' has ${g.nodes}`,
    );
  const policies = [...r.adjacency.values()].map((policy) => {
    const layer = model.layers.find((l) => l.name === policy.layer)!;
    return { policy, tile: tiles.get(policy.target)!, featuresOut: layer.weights?.cols ?? layer.output_shape[1] ?? 1 };
  });
  const sweepTile = policies[0]?.tile ?? [...tiles.values()].find((t) => t.reram);
  if (!sweepTile) return null;
  const drop = ir.experiments.find((e) => e.mapping === mapping.name && e.droplayer);
  return analyzeGraph(g, {
    sizes: opts.detail ? (opts.blockSizes ?? BLOCK_SIZES) : [],
    sweepTile,
    policies,
    valueBits: mapping.input_bits,
    ...(drop?.droplayer
      ? {
          droplayer: {
            experiment: drop.name,
            dropout: drop.droplayer.dropout,
            dropedge: drop.droplayer.dropedge,
            seed: drop.seed,
          },
        }
      : {}),
  });
}
