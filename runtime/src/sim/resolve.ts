// Finds a mapping's model and architecture in the IR and checks that they agree with each other before
// any model runs: every error names the IR path of the offending entry.
import {
  mappingParts,
  tileMatrix,
  tilesFor,
  validateIr,
  weightColumns,
  type IrAdjacencyPolicy,
  type IrArchitecture,
  type IrGpu,
  type IrLayer,
  type IrMapping,
  type IrModel,
  type IrPlacement,
  type IrProgram,
  type IrTileType,
} from '@pim/ir';
import { SimError } from './errors.js';

export interface Resolved {
  ir: IrProgram;
  mapping: IrMapping;
  model: IrModel;
  arch: IrArchitecture;
  tileTypes: Map<string, IrTileType>;
  gpus: Map<string, IrGpu>;
  /** Placement per layer index (undefined: the layer has none and runs digitally beside its predecessor). */
  placements: (IrPlacement | undefined)[];
  adjacency: Map<string, IrAdjacencyPolicy>;
  warnings: string[];
}

/** Tiles, GPUs, routers or chips beyond this are surely a typo, and would exhaust memory when placed. */
const MAX_UNITS = 1_000_000;
/** Graph nodes beyond this: the GNN analysis builds per-node arrays. */
const MAX_NODES = 10_000_000;

const isPos = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;
const isNonNeg = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 1;

function checkProgramShape(ir: unknown): asserts ir is IrProgram {
  if (typeof ir !== 'object' || ir === null) throw new SimError('ir', 'not an object');
  const p = ir as Record<string, unknown>;
  if (typeof p['ir_version'] !== 'string') throw new SimError('ir.ir_version', 'missing');
  if (!p['ir_version'].startsWith('1.'))
    throw new SimError('ir.ir_version', `unsupported IR version ${p['ir_version']} (this simulator reads 1.x)`);
  for (const k of ['architectures', 'models', 'mappings'])
    if (!Array.isArray(p[k])) throw new SimError(`ir.${k}`, 'missing or not an array');
  // The published schema catches every malformed field (with its JSON path) before any model reads it.
  const problems = validateIr(ir);
  if (problems.length > 0)
    throw new SimError(
      'ir',
      `invalid pim IR (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}`,
    );
}

function checkArchitecture(arch: IrArchitecture, where: string): void {
  if (!isPos(arch.clock_hz))
    throw new SimError(`${where}.clock_hz`, `must be a positive frequency (got ${arch.clock_hz})`);
  if (!Array.isArray(arch.tile_types) || !Array.isArray(arch.gpus) || !Array.isArray(arch.partitions))
    throw new SimError(where, 'tile_types, gpus and partitions must be arrays');
  if (!arch.root || !Array.isArray(arch.root.children)) throw new SimError(`${where}.root`, 'missing component tree');
  const partitions = new Set(arch.partitions.map((p) => p.name));
  const chips = arch.root.attributes['chips'];
  if (chips !== undefined && (!isCount(chips) || chips > MAX_UNITS))
    throw new SimError(
      `${where}.root.attributes.chips`,
      `must be a positive integer ≤ ${MAX_UNITS} (got ${String(chips)})`,
    );
  for (const tt of arch.tile_types) {
    const w = `${where}.tile_types[${tt.name}]`;
    if (!isCount(tt.count) || tt.count > MAX_UNITS)
      throw new SimError(`${w}.count`, `must be a positive integer ≤ ${MAX_UNITS} (got ${tt.count})`);
    if (!partitions.has(tt.partition))
      throw new SimError(`${w}.partition`, `names partition '${tt.partition}', which the architecture does not have`);
    if (tt.crossbar && tt.crossbars_per_tile !== tt.units_per_tile * tt.crossbars_per_unit)
      throw new SimError(
        `${w}.crossbars_per_tile`,
        `is ${tt.crossbars_per_tile} but units_per_tile × crossbars_per_unit = ${tt.units_per_tile} × ${tt.crossbars_per_unit}`,
      );
    if (!isNonNeg(tt.power_w) || !isNonNeg(tt.area_m2)) throw new SimError(w, 'power_w and area_m2 must be ≥ 0');
  }
  for (const g of arch.gpus) {
    const w = `${where}.gpus[${g.name}]`;
    if (!isPos(g.peak_flops) || !isPos(g.memory_bandwidth_bps))
      throw new SimError(w, 'a GPU needs positive peak_flops and memory_bandwidth_bps');
    if (!isCount(g.count) || g.count > MAX_UNITS)
      throw new SimError(`${w}.count`, `must be a positive integer ≤ ${MAX_UNITS} (got ${g.count})`);
  }
  if (arch.noc) {
    const n = arch.noc;
    const w = `${where}.noc`;
    const want = n.topology === 'mesh3d' ? 3 : 2;
    if (
      (n.topology === 'mesh' || n.topology === 'mesh3d' || n.topology === 'torus' || n.topology === 'cmesh') &&
      (n.dims.length !== want || !n.dims.every(isCount))
    )
      throw new SimError(
        `${w}.dims`,
        `a ${n.topology} needs ${want} positive integer dimensions (got [${n.dims.join(', ')}])`,
      );
    const routers = n.dims.reduce((a, b) => a * b, 1);
    if (routers > MAX_UNITS)
      throw new SimError(
        `${w}.dims`,
        `[${n.dims.join(', ')}] is ${routers} routers; the simulator models at most ${MAX_UNITS}`,
      );
    if (!isPos(n.link_bandwidth_bps))
      throw new SimError(`${w}.link_bandwidth_bps`, `must be positive (got ${n.link_bandwidth_bps})`);
    if (!isNonNeg(n.hop_latency_s) || !isNonNeg(n.energy_per_bit_hop_j))
      throw new SimError(w, 'hop_latency_s and energy_per_bit_hop_j must be ≥ 0');
    for (const t of n.tiers)
      if (!partitions.has(t))
        throw new SimError(`${w}.tiers`, `names partition '${t}', which the architecture does not have`);
  }
}

