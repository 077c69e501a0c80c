// Mapping pass: places every layer of an inferred model onto a tile type or GPU of an elaborated
// architecture by the mapping's `place` rules, bit-slices the weights onto crossbars, replicates, checks
// capacity, and records GNN adjacency policies for the runtime. Pure: inputs are already evaluated.
//
// Rules and matching
// - A pattern is a layer kind or a layer name with `*` wildcards (`conv`, `c*`, `*`), matched against the
//   whole kind and the whole (unrolled) name; `X.weights` matches only a weight layer's weights and
//   `X.adjacency` only a gcn layer's adjacency Â. A bare pattern matches both parts of a gcn layer.
// - For every layer (and, for gcn, separately for its adjacency) the FIRST rule, in source order, with a
//   pattern that matches wins; later rules do not override it.
// - `on` names a tile type, a GPU, or a partition of the architecture — looked up in that order. A
//   partition resolves to the member that suits the layer: its first tile type with crossbars for a
//   weight layer, its first GPU for batchnorm, else its first tile type, else its first GPU.
//
// Engines
// - Weight layers (conv, linear, gcn) on a tile with crossbars run as 'crossbar', on a GPU as 'gpu'.
// - batchnorm needs division and square roots: only a GPU will do (PIM4006 on a tile). Unmatched, it goes
//   to the architecture's first GPU; with no GPU it is unplaced (PIM4003).
// - Other layers (activations, pooling, flatten, dropout, softmax, add, readout) unmatched by any rule run
//   where the preceding weight layer runs (the next one when none precedes): 'digital' on its tile
//   (the tile's digital units: sigmoid, maxpool, shift-add …), or 'gpu' when that layer is on a GPU.
//
// Crossbar arithmetic (per layer with weights K×N on crossbars of rows×cols and c-bit cells; the formulas
// live in @pim/ir's geometry.ts, which the simulator and the trainer use too)
//   slices S = ⌈weight_bits / c⌉ (⌈(weight_bits − 1) / c⌉, two columns each, when differential); row_tiles = ⌈K / rows⌉; col_tiles = ⌈N·S / cols⌉;
//   crossbars (one copy) = row_tiles · col_tiles; crossbars_total = crossbars · replication;
//   tiles = ⌈crossbars_total / crossbars_per_tile⌉ (as if the layer had whole tiles to itself);
//   utilization = K·N·S / (crossbars · rows · cols).
// Capacity is per tile type: count · crossbars_per_tile, shared by all layers placed on it. One copy of
// each layer is allotted in layer order; a layer whose copy does not fit in what is left is PIM4002 (and
// takes nothing, so later layers are judged on their own). Replication then spends what is left.
//
// Replication
// - 'none': 1. A number r: every fitting crossbar layer gets up to r copies, in layer order, as far as its
//   tile type has room (PIM4011 when fewer).
// - 'balanced': layers run as a pipeline across samples; a stage's time is ⌈mvms / replication⌉ rounds of
//   MVMs per sample (the copies working in parallel) times one MVM's time on its tile type with that many
//   copies (@pim/ir mvmTiming, as the simulator takes it: an ADC-bound or slower tile's rounds weigh more,
//   and copies that share a busy ADC slow each MVM). The pipeline's period is its slowest stage's time;
//   balanced replication finds the least period any replication that fits gives and gives every stage
//   the fewest copies that bring it there, so no copy is made that would not raise the throughput. A
//   period is reachable when those copies, summed over each tile type's stages, fit it; more copies of a
//   stage never help another, so the least one is found by halving (`balance`), and a stage's fewest
//   copies by one search over the runs of copy counts with one MVM time (mvmTimeSteps): the cost is the
//   steps of the MVM times, not the MVMs. Until 2026-12-06 a greedy gave the slowest stage the copies that
//   brought it level with the next slowest, one stage at a time: level stages went down a round each in
//   turn (a lone stage of 2^40 MVMs stopped after a million steps at a tenth of its copies), and a stage
//   level with one that could get no faster still got a copy. The eDRAM's streaming time, which the
//   simulator also bounds a stage by, is not weighed.
//
// Adjacency (gcn): the rule that places `gcn.adjacency` (or a bare pattern) gives the target and the
// options { block, skip_zero_blocks, reorder }; block defaults to the target crossbar's rows, then false,
// none. A gcn whose adjacency no rule matches gets the default policy on its weights' tile. Adjacency
// matched by a bare pattern onto a GPU gets no policy (it aggregates on the GPU with the weights); an
// explicit `X.adjacency` on a target without crossbars is PIM4009. How many crossbars Â takes depends on
// the graph's non-zeros, so the runtime computes it from the policy.
import { diag, didYouMean, type Diagnostic, type RelatedInfo, type Span } from '@pim/grammar';
import {
  cellUtilization,
  tileMatrix,
  tileAdcGroups,
  tilesFor,
  mvmTimeSteps,
  weightColumns,
  type AdcGroup,
  type MvmStep,
  type Engine,
  type WeightEncoding,
  type IrAdjacencyPolicy,
  type IrArchitecture,
  type IrGpu,
  type IrLayer,
  type IrMapping,
  type IrModel,
  type IrPlacement,
  type IrTileType,
} from '@pim/ir';
import type { LayerAttr, LayerOrigin } from './models.js';