/** The mapping named `mappingName`, or the first one. */
function findMapping(ir: IrProgram, mappingName: string | undefined): IrMapping {
  if (ir.mappings.length === 0) throw new SimError('ir.mappings', 'the program has no mapping to simulate');
  if (mappingName === undefined) return ir.mappings[0]!;
  const mapping = ir.mappings.find((m) => m.name === mappingName);
  if (!mapping)
    throw new SimError(
      'ir.mappings',
      `no mapping named '${mappingName}' (have: ${ir.mappings.map((m) => m.name).join(', ')})`,
    );
  return mapping;
}

/** The mapping's model and architecture, both present and well-formed, and the mapping's bit widths. */
function checkMappingParts(ir: IrProgram, mapping: IrMapping, mw: string): { model: IrModel; arch: IrArchitecture } {
  const { model, arch } = mappingParts(ir, mapping.name);
  if (!model) throw new SimError(`${mw}.model`, `names model '${mapping.model}', which the IR does not have`);
  if (!arch)
    throw new SimError(
      `${mw}.architecture`,
      `names architecture '${mapping.architecture}', which the IR does not have`,
    );
  checkArchitecture(arch, `architectures[${arch.name}]`);
  if (model.input.kind === 'graph' && (!isCount(model.input.nodes) || model.input.nodes > MAX_NODES))
    throw new SimError(
      `models[${model.name}].input.nodes`,
      `must be a positive integer ≤ ${MAX_NODES} (got ${model.input.nodes})`,
    );
  if (!isCount(mapping.weight_bits) || !isCount(mapping.input_bits))
    throw new SimError(
      mw,
      `weight_bits and input_bits must be positive integers (got ${mapping.weight_bits}, ${mapping.input_bits})`,
    );
  return { model, arch };
}

/** A GPU placement, or a digital layer beside a GPU layer (which runs on that GPU): its partition must be the GPU's. */
function checkGpuPartition(p: IrPlacement, g: IrGpu, pw: string): void {
  if (g.partition !== p.partition)
    throw new SimError(`${pw}.partition`, `is '${p.partition}' but GPU '${g.name}' is in partition '${g.partition}'`);
}