export interface PlaceRuleSpec {
  targets: string[];
  on: string;
  options: Record<string, LayerAttr>;
  span: Span;
  targetSpans: Span[];
  onSpan: Span;
  /** Optional span of each option value. */
  optionSpans?: Record<string, Span>;
  uri: string;
}

export interface MappingSpec {
  name: string;
  uri: string;
  span: Span;
  /** Optional span of the mapping's name (where unplaced-layer errors point); else `span`. */
  nameSpan?: Span;
  /** Optional span of `replicate:` (where PIM4011 points); else the mapping's name. */
  replicateSpan?: Span;
  model: IrModel;
  architecture: IrArchitecture;
  bitsPerCell: (tile: IrTileType) => number;
  weight_bits: number;
  input_bits: number;
  replicate: 'none' | 'balanced' | number;
  /** Stated weight encoding (offset when absent): differential takes two columns per slice. */
  encoding?: WeightEncoding;
  rules: PlaceRuleSpec[];
  /** Optional: where each layer was declared (from inferModelDetailed), added as related locations. */
  layerOrigins?: Record<string, LayerOrigin>;
}

export const PLACE_PARTS = ['weights', 'adjacency'] as const;
export type PlacePart = (typeof PLACE_PARTS)[number];

export const PLACE_OPTIONS: Record<string, { doc: string; type: 'count' | 'bool' | 'enum'; choices?: string[] }> = {
  block: { doc: 'adjacency block size b (b×b blocks of Â); defaults to the target crossbar’s rows', type: 'count' },
  skip_zero_blocks: { doc: 'store only the blocks of Â that hold a non-zero', type: 'bool' },
  reorder: {
    doc: 'node reordering before blocking: none or rcm (reverse Cuthill–McKee)',
    type: 'enum',
    choices: ['none', 'rcm'],
  },
};

/** A parsed place pattern: `c*` or `gcn.adjacency`. */
export interface PlacePattern {
  glob: string;
  part?: PlacePart;
  regex: RegExp;
}

export function parsePlacePattern(text: string): PlacePattern | { error: string } {
  const dot = text.indexOf('.');
  const glob = dot < 0 ? text : text.slice(0, dot);
  const part = dot < 0 ? undefined : text.slice(dot + 1);
  if (part !== undefined && !(PLACE_PARTS as readonly string[]).includes(part)) return { error: part };
  const source = glob
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return { glob, ...(part ? { part: part as PlacePart } : {}), regex: new RegExp(`^${source}$`) };
}

/** Does the pattern match this slot of the layer ('weights' is the layer itself for every kind)? */
export function patternMatches(p: PlacePattern, layer: IrLayer, slot: PlacePart): boolean {
  if (p.part === 'weights' && (slot !== 'weights' || layer.weights === undefined)) return false;
  if (p.part === 'adjacency' && slot !== 'adjacency') return false;
  if (slot === 'adjacency' && layer.kind !== 'gcn') return false;
  return p.regex.test(layer.kind) || p.regex.test(layer.name);
}

type Target = { kind: 'tile'; tile: IrTileType } | { kind: 'gpu'; gpu: IrGpu };
type Need = 'crossbar' | 'gpu' | 'any';