/** A crossbar placement's figures against crossbar geometry; returns its crossbars and tiles. */
function checkCrossbarPlacement(
  p: IrPlacement,
  layer: IrLayer,
  tt: IrTileType,
  mapping: Pick<IrMapping, 'weight_bits' | 'encoding'>,
  pw: string,
): { crossbars: number; tiles: number } {
  if (!layer.weights)
    throw new SimError(pw, `engine crossbar, but layer '${layer.name}' (${layer.kind}) has no weight matrix`);
  if (!tt.crossbar) throw new SimError(`${pw}.target`, `tile type '${tt.name}' has no crossbars`);
  const c = p.crossbar;
  if (!c) throw new SimError(`${pw}.crossbar`, 'a crossbar placement needs its crossbar figures');
  if (!isCount(c.replication))
    throw new SimError(`${pw}.crossbar.replication`, `must be a positive integer (got ${c.replication})`);
  const { weight_bits: weightBits, encoding = 'offset' } = mapping;
  const bpc = tt.crossbar.bits_per_cell;
  // The IR's slices are the columns one weight takes: a differential pair doubles them.
  const slices = weightColumns(weightBits, bpc, encoding);
  const { row_tiles: rowTiles, col_tiles: colTiles } = tileMatrix(
    layer.weights.rows,
    layer.weights.cols,
    slices,
    tt.crossbar.rows,
    tt.crossbar.cols,
  );
  if (c.slices !== slices)
    throw new SimError(
      `${pw}.crossbar.slices`,
      encoding === 'differential'
        ? `is ${c.slices}, but differential ${weightBits}-bit weights on ${bpc}-bit cells need 2 × ⌈${weightBits - 1}/${bpc}⌉ = ${slices} columns`
        : `is ${c.slices}, but ${weightBits}-bit weights on ${bpc}-bit cells need ⌈${weightBits}/${bpc}⌉ = ${slices}`,
    );
  if (c.crossbars < rowTiles * colTiles)
    throw new SimError(
      `${pw}.crossbar.crossbars`,
      `is ${c.crossbars}, but a ${layer.weights.rows}×${layer.weights.cols} matrix with ${slices} slices on ${tt.crossbar.rows}×${tt.crossbar.cols} crossbars needs ${rowTiles}×${colTiles} = ${rowTiles * colTiles}`,
    );
  if (c.crossbars_total !== c.crossbars * c.replication)
    throw new SimError(
      `${pw}.crossbar.crossbars_total`,
      `is ${c.crossbars_total}, expected crossbars × replication = ${c.crossbars * c.replication}`,
    );
  const minTiles = tilesFor(c.crossbars_total, tt.crossbars_per_tile);
  if (!isCount(c.tiles) || c.tiles < minTiles)
    throw new SimError(
      `${pw}.crossbar.tiles`,
      `is ${c.tiles}, but ${c.crossbars_total} crossbars need at least ${minTiles} tiles of ${tt.crossbars_per_tile}`,
    );
  return { crossbars: c.crossbars_total, tiles: c.tiles };
}