const hasCrossbars = (t: IrTileType): boolean => t.crossbar !== undefined && t.crossbars_per_tile > 0 && t.count > 0;
const targetName = (t: Target): string => (t.kind === 'tile' ? t.tile.name : t.gpu.name);
const targetPartition = (t: Target): string => (t.kind === 'tile' ? t.tile.partition : t.gpu.partition);

interface Rule {
  spec: PlaceRuleSpec;
  patterns: (PlacePattern | undefined)[];
  hits: number[];
  /** undefined: not looked up yet; null: unknown (reported). */
  known?: boolean;
  noCrossbarsReported?: boolean;
}

interface Match {
  rule: Rule;
  pattern: number;
}

interface CrossbarWork {
  placement: IrPlacement;
  layer: IrLayer;
  tile: IrTileType;
  crossbars: number;
  replication: number;
  fits: boolean;
  /** The rule pattern that placed the layer (where capacity errors point). */
  match: Match;
}

type PlaceOptions = { block?: number; skip_zero_blocks?: boolean; reorder?: 'none' | 'rcm' };

/** What every section of one mapping shares: the spec, its parsed rules and how they resolve. */
interface MapContext {
  spec: MappingSpec;
  arch: IrArchitecture;
  model: IrModel;
  /** Where mapping-wide errors point. */
  here: Span;
  report: (d: Diagnostic) => void;
  rules: Rule[];
  options: Map<Rule, PlaceOptions>;
  /** The first rule (in source order) with a pattern matching the layer's slot; counts the hits. */
  findRule(layer: IrLayer, slot: PlacePart): Match | undefined;
  /** The rule's target suiting `need` (reports an unknown or empty target once per rule). */
  resolve(rule: Rule, need: Need): Target | undefined;
  /** The layer's declaration as a related location. */
  originOf(layer: string): RelatedInfo[];
}

/** Placement of every layer, before capacity. */
interface Placed {
  placements: IrPlacement[];
  work: CrossbarWork[];
  /** Layers that follow a weight layer's placement, resolved after the walk. */
  followers: number[];
  /** The target of each weight layer (by index), for its gcn adjacency. */
  weightLayerTarget: (Target | undefined)[];
}

export function mapModel(spec: MappingSpec, report: (d: Diagnostic) => void): IrMapping {
  const weightBits = checkBits(spec.weight_bits, 'weight_bits', spec, spec.nameSpan ?? spec.span, report);
  const ctx = mapContext(spec, report);
  const placed: Placed = { placements: [], work: [], followers: [], weightLayerTarget: [] };
  for (const layer of ctx.model.layers) placeLayer(ctx, layer, weightBits, placed);
  placeFollowers(ctx, placed);
  const remaining = allotOneCopy(ctx, placed.work);
  replicate(ctx, placed.work, remaining);
  const adjacency = adjacencyPolicies(ctx, placed.weightLayerTarget);
  reportUnmatchedRules(ctx);
  return {
    name: spec.name,
    model: ctx.model.name,
    architecture: ctx.arch.name,
    weight_bits: spec.weight_bits,
    input_bits: spec.input_bits,
    replicate: spec.replicate,
    ...(spec.encoding ? { encoding: spec.encoding } : {}),
    placements: placed.placements,
    adjacency,
    totals: mappingTotals(ctx.arch, placed.work),
  };
}

/** Rules parsed (patterns, options) and the lookups every section uses. */
function mapContext(spec: MappingSpec, report: (d: Diagnostic) => void): MapContext {
  const arch = spec.architecture;
  const rules: Rule[] = spec.rules.map((r) => ({
    spec: r,
    patterns: r.targets.map((t, i) => {
      const p = parsePlacePattern(t);
      if ('error' in p) {
        report(
          diag(
            'badEnumValue',
            r.uri,
            r.targetSpans[i] ?? r.span,
            'layer part',
            p.error,
            [...PLACE_PARTS],
            didYouMean(p.error, PLACE_PARTS),
          ),
        );
        return undefined;
      }
      return p;
    }),
    hits: r.targets.map(() => 0),
  }));
  const options = new Map<Rule, PlaceOptions>();
  for (const rule of rules) options.set(rule, checkOptions(rule.spec, report));
  const candidates = [
    ...arch.tile_types.map((t) => t.name),
    ...arch.gpus.map((g) => g.name),
    ...arch.partitions.map((p) => p.name),
  ];
  return {
    spec,
    arch,
    model: spec.model,
    here: spec.nameSpan ?? spec.span,
    report,
    rules,
    options,
    findRule(layer, slot) {
      let first: Match | undefined;
      for (const rule of rules) {
        rule.patterns.forEach((p, i) => {
          if (p && patternMatches(p, layer, slot)) {
            rule.hits[i]!++;
            if (!first) first = { rule, pattern: i };
          }
        });
      }
      return first;
    },
    resolve(rule, need) {
      const name = rule.spec.on;
      const t = lookupTarget(arch, name, need);
      if (rule.known === undefined) {
        rule.known = t !== undefined || arch.partitions.some((p) => p.name === name);
        if (!rule.known)
          report(
            diag(
              'unknownPlacementTarget',
              rule.spec.uri,
              rule.spec.onSpan,
              name,
              arch.name,
              didYouMean(name, candidates),
            ),
          );
      }
      if (!t && rule.known && !rule.noCrossbarsReported) {
        // A partition with neither tiles nor GPUs.
        rule.noCrossbarsReported = true;
        report(diag('noCrossbars', rule.spec.uri, rule.spec.onSpan, name));
      }
      return t;
    },
    originOf(layer) {
      const o = spec.layerOrigins?.[layer];
      return o ? [{ uri: o.uri, span: o.nameSpan ?? o.span, message: `layer '${layer}' is declared here` }] : [];
    },
  };
}

function withRelated(d: Diagnostic, related: RelatedInfo[]): Diagnostic {
  if (related.length > 0) d.related = [...(d.related ?? []), ...related];
  return d;
}

/** One layer's placement by the first matching rule; a crossbar layer's slicing and one copy's crossbars. */
function placeLayer(ctx: MapContext, layer: IrLayer, weightBits: number, placed: Placed): void {
  const { spec, report } = ctx;
  const isWeight = layer.weights !== undefined;
  const base: IrPlacement = {
    layer: layer.name,
    index: layer.index,
    kind: layer.kind,
    engine: 'digital',
    partition: '',
    target: '',
  };
  const at = placed.placements.length;
  placed.placements.push(base);
  placed.weightLayerTarget.push(undefined);
  const match = ctx.findRule(layer, 'weights');
  const unplaced = () =>
    report(withRelated(diag('unplacedLayer', spec.uri, ctx.here, layer.name, layer.kind), ctx.originOf(layer.name)));

  if (!match) {
    if (isWeight) {
      base.engine = 'crossbar';
      unplaced();
    } else if (layer.kind === 'batchnorm') {
      const gpu = ctx.arch.gpus[0];
      if (gpu) setTarget(base, { kind: 'gpu', gpu }, 'gpu');
      else unplaced();
    } else placed.followers.push(at);
    return;
  }

  const rule = match.rule;
  const target = ctx.resolve(rule, isWeight ? 'crossbar' : layer.kind === 'batchnorm' ? 'gpu' : 'any');
  if (!target) {
    // Unknown or empty target, already reported: record the name as written and go on.
    base.target = rule.spec.on;
    base.engine = isWeight ? 'crossbar' : layer.kind === 'batchnorm' ? 'gpu' : 'digital';
    return;
  }
  if (target.kind === 'gpu') {
    setTarget(base, target, 'gpu');
    if (isWeight) placed.weightLayerTarget[at] = target;
    return;
  }
  const tile = target.tile;
  if (layer.kind === 'batchnorm') {
    report(
      withRelated(
        diag('needsGpu', rule.spec.uri, rule.spec.targetSpans[match.pattern] ?? rule.spec.span, layer.name, layer.kind),
        ctx.originOf(layer.name),
      ),
    );
    setTarget(base, target, 'digital');
    return;
  }
  if (!isWeight) {
    setTarget(base, target, 'digital');
    return;
  }
  placed.weightLayerTarget[at] = target;
  if (!hasCrossbars(tile)) {
    setTarget(base, target, 'digital');
    if (!rule.noCrossbarsReported) {
      rule.noCrossbarsReported = true;
      report(diag('noCrossbars', rule.spec.uri, rule.spec.onSpan, tile.name));
    }
    return;
  }
  setTarget(base, target, 'crossbar');
  const xb = tile.crossbar!;
  const slices = weightColumns(weightBits, sanitizeBits(spec.bitsPerCell(tile)), spec.encoding);
  const k = layer.weights!.rows;
  const n = layer.weights!.cols;
  const tiling = tileMatrix(k, n, slices, xb.rows, xb.cols);
  const crossbars = tiling.crossbars;
  base.crossbar = {
    ...tiling,
    replication: 1,
    crossbars_total: crossbars,
    tiles: tilesFor(crossbars, tile.crossbars_per_tile),
    utilization: cellUtilization(k, n, slices, crossbars, xb.rows, xb.cols),
  };
  placed.work.push({ placement: base, layer, tile, crossbars, replication: 1, fits: true, match });
}