/** Each placement against its layer and target; returns the placement per layer index. */
function checkPlacements(
  mapping: IrMapping,
  model: IrModel,
  arch: IrArchitecture,
  tileTypes: Map<string, IrTileType>,
  gpus: Map<string, IrGpu>,
  mw: string,
): (IrPlacement | undefined)[] {
  const placements: (IrPlacement | undefined)[] = new Array(model.layers.length).fill(undefined);
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const usedXbars = new Map<string, number>();
  const usedTiles = new Map<string, number>();
  mapping.placements.forEach((p, i) => {
    const pw = `${mw}.placements[${i}] (layer ${p.layer})`;
    const layer = byName.get(p.layer);
    if (!layer) throw new SimError(pw, `names layer '${p.layer}', which model '${model.name}' does not have`);
    if (layer.index !== p.index || layer.kind !== p.kind)
      throw new SimError(
        pw,
        `says index ${p.index} kind ${p.kind}, but the model's layer is index ${layer.index} kind ${layer.kind}`,
      );
    if (placements[layer.index]) throw new SimError(pw, `layer '${p.layer}' is placed twice`);
    placements[layer.index] = p;
    if (p.engine === 'gpu') {
      const g = gpus.get(p.target);
      if (!g)
        throw new SimError(
          `${pw}.target`,
          `engine gpu needs a GPU; architecture '${arch.name}' has no GPU '${p.target}'`,
        );
      return checkGpuPartition(p, g, pw);
    }
    // A digital layer beside a GPU layer runs on the GPU.
    if (p.engine !== 'crossbar' && gpus.has(p.target)) return checkGpuPartition(p, gpus.get(p.target)!, pw);
    const tt = tileTypes.get(p.target);
    if (!tt)
      throw new SimError(
        `${pw}.target`,
        `names tile type '${p.target}', which architecture '${arch.name}' does not have (have: ${[...tileTypes.keys()].join(', ') || 'none'})`,
      );
    if (tt.partition !== p.partition)
      throw new SimError(
        `${pw}.partition`,
        `is '${p.partition}' but tile type '${tt.name}' is in partition '${tt.partition}'`,
      );
    if (p.engine !== 'crossbar') return;
    const used = checkCrossbarPlacement(p, layer, tt, mapping, pw);
    usedXbars.set(tt.name, (usedXbars.get(tt.name) ?? 0) + used.crossbars);
    usedTiles.set(tt.name, (usedTiles.get(tt.name) ?? 0) + used.tiles);
  });
  for (const l of model.layers) {
    if (l.weights && !placements[l.index])
      throw new SimError(`${mw}.placements`, `layer '${l.name}' (${l.kind}) has weights but no placement`);
    if (l.mvms < 0 || !Number.isFinite(l.mvms))
      throw new SimError(`models[${model.name}].layers[${l.name}].mvms`, `must be ≥ 0 (got ${l.mvms})`);
  }
  // Layers may share a tile (the compiler packs crossbars), so capacity is checked in crossbars.
  for (const [name, n] of usedXbars) {
    const tt = tileTypes.get(name)!;
    const have = tt.count * tt.crossbars_per_tile;
    if (n > have)
      throw new SimError(
        `${mw}.placements`,
        `uses ${n} crossbars of tile type '${name}' (${usedTiles.get(name)} tiles), but the architecture has ${have} (${tt.count} tiles × ${tt.crossbars_per_tile})`,
      );
  }
  return placements;
}

/** The mapping's adjacency placements by gcn layer; a gcn layer without one gets a warning. */
function checkAdjacency(
  mapping: IrMapping,
  model: IrModel,
  arch: IrArchitecture,
  tileTypes: Map<string, IrTileType>,
  mw: string,
  warnings: string[],
): Map<string, IrAdjacencyPolicy> {
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const adjacency = new Map<string, IrAdjacencyPolicy>();
  (mapping.adjacency ?? []).forEach((a, i) => {
    const aw = `${mw}.adjacency[${i}]`;
    const layer = byName.get(a.layer);
    if (!layer) throw new SimError(aw, `names layer '${a.layer}', which model '${model.name}' does not have`);
    if (layer.kind !== 'gcn')
      throw new SimError(aw, `layer '${a.layer}' is a ${layer.kind}; only gcn layers have an adjacency`);
    const tt = tileTypes.get(a.target);
    if (!tt || !tt.crossbar)
      throw new SimError(`${aw}.target`, `names '${a.target}', which is not a crossbar tile type of '${arch.name}'`);
    if (!isCount(a.block)) throw new SimError(`${aw}.block`, `must be a positive integer (got ${a.block})`);
    if (model.input.kind !== 'graph') throw new SimError(aw, `model '${model.name}' has no graph input`);
    adjacency.set(a.layer, a);
  });
  for (const l of model.layers)
    if (l.kind === 'gcn' && model.input.kind === 'graph' && !adjacency.has(l.name))
      warnings.push(`${mw}: gcn layer '${l.name}' has no adjacency placement; aggregation is not simulated`);
  return adjacency;
}

/** Resolves `mappingName` (or the only/first mapping) and checks the mapping against its model and architecture. */
export function resolveMapping(irIn: unknown, mappingName?: string): Resolved {
  checkProgramShape(irIn);
  const ir = irIn;
  const warnings: string[] = [];
  const mapping = findMapping(ir, mappingName);
  const mw = `mappings[${mapping.name}]`;
  const { model, arch } = checkMappingParts(ir, mapping, mw);
  const tileTypes = new Map(arch.tile_types.map((t) => [t.name, t]));
  const gpus = new Map(arch.gpus.map((g) => [g.name, g]));
  const placements = checkPlacements(mapping, model, arch, tileTypes, gpus, mw);
  const adjacency = checkAdjacency(mapping, model, arch, tileTypes, mw, warnings);
  return { ir, mapping, model, arch, tileTypes, gpus, placements, adjacency, warnings };
}