/**
 * Layers with no rule and no weights run where the preceding (else the next) weight layer runs.
 * A weight layer whose own placement failed (already reported) still leads, so errors do not cascade.
 */
function placeFollowers(ctx: MapContext, { placements, followers }: Placed): void {
  const { arch, model } = ctx;
  // The nearest weight layer before and after each layer, in two sweeps (a scan per follower was
  // quadratic in a long run of weightless layers: `repeat 20000 { relu }`).
  const n = placements.length;
  const before = new Int32Array(n).fill(-1);
  const after = new Int32Array(n).fill(-1);
  for (let j = 1; j < n; j++) before[j] = model.layers[j - 1]!.weights !== undefined ? j - 1 : before[j - 1]!;
  for (let j = n - 2; j >= 0; j--) after[j] = model.layers[j + 1]!.weights !== undefined ? j + 1 : after[j + 1]!;
  for (const i of followers) {
    const p = placements[i]!;
    const lead = before[i]! >= 0 ? before[i]! : after[i]!;
    if (lead >= 0) {
      const leader = placements[lead]!;
      p.target = leader.target;
      p.partition = leader.partition;
      p.engine = leader.engine === 'gpu' ? 'gpu' : 'digital';
      continue;
    }
    const tile = arch.tile_types[0];
    const gpu = arch.gpus[0];
    const fallback: Target | undefined = tile ? { kind: 'tile', tile } : gpu ? { kind: 'gpu', gpu } : undefined;
    if (fallback) setTarget(p, fallback, fallback.kind === 'gpu' ? 'gpu' : 'digital');
    else ctx.report(withRelated(diag('unplacedLayer', ctx.spec.uri, ctx.here, p.layer, p.kind), ctx.originOf(p.layer)));
  }
}

/** Capacity: one copy of each crossbar layer, in layer order; returns the crossbars left per tile type. */
function allotOneCopy(ctx: MapContext, work: CrossbarWork[]): Map<IrTileType, number> {
  const capacity = new Map<IrTileType, number>();
  const remaining = new Map<IrTileType, number>();
  const demand = new Map<IrTileType, number>();
  for (const w of work) {
    if (!capacity.has(w.tile)) {
      capacity.set(w.tile, w.tile.count * w.tile.crossbars_per_tile);
      remaining.set(w.tile, w.tile.count * w.tile.crossbars_per_tile);
    }
    demand.set(w.tile, (demand.get(w.tile) ?? 0) + w.crossbars);
  }
  for (const w of work) {
    const left = remaining.get(w.tile)!;
    if (w.crossbars <= left) {
      remaining.set(w.tile, left - w.crossbars);
      continue;
    }
    w.fits = false;
    const m = w.match;
    const rs = m.rule.spec;
    const d = diag(
      'layerDoesNotFit',
      rs.uri,
      rs.targetSpans[m.pattern] ?? rs.span,
      w.layer.name,
      w.crossbars,
      left,
      w.tile.name,
    );
    d.related = [
      {
        uri: rs.uri,
        span: rs.onSpan,
        message: `'${w.tile.name}' holds ${capacity.get(w.tile)} crossbars (${w.tile.count} tiles × ${w.tile.crossbars_per_tile}); the layers placed on it need ${demand.get(w.tile)} in all`,
      },
      ...ctx.originOf(w.layer.name),
    ];
    ctx.report(d);
  }
  return remaining;
}

/** Replication spends what capacity is left; then each crossbar layer's totals and tiles. */
function replicate(ctx: MapContext, work: CrossbarWork[], remaining: Map<IrTileType, number>): void {
  const { spec } = ctx;
  const fitting = work.filter((w) => w.fits);
  const rep = spec.replicate;
  if (typeof rep === 'number') {
    const r = Number.isSafeInteger(rep) && rep >= 1 ? rep : 1;
    if (r !== rep) ctx.report(diag('badCount', spec.uri, spec.replicateSpan ?? ctx.here, 'replicate', String(rep)));
    for (const w of fitting) {
      const left = remaining.get(w.tile)!;
      const extra = Math.min(r - 1, Math.floor(left / w.crossbars));
      w.replication = 1 + extra;
      remaining.set(w.tile, left - extra * w.crossbars);
      if (w.replication < r)
        ctx.report(
          withRelated(
            diag('replicationExceeds', spec.uri, spec.replicateSpan ?? ctx.here, w.layer.name),
            ctx.originOf(w.layer.name),
          ),
        );
    }
  } else if (rep === 'balanced') {
    balance(fitting, remaining, sanitizeBits(spec.input_bits));
  }
  for (const w of work) {
    const c = w.placement.crossbar!;
    c.replication = w.replication;
    c.crossbars_total = w.crossbars * w.replication;
    c.tiles = tilesFor(c.crossbars_total, w.tile.crossbars_per_tile);
  }
}

/** Adjacency policies of the gcn layers: the rule placing `X.adjacency` (or a bare pattern), else the weights' tile. */
function adjacencyPolicies(ctx: MapContext, weightLayerTarget: (Target | undefined)[]): IrAdjacencyPolicy[] {
  const adjacency: IrAdjacencyPolicy[] = [];
  ctx.model.layers.forEach((layer, i) => {
    if (layer.kind !== 'gcn') return;
    const match = ctx.findRule(layer, 'adjacency');
    let target: Target | undefined;
    let opts: PlaceOptions = {};
    if (match) {
      target = ctx.resolve(match.rule, 'crossbar');
      opts = ctx.options.get(match.rule) ?? {};
      const explicit = match.rule.patterns[match.pattern]?.part === 'adjacency';
      const onCrossbars = target?.kind === 'tile' && hasCrossbars(target.tile);
      if (target && !onCrossbars) {
        if (explicit && !match.rule.noCrossbarsReported) {
          match.rule.noCrossbarsReported = true;
          ctx.report(diag('noCrossbars', match.rule.spec.uri, match.rule.spec.onSpan, targetName(target)));
        }
        return;
      }
    } else {
      target = weightLayerTarget[i];
    }
    if (!target || target.kind !== 'tile' || !hasCrossbars(target.tile)) return;
    adjacency.push({
      layer: layer.name,
      partition: target.tile.partition,
      target: target.tile.name,
      block: opts.block ?? target.tile.crossbar!.rows,
      skip_zero_blocks: opts.skip_zero_blocks ?? false,
      reorder: opts.reorder ?? 'none',
    });
  });
  return adjacency;
}

function reportUnmatchedRules(ctx: MapContext): void {
  for (const rule of ctx.rules) {
    rule.patterns.forEach((p, i) => {
      if (p && rule.hits[i] === 0)
        ctx.report(
          diag('placeMatchesNothing', rule.spec.uri, rule.spec.targetSpans[i] ?? rule.spec.span, rule.spec.targets[i]!),
        );
    });
  }
}

/**
 * crossbars_used is the demand of every crossbar layer, a layer that did not fit included;
 * tiles_used packs each tile type's crossbars into whole tiles.
 */
function mappingTotals(arch: IrArchitecture, work: CrossbarWork[]): IrMapping['totals'] {
  const usedByTile = new Map<IrTileType, number>();
  for (const w of work) usedByTile.set(w.tile, (usedByTile.get(w.tile) ?? 0) + w.placement.crossbar!.crossbars_total);
  let tilesUsed = 0;
  for (const [tile, used] of usedByTile) tilesUsed += tilesFor(used, tile.crossbars_per_tile);
  return {
    crossbars_used: work.reduce((s, w) => s + w.placement.crossbar!.crossbars_total, 0),
    crossbars_available: arch.tile_types.filter(hasCrossbars).reduce((s, t) => s + t.count * t.crossbars_per_tile, 0),
    tiles_used: tilesUsed,
  };
}

function setTarget(p: IrPlacement, t: Target, engine: Engine): void {
  p.engine = engine;
  p.target = targetName(t);
  p.partition = targetPartition(t);
}

/** Tile type, then GPU, then partition (resolved to the member that suits the layer). */
function lookupTarget(arch: IrArchitecture, name: string, need: Need): Target | undefined {
  const tile = arch.tile_types.find((t) => t.name === name);
  if (tile) return { kind: 'tile', tile };
  const gpu = arch.gpus.find((g) => g.name === name);
  if (gpu) return { kind: 'gpu', gpu };
  const part = arch.partitions.find((p) => p.name === name);
  if (!part) return undefined;
  const tiles = arch.tile_types.filter((t) => part.tiles.includes(t.name) || t.partition === part.name);
  const gpus = arch.gpus.filter((g) => part.gpus.includes(g.name) || g.partition === part.name);
  const firstTile = need === 'crossbar' ? (tiles.find(hasCrossbars) ?? tiles[0]) : tiles[0];
  const pick: Target | undefined =
    need === 'gpu' && gpus[0]
      ? { kind: 'gpu', gpu: gpus[0] }
      : firstTile
        ? { kind: 'tile', tile: firstTile }
        : gpus[0]
          ? { kind: 'gpu', gpu: gpus[0] }
          : undefined;
  return pick;
}

/**
 * A pipeline stage as balanced replication weighs it: a crossbar layer, its MVMs a sample, and one MVM's
 * time for every number of copies on its tile type (@pim/ir mvmTimeSteps, the simulator's mvmTiming:
 * copies packed into one IMA share its ADCs, so an MVM never gets faster with more copies).
 */
interface Stage {
  w: CrossbarWork;
  mvms: number;
  /** One MVM's time from each step's copies on (rounds alone, 1 each, when a stage has no usable timing). */
  steps: MvmStep[];
}

/** The step that holds r copies: the last at or below r. */
function stepAt(steps: readonly MvmStep[], r: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (steps[mid]!.copies <= r) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A stage's time a sample with r copies, as the simulator takes it (sim/inference.ts): ⌈mvms / r⌉ rounds of one MVM. */
const stageTime = (s: Stage, r: number): number => Math.ceil(s.mvms / r) * s.steps[stepAt(s.steps, r)]!.mvm_s;

/**
 * The stages and their MVM times, up to every copy their tile type could hold. When a stage's tile
 * type has no usable timing (no ADC rate: the simulator rejects it), every stage counts rounds alone.
 */
function stagesOf(work: CrossbarWork[], inputBits: number): Stage[] {
  const groups = new Map<IrTileType, AdcGroup[]>();
  const stages = work.map((w): Stage => {
    if (!groups.has(w.tile)) groups.set(w.tile, tileAdcGroups(w.tile));
    const { rows, cols } = w.layer.weights!;
    const most = Math.floor((w.tile.count * w.tile.crossbars_per_tile) / Math.max(1, w.crossbars));
    const slices = w.placement.crossbar!.slices;
    const steps = mvmTimeSteps(w.tile, rows, cols, slices, inputBits, most, groups.get(w.tile));
    return { w, mvms: Math.max(1, w.layer.mvms), steps };
  });
  const timed = stages.every((s) => Number.isFinite(s.steps[0]!.mvm_s) && s.steps[0]!.mvm_s > 0);
  if (!timed) for (const s of stages) s.steps = [{ copies: 1, mvm_s: 1 }];
  return stages;
}

/** Relative slack when comparing stage times, so that products of the same step compare equal. */
const SLACK = 1e-9;

/**
 * The fewest copies of `s`, at most `most`, whose time is within `goal`, if any. At one MVM time m the
 * rounds must come down to the most n with n·m within the goal, so ⌈mvms / n⌉ copies; a later step's
 * MVMs are slower, so it needs at least as many. So from the first step: when its copies reach that
 * many, the answer; else on to the step that holds that many (the ones between cannot), and none once
 * no rounds will do or more copies than `most` are needed.
 */
function fewestCopies(s: Stage, goal: number, most: number): number | undefined {
  const { steps } = s;
  for (let j = 0; steps[j]!.copies <= most;) {
    const m = steps[j]!.mvm_s;
    let n = Math.min(s.mvms, Math.floor(goal / m));
    while (n >= 1 && !(n * m <= goal)) n--;
    if (n < 1) return undefined;
    const need = Math.max(steps[j]!.copies, Math.ceil(s.mvms / n));
    if (need > most) return undefined;
    const next = stepAt(steps, need);
    if (next === j) return need;
    j = next;
  }
  return undefined;
}

/** A positive double's bits, which order as the numbers do, and back. */
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
const bitsOf = (x: number): bigint => ((f64[0] = x), i64[0]!);
const ofBits = (b: bigint): number => ((i64[0] = b), f64[0]!);

/**
 * Balanced replication (see the header): the least period P any replication that fits gives, and each
 * stage the fewest copies that bring it to P (within SLACK). P is reachable when those copies, summed
 * over each tile type's stages, fit its room: more copies of a stage never help another, so
 * reachability grows with P, and the least P, one of the stage times, is found by halving the doubles
 * between none and every stage at one copy (their bit patterns order as the numbers do: ≤ 64 halvings,
 * each a search of every stage's runs of one MVM time). So no stage holds a copy that would not raise
 * the throughput.
 */
function balance(work: CrossbarWork[], remaining: Map<IrTileType, number>, inputBits: number): void {
  const stages = stagesOf(work, inputBits);
  if (!stages.length) return;
  // Copies beyond the one each has come out of its tile type's room.
  const most = stages.map((s) => s.w.replication + Math.floor(remaining.get(s.w.tile)! / s.w.crossbars));
  const copiesFor = (p: number): (number | undefined)[] => stages.map((s, i) => fewestCopies(s, p, most[i]!));
  const fits = (copies: (number | undefined)[]): boolean => {
    const extra = new Map<IrTileType, number>();
    for (const [i, s] of stages.entries()) {
      const c = copies[i];
      if (c === undefined) return false;
      extra.set(s.w.tile, (extra.get(s.w.tile) ?? 0) + (c - s.w.replication) * s.w.crossbars);
    }
    return [...extra].every(([tile, n]) => n <= remaining.get(tile)!);
  };
  // lo unreachable (no time is 0), hi reachable (the copies each stage has).
  let lo = bitsOf(0);
  let hi = bitsOf(Math.max(...stages.map((s) => stageTime(s, s.w.replication))));
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (fits(copiesFor(ofBits(mid)))) hi = mid;
    else lo = mid;
  }
  const copies = copiesFor(ofBits(hi) * (1 + SLACK));
  for (const [i, s] of stages.entries()) {
    const r = copies[i]!;
    remaining.set(s.w.tile, remaining.get(s.w.tile)! - (r - s.w.replication) * s.w.crossbars);
    s.w.replication = r;
  }
}

function sanitizeBits(v: number): number {
  return Number.isFinite(v) && v >= 1 ? Math.floor(v) : 1;
}

function checkBits(v: number, what: string, spec: MappingSpec, at: Span, report: (d: Diagnostic) => void): number {
  if (Number.isSafeInteger(v) && v > 0) return v;
  report(diag('badCount', spec.uri, at, what, String(v)));
  return 16;
}

function checkOptions(r: PlaceRuleSpec, report: (d: Diagnostic) => void): PlaceOptions {
  const out: PlaceOptions = {};
  const at = (k: string): Span => r.optionSpans?.[k] ?? r.span;
  for (const [key, v] of Object.entries(r.options)) {
    const o = PLACE_OPTIONS[key];
    if (!o) {
      report(diag('unknownAttribute', r.uri, at(key), key, 'place', didYouMean(key, Object.keys(PLACE_OPTIONS))));
      continue;
    }
    if (key === 'block') {
      if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) out.block = v;
      else if (typeof v === 'number') report(diag('badCount', r.uri, at(key), "'block'", String(v)));
      else report(diag('wrongType', r.uri, at(key), "'block'", 'a whole number', JSON.stringify(v)));
    } else if (key === 'skip_zero_blocks') {
      if (typeof v === 'boolean') out.skip_zero_blocks = v;
      else report(diag('wrongType', r.uri, at(key), "'skip_zero_blocks'", 'true or false', JSON.stringify(v)));
    } else if (key === 'reorder') {
      if (v === 'none' || v === 'rcm') out.reorder = v;
      else
        report(
          diag(
            'badEnumValue',
            r.uri,
            at(key),
            'reorder',
            String(v),
            o.choices!,
            typeof v === 'string' ? didYouMean(v, o.choices!) : undefined,
          ),
        );
    }
  }
  return out;
}
