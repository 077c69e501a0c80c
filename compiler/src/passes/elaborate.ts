// Pass: architectures → IrArchitecture. Instantiates every component against its class, multiplies
// `[count]` down the hierarchy, divides figures by `shared_by`, rolls power and area up (a stated
// figure wins over children and estimates), and flattens tiles, GPUs, partitions and the NoC for the
// simulator.
import { DECLARATION_KINDS, diag, didYouMean, type Block, type Expr, type Member } from '@pim/grammar';
import type {
  AttrValue,
  FigureSource,
  IrArchitecture,
  IrComponent,
  IrDevice,
  IrGpu,
  IrNoc,
  IrPartition,
  IrTileType,
} from '@pim/ir';
import { describeMember, type CheckContext, type ClassDef } from '../semantics/context.js';
import { concentrate } from './cmesh.js';
import {
  checkExecutes,
  clockedPower,
  defaultPowerClock,
  newKindFix,
  reconcileStated,
  scaleOwnDynamic,
  scaleToDesignClock,
  staticPower,
} from './figures.js';
import { LAYER_KINDS } from './layer-kinds.js';
import { evaluate } from '../semantics/evaluate.js';
import { asNumber, ConstScope, instantiate, type Instance } from '../semantics/instance.js';
import { isDimensionless } from '../units/dimension.js';
import { checkDieArea, elaborateThermal } from './thermal.js';
import { checkValues } from './value-rules.js';
import { describeValue, displayValue, type Value } from '../semantics/values.js';

const LAYER_KIND_NAMES = Object.keys(LAYER_KINDS);
/** Top-level declaration kinds: misplaced inside an architecture, never a component to declare. */
const DECLARATIONS: ReadonlySet<string> = new Set(DECLARATION_KINDS);

interface Node {
  ir: IrComponent;
  inst: Instance | undefined;
  block: Block;
  children: Node[];
  /** The clock its cycles were read at: its partition's, when that states one, else the architecture's. */
  clockHz: number;
  /** The clock the program states for it (differs from `clockHz` only under a design point's override). */
  sourceClockHz: number;
  /**
   * The clock its own power figure was given at: the library's `figures_clock` for a default the
   * program's clock scaled (defaultPowerClock), else `sourceClockHz` (a stated figure, or parts a
   * stated figure of a parent was spread over).
   */
  figuresClockHz: number;
  /**
   * Its power (one copy, with its parts') at `figuresClockHz`: before a library default is brought to
   * the program's clock, else at the program's clock, before a design point's clock scales it.
   */
  figuresPowerW: number;
  /** A partition's own clock: stated and valid (an invalid one was reported and is not used). */
  ownClockHz?: number;
}

/** A clock that can be used: above 0 and finite (checkValues reports the others). */
function validClock(hz: number | undefined): number | undefined {
  return hz !== undefined && hz > 0 && Number.isFinite(hz) ? hz : undefined;
}

export function elaborateArchitectures(ctx: CheckContext, devices: Map<string, IrDevice>): Map<string, IrArchitecture> {
  const out = new Map<string, IrArchitecture>();
  for (const sym of ctx.symbolsOfKind('architecture')) {
    if (sym.node.type !== 'Block') continue;
    const arch = elaborateOne(ctx, sym.node, sym.file, devices);
    if (arch) out.set(sym.name, arch);
  }
  return out;
}

/** Evaluates a `[count]`: a positive whole number. */
export function evalCount(ctx: CheckContext, expr: Expr | undefined, uri: string, what: string): number {
  if (!expr) return 1;
  const v = evaluate(expr, new ConstScope(ctx, uri));
  if (v.t === 'error') return 1;
  if (v.t === 'word') {
    ctx.report(diag('unknownName', uri, v.span, v.name, didYouMean(v.name, ctx.consts.keys())));
    return 1;
  }
  if (v.t !== 'num' || !isDimensionless(v.dim) || !Number.isInteger(v.v) || v.v < 1) {
    ctx.report(diag('badCount', uri, expr.span, what, v.t === 'num' ? displayValue(v) : describeValue(v)));
    return 1;
  }
  return v.v;
}

function toAttr(v: Value): AttrValue | undefined {
  switch (v.t) {
    case 'num':
      return v.v;
    case 'str':
    case 'bool':
      return v.v;
    case 'word':
      return v.name;
    case 'obj':
      return v.head ?? 'object';
    case 'list': {
      const items = v.items
        .map(toAttr)
        .filter((x): x is AttrValue => x !== undefined && !Array.isArray(x) && typeof x !== 'object');
      return items as AttrValue;
    }
    case 'tensor':
      return v.shape;
    case 'precision':
      return `${v.format}${v.bits}`;
    case 'range':
      return [v.lo, v.hi];
    default:
      return undefined;
  }
}

/** Attributes the figures are made of, carried by the IR as figures (power_w …), not as attributes. */
const FIGURES = new Set(['power', 'area', 'energy', 'latency', 'shared_by', 'leakage', 'figures_clock']);

const sortedKeyCache = new WeakMap<ClassDef, string[]>();
/** A class's attribute names in IR order, computed once per class. */
function sortedKeys(cls: ClassDef): string[] {
  let keys = sortedKeyCache.get(cls);
  if (!keys) sortedKeyCache.set(cls, (keys = [...cls.attrs.keys()].sort()));
  return keys;
}

/**
 * The members of an architecture with those of the one it extends: the base's first, then its own;
 * an attribute or a component (by name) given again replaces the base's, in place. Returns each
 * member's file.
 */
function inheritedBody(
  ctx: CheckContext,
  block: Block,
  uri: string,
): { members: Member[]; uriOf: Map<Member, string> } {
  const chain: { block: Block; uri: string }[] = [{ block, uri }];
  let cur = block;
  while (cur.base) {
    const sym = ctx.symbols.get(cur.base.name);
    const at = chain[chain.length - 1]!.uri;
    if (!sym || sym.node.type !== 'Block') {
      ctx.report(
        diag(
          'unknownName',
          at,
          cur.base.span,
          cur.base.name,
          didYouMean(
            cur.base.name,
            ctx.symbolsOfKind('architecture').map((s) => s.name),
          ),
        ),
      );
      break;
    }
    ctx.reference(at, cur.base.span, sym);
    if (sym.kind !== 'architecture') {
      ctx.report(diag('wrongReferenceKind', at, cur.base.span, sym.name, 'architecture', sym.kind));
      break;
    }
    if (chain.some((c) => c.block === sym.node)) {
      ctx.report(diag('classCycle', at, cur.base.span, [...chain.map((c) => c.block.name!.name), sym.name]));
      break;
    }
    chain.push({ block: sym.node, uri: sym.file });
    cur = sym.node;
  }
  const uriOf = new Map<Member, string>();
  const members: Member[] = [];
  for (const { block: b, uri: u } of chain.reverse()) {
    for (const m of b.body ?? []) {
      // A derived architecture replaces an attribute, or a component of the same name, of its base.
      const i =
        m.type === 'Attribute'
          ? members.findIndex((x) => x.type === 'Attribute' && x.key.name === m.key.name)
          : m.type === 'Block'
            ? members.findIndex((x) => x.type === 'Block' && (x.name ?? x.kind).name === (m.name ?? m.kind).name)
            : -1;
      if (i >= 0) members.splice(i, 1, m);
      else members.push(m);
      uriOf.set(m, u);
    }
  }
  return { members, uriOf };
}

/**
 * The clock a component runs at and the clock the program states for it. They differ only under a
 * design point that overrides a clock; the program's powers were stated at the second (scaleToDesignClock).
 */
interface Clocks {
  hz: number;
  sourceHz: number;
}

/** Instantiates a component and, depth first, its children. */
function build(
  ctx: CheckContext,
  clocks: Clocks,
  b: Block,
  parentPath: string,
  parentTotal: number,
  uri: string,
): Node | undefined {
  const kind = b.kind.name;
  const cls = ctx.classes.component.get(kind);
  if (!cls || kind === 'architecture') {
    const near = didYouMean(
      kind,
      [...ctx.classes.component.keys()].filter((k) => k !== 'component' && k !== 'architecture'),
    );
    // A close name is a typo; a name of its own is a new level or unit the user has not declared yet.
    const d = diag(
      'unknownKind',
      uri,
      b.kind.span,
      kind,
      'component',
      near,
      near || cls || ctx.symbols.has(kind) || DECLARATIONS.has(kind) ? undefined : newKindFix(kind),
    );
    ctx.report(d);
    return undefined;
  }
  // A user's class as the block kind: a use of that class, for references and rename.
  if (!cls.builtin) {
    const sym = ctx.symbols.get(kind);
    if (sym?.kind === 'class') ctx.reference(uri, b.kind.span, sym);
  }
  const count = b.count ? evalCount(ctx, b.count, uri, `the count of '${kind}'`) : 1;
  const label = b.name?.name ?? kind;
  const path = `${parentPath}.${label}`;
  const inst = instantiate(ctx, cls, b.body, uri, {
    clockHz: clocks.hz,
    anchor: b.kind.span,
    what: `'${kind}' block`,
    overrides: ctx.overridesAt(path),
  });
  checkValues(ctx, inst);
  ctx.instances.set(path, inst);
  checkExecutes(ctx, inst, b, label, uri, LAYER_KIND_NAMES);
  // A partition with a clock of its own: its parts count their cycles in it.
  const partition = ctx.isA('component', kind, 'partition');
  const own = partition && inst.isStated('clock') ? validClock(asNumber(inst.get('clock'))) : undefined;
  const ownSource = partition && inst.statedAttr('clock') ? validClock(asNumber(inst.sourceValue('clock'))) : undefined;
  const inner: Clocks = { hz: own ?? clocks.hz, sourceHz: ownSource ?? clocks.sourceHz };
  const children: Node[] = [];
  checkUniqueLabels(ctx, b.body, uri);
  for (const m of b.body ?? []) {
    if (m.type === 'Block') {
      const c = build(ctx, inner, m, path, parentTotal * count, uri);
      if (c) children.push(c);
    } else if (m.type !== 'Attribute') {
      ctx.report(diag('misplaced', uri, m.span, describeMember(m), `a '${kind}' block`));
    }
  }
  const node = finish(ctx, b, kind, label, path, count, parentTotal * count, inst, children, uri, inner);
  if (own !== undefined) node.ownClockHz = own;
  return node;
}

interface Figure {
  value: number;
  own: number;
  source: FigureSource;
}

/** figure's result, read at once by its caller: no object per component and figure. */
const fig: Figure = { value: 0, own: 0, source: 'none' };

/** Power or area of one copy, into `fig`: a stated figure wins; an estimate adds the children's. */
function figure(inst: Instance | undefined, children: Node[], shared: number, key: 'power' | 'area'): Figure {
  const v = asNumber(inst?.get(key));
  let childSum = 0;
  for (const c of children) childSum += c.ir.count * (key === 'power' ? c.ir.power_w : c.ir.area_m2);
  if (v !== undefined && inst?.isStated(key)) {
    fig.value = v / shared;
    fig.own = v / shared;
    fig.source = 'stated';
  } else if (v !== undefined) {
    fig.value = (v + childSum) / shared;
    fig.own = v / shared;
    fig.source = 'estimated';
  } else {
    fig.value = childSum / shared;
    fig.own = 0;
    fig.source = children.length ? 'children' : 'none';
  }
  return fig;
}

/** The component's IR and hover data, its figures rolled up from its children. */
function finish(
  ctx: CheckContext,
  b: Block,
  kind: string,
  label: string,
  path: string,
  count: number,
  total: number,
  inst: Instance | undefined,
  children: Node[],
  uri: string,
  clocks: Clocks,
): Node {
  const shared = Math.max(1, asNumber(inst?.get('shared_by')) ?? 1);
  let f = figure(inst, children, shared, 'power');
  const power = f.value;
  const ownPower = f.own;
  const powerSource = f.source;
  f = figure(inst, children, shared, 'area');
  const area = f.value;
  const ownArea = f.own;
  const areaSource = f.source;
  const attributes: Record<string, AttrValue> = {};
  if (inst) {
    for (const key of sortedKeys(inst.cls)) {
      if (FIGURES.has(key)) continue;
      const v = inst.get(key);
      const av = v ? toAttr(v) : undefined;
      if (av !== undefined) attributes[key] = av;
    }
  }
  const childIrs: IrComponent[] = [];
  for (const c of children) childIrs.push(c.ir);
  const ir: IrComponent = {
    name: label,
    kind,
    path,
    count,
    total_count: total,
    shared_by: shared,
    attributes,
    power_w: power,
    area_m2: area,
    own_power_w: ownPower,
    own_area_m2: ownArea,
    power_source: powerSource,
    area_source: areaSource,
    children: childIrs,
  };
  const energy = asNumber(inst?.get('energy'));
  if (energy !== undefined) ir.energy_j = energy;
  const latency = asNumber(inst?.get('latency'));
  if (latency !== undefined) ir.latency_s = latency;
  reconcileStated(ctx, inst, ir, b, uri);
  ir.static_power_w = staticPower(inst, ir);
  // A library default holds at the library's clock: its dynamic share follows the program's (its
  // leakage, a share of the default, stays). Before its parent's stated figure is reconciled with it.
  const figuresHz = defaultPowerClock(ctx, inst, kind) ?? clocks.sourceHz;
  const figuresPowerW = ir.power_w;
  if (figuresHz !== clocks.sourceHz) scaleOwnDynamic(ir, clocks.sourceHz / figuresHz);
  // Parts a stated power was spread over hold at the program's clock now.
  if (powerSource === 'stated') atProgramClock(children);
  ctx.blockInfo.defer(b, {
    kind,
    path,
    count,
    total_count: total,
    power_w: ir.power_w,
    area_m2: ir.area_m2,
    power_source: powerSource,
    area_source: areaSource,
  });
  return {
    ir,
    inst,
    block: b,
    children,
    clockHz: clocks.hz,
    sourceClockHz: clocks.sourceHz,
    figuresClockHz: figuresHz,
    figuresPowerW,
  };
}

/** Marks parts whose figures a parent's stated power replaced: they hold at the program's clock. */
function atProgramClock(nodes: Node[]): void {
  for (const n of nodes) {
    n.figuresClockHz = n.sourceClockHz;
    n.figuresPowerW = n.ir.power_w;
    atProgramClock(n.children);
  }
}

/** Class tests and counts over an elaborated tree (a node is a `cls` when its kind is or extends it). */
interface TreeQueries {
  isA(n: Node, cls: string): boolean;
  /** Copies of `cls` nodes inside one copy of `n` (counts multiplied below n). */
  countInside(n: Node, cls: string): number;
  /** The first `cls` node below `n`, in document order. */
  firstInside(n: Node, cls: string): Node | undefined;
}

function treeQueries(ctx: CheckContext): TreeQueries {
  const q: TreeQueries = {
    isA: (n, cls) => ctx.isA('component', n.ir.kind, cls),
    countInside(n, cls) {
      let total = 0;
      for (const c of n.children) total += c.ir.count * ((q.isA(c, cls) ? 1 : 0) + q.countInside(c, cls));
      return total;
    },
    firstInside(n, cls) {
      for (const c of n.children) {
        const found = q.isA(c, cls) ? c : q.firstInside(c, cls);
        if (found) return found;
      }
      return undefined;
    },
  };
  return q;
}

function elaborateOne(
  ctx: CheckContext,
  block: Block,
  uri: string,
  devices: Map<string, IrDevice>,
): IrArchitecture | undefined {
  const { archInst, name, clockHz, chips, root } = elaborateTree(ctx, block, uri);
  const q = treeQueries(ctx);
  const all = descendants(root, []);
  const { partitions, tileTypes, gpus } = tilesAndGpus(root, all, q, devices);
  const nocNode = root.children.find((n) => q.isA(n, 'noc'));
  const noc = nocNode
    ? elaborateNoc(
        ctx,
        uri,
        name,
        nocNode,
        all.find((n) => q.isA(n, 'router')),
        partitions,
        tileTypes,
        clockHz,
      )
    : undefined;
  if (noc && nocNode) concentrate(ctx, uri, nocNode.inst, nocNode.block.kind.span, noc, tileTypes, gpus, chips);
  // @pim/ir placement: a stack is placed by tier only on one chip (routerGrid's byTier).
  const tiersAttr = nocNode?.inst?.statedAttr('tiers');
  if (noc && tiersAttr && noc.tiers.length > 0 && chips > 1)
    ctx.report(diag('tiersOnManyChips', uri, tiersAttr.value.span, name, chips));
  const arch: IrArchitecture = {
    name,
    chips,
    clock_hz: clockHz,
    weight_bits: Math.max(1, Math.round(asNumber(archInst.get('weight_bits')) ?? 16)),
    input_bits: Math.max(1, Math.round(asNumber(archInst.get('input_bits')) ?? 16)),
    root: root.ir,
    partitions,
    tile_types: tileTypes,
    gpus,
    links: linksOf(all, q),
    totals: {
      power_w: root.ir.power_w * chips,
      area_m2: root.ir.area_m2 * chips,
      crossbars: totalCount(all.filter((n) => q.isA(n, 'crossbar'))),
      tiles: tileTypes.reduce((s, t) => s + t.count, 0),
      gpus: gpus.reduce((s, g) => s + g.count, 0),
    },
    breakdown: breakdownOf(all),
  };
  if (noc) arch.noc = noc;
  const thermalNode = root.children.find((n) => q.isA(n, 'thermal'));
  if (thermalNode?.inst) {
    arch.thermal = elaborateThermal(ctx, name, thermalNode.inst, noc);
    checkDieArea(ctx, thermalNode.inst, arch);
  }
  return arch;
}

/** The architecture's own attributes and its component tree (inheritance applied, figures rolled up). */
function elaborateTree(
  ctx: CheckContext,
  block: Block,
  uri: string,
): { archInst: Instance; name: string; clockHz: number; chips: number; root: Node } {
  const archCls = ctx.classes.component.get('architecture')!;
  const { members: body, uriOf } = inheritedBody(ctx, block, uri);
  const fileOf = (m: Member): string => uriOf.get(m) ?? uri;
  const archInst = instantiate(ctx, archCls, body, uri, {
    anchor: block.kind.span,
    what: `architecture '${block.name!.name}'`,
    uriOf: fileOf,
    overrides: ctx.overridesAt(block.name!.name),
  });
  checkValues(ctx, archInst);
  ctx.instances.set(block.name!.name, archInst);
  // A clock not above 0 was reported above; 1 GHz keeps cycle figures from failing again.
  const clockHz = validClock(asNumber(archInst.get('clock'))) ?? 1e9;
  const clocks: Clocks = { hz: clockHz, sourceHz: validClock(asNumber(archInst.sourceValue('clock'))) ?? clockHz };
  // Below 1 was reported above; 1 keeps later passes from repeating the error.
  const chips = Math.max(1, asNumber(archInst.get('chips')) ?? 1);
  const name = block.name!.name;

  const topChildren: Node[] = [];
  // Checked on each block as written: inheritance replaces a base's component by name on purpose.
  checkUniqueLabels(ctx, block.body, uri);
  for (const m of body) {
    if (m.type === 'Block') {
      const c = build(ctx, clocks, m, name, chips, fileOf(m));
      if (c) topChildren.push(c);
    } else if (m.type !== 'Attribute') {
      ctx.report(diag('misplaced', fileOf(m), m.span, describeMember(m), 'an architecture'));
    }
  }
  const root = finish(ctx, block, 'architecture', name, name, chips, chips, archInst, topChildren, uri, clocks);
  // Figures were rolled up and reconciled at the program's clocks; a design point's clock scales them now.
  scaleToDesignClock(root, (kind) => clockedPower(ctx, kind));
  // Figures of the root are per chip; children were counted per chip and multiplied by `chips`.
  root.ir.count = chips;
  root.ir.path = name;
  return { archInst, name, clockHz, chips, root };
}

/**
 * A crossbar's spec, which needs its device; its read latency defaults to the device's. A device's
 * latencies stated in cycles become seconds here, at the crossbar's clock.
 */
function crossbarSpec(n: Node, devices: Map<string, IrDevice>): IrTileType['crossbar'] {
  const cell = n.inst?.get('cell');
  const dev = cell?.t === 'word' ? devices.get(cell.name) : undefined;
  // At least 1 (0 was reported), so that the mapping's arithmetic stays finite.
  const rows = Math.max(1, asNumber(n.inst?.get('rows')) ?? 128);
  const cols = Math.max(1, asNumber(n.inst?.get('cols')) ?? 128);
  const devRead = dev?.read_latency_cycles !== undefined ? dev.read_latency_cycles / n.clockHz : dev?.read_latency_s;
  const readLatency = asNumber(n.inst?.get('read_latency')) ?? devRead ?? 100e-9;
  const power = n.ir.power_w;
  const energy = n.ir.energy_j ?? power * readLatency;
  n.ir.attributes['read_latency'] = readLatency;
  if (n.ir.energy_j === undefined) n.ir.energy_j = energy;
  if (n.ir.latency_s === undefined) n.ir.latency_s = readLatency;
  const spec: NonNullable<IrTileType['crossbar']> = {
    rows,
    cols,
    device: dev?.name ?? (cell?.t === 'word' ? cell.name : ''),
    bits_per_cell: dev?.bits_per_cell ?? 1,
    read_latency_s: readLatency,
    power_w: power,
    area_m2: n.ir.area_m2,
    read_energy_j: energy,
  };
  if (dev?.write_latency_cycles !== undefined) spec.write_latency_s = dev.write_latency_cycles / n.clockHz;
  return spec;
}

/** Partitions (the top-level `partition` blocks, else an implicit 'chip'), with their tile types and GPUs. */
function tilesAndGpus(
  root: Node,
  all: Node[],
  q: TreeQueries,
  devices: Map<string, IrDevice>,
): { partitions: IrPartition[]; tileTypes: IrTileType[]; gpus: IrGpu[] } {
  const insideTiles = new Set<Node>();
  for (const t of all) if (q.isA(t, 'tile')) for (const d of descendants(t, [])) insideTiles.add(d);
  const partitionOf = new Map<Node, string>();
  const partitions: IrPartition[] = [];
  for (const c of root.children) {
    if (!q.isA(c, 'partition')) continue;
    const part: IrPartition = { name: c.ir.name, kind: 'digital', tier: 0, tiles: [], gpus: [] };
    if (c.ownClockHz !== undefined) part.clock_hz = c.ownClockHz;
    partitions.push(part);
    partitionOf.set(c, c.ir.name);
    for (const d of descendants(c, [])) partitionOf.set(d, c.ir.name);
  }
  const implicit: IrPartition = { name: 'chip', kind: 'digital', tier: 0, tiles: [], gpus: [] };

  const tileTypes: IrTileType[] = [];
  const gpus: IrGpu[] = [];
  for (const n of all) {
    const partName = partitionOf.get(n) ?? 'chip';
    const part = partitions.find((p) => p.name === partName) ?? implicit;
    if (q.isA(n, 'tile')) {
      const tt = tileType(n, part.name, q, devices);
      tileTypes.push(tt);
      part.tiles.push(n.ir.name);
      if (tt.crossbar) part.kind = 'reram';
    } else if (q.isA(n, 'gpu')) {
      gpus.push({
        name: n.ir.name,
        path: n.ir.path,
        partition: part.name,
        count: n.ir.total_count,
        peak_flops: asNumber(n.inst?.get('peak')) ?? 0,
        memory_bandwidth_bps: asNumber(n.inst?.get('memory_bandwidth')) ?? 0,
        power_w: n.ir.power_w,
        area_m2: n.ir.area_m2,
      });
      part.gpus.push(n.ir.name);
      if (part.kind === 'digital') part.kind = 'gpu';
    } else if (q.isA(n, 'crossbar') && !insideTiles.has(n)) {
      // Crossbars outside any tile still need their spec resolved (read latency, energy).
      crossbarSpec(n, devices);
    }
  }
  if (implicit.tiles.length || implicit.gpus.length) partitions.push(implicit);
  return { partitions, tileTypes, gpus };
}

/** A tile's flattened figures: its units (the crossbars' parents), crossbar, ADC, DAC and buffer. */
function tileType(n: Node, partition: string, q: TreeQueries, devices: Map<string, IrDevice>): IrTileType {
  const clockHz = n.clockHz;
  const isXbar = (x: Node): boolean => q.isA(x, 'crossbar');
  const xbarsPerTile = q.countInside(n, 'crossbar');
  const units = n.children.filter((c) => isXbar(c) || q.countInside(c, 'crossbar') > 0);
  const unitsPerTile = units.some(isXbar) ? 1 : totalCopies(units) || 1;
  const unit = units.find((u) => !isXbar(u));
  const unitNode = unit ?? n;
  const xbar = q.firstInside(n, 'crossbar');
  const adc = q.firstInside(unitNode, 'adc');
  const dac = q.firstInside(unitNode, 'dac');
  const bufNodes = n.children.filter((c) => q.isA(c, 'edram') || q.isA(c, 'sram'));
  const buf = bufNodes[0];
  const busWidth = buf ? (asNumber(buf.inst?.get('bus_width')) ?? 256) : 256;
  const tt: IrTileType = {
    name: n.ir.name,
    path: n.ir.path,
    partition,
    count: n.ir.total_count,
    units_per_tile: unitsPerTile,
    crossbars_per_unit: xbarsPerTile / unitsPerTile,
    crossbars_per_tile: xbarsPerTile,
    adcs_per_unit: q.countInside(unitNode, 'adc'),
    dacs_per_unit: q.countInside(unitNode, 'dac'),
    dac_bits: dac ? (asNumber(dac.inst?.get('resolution')) ?? 1) : 1,
    buffer_bits: bufNodes.reduce((s, b) => s + b.ir.count * (asNumber(b.inst?.get('capacity')) ?? 0), 0),
    buffer_access_energy_j: buf?.ir.energy_j ?? 0,
    buffer_bandwidth_bps: busWidth * clockHz,
    power_w: n.ir.power_w,
    static_power_w: n.ir.static_power_w ?? 0,
    area_m2: n.ir.area_m2,
  };
  if (xbar) tt.crossbar = crossbarSpec(xbar, devices);
  if (adc) {
    const rate = asNumber(adc.inst?.get('rate')) ?? clockHz;
    tt.adc = {
      resolution_bits: asNumber(adc.inst?.get('resolution')) ?? 8,
      rate_hz: rate,
      power_w: adc.ir.power_w,
      area_m2: adc.ir.area_m2,
      energy_per_conversion_j: adc.inst?.isStated('power')
        ? adc.ir.power_w / rate
        : (adc.ir.energy_j ?? adc.ir.power_w / rate),
    };
  }
  return tt;
}

/** What the NoC's defaults read of its router: one physical router (before `shared_by`). */
interface RouterFigures {
  /** Its power at the clock it runs at. */
  power: number;
  ports: number;
  /** The clock its power figure was given at (Node.figuresClockHz), and its power at that clock. */
  figuresClockHz: number;
  figuresPower: number;
}

function routerFigures(router: Node): RouterFigures {
  return {
    power: router.ir.power_w * router.ir.shared_by,
    ports: asNumber(router.inst?.get('ports')) ?? 8,
    figuresClockHz: router.figuresClockHz,
    figuresPower: router.figuresPowerW * router.ir.shared_by,
  };
}

/**
 * A NoC without a router block: the library's default router (ISAAC's), its power brought from the
 * library's clock to the chip's as a router block's is.
 */
function libraryRouter(ctx: CheckContext, uri: string, nocNode: Node, clockHz: number): RouterFigures {
  const inst = instantiate(ctx, ctx.classes.component.get('router')!, undefined, uri, {
    clockHz,
    anchor: nocNode.block.kind.span,
    what: "the NoC's default 'router'",
  });
  const power = asNumber(inst.get('power')) ?? 0;
  const figuresClockHz = validClock(asNumber(inst.get('figures_clock'))) ?? clockHz;
  const ir = { own_power_w: power, power_w: power, shared_by: 1, children: [], static_power_w: 0 };
  ir.static_power_w = staticPower(inst, ir);
  scaleOwnDynamic(ir, clockHz / figuresClockHz);
  return { power: ir.power_w, ports: asNumber(inst.get('ports')) ?? 8, figuresClockHz, figuresPower: power };
}

/**
 * The router's energy per bit and hop: its power over its full-load throughput (one flit per port per
 * cycle), both at the clock its power figure was given at (the program's, or the library's for a
 * default). At another clock (the program's for a default, a design point's) its dynamic power follows
 * the clock and so does the throughput, but its leakage does not: taken at the figure's clock, as the
 * idle energy charges leakage apart, so a slower clock does not spread the leakage over fewer bits (at
 * 1 MHz, a hundredfold). A default router so moves ISAAC's 0.137 pJ/bit at any clock, as a default
 * buffer's access costs ISAAC's energy.
 */
function routerEnergyPerBit(r: RouterFigures, flitBits: number): number {
  return r.figuresPower / (r.ports * flitBits * r.figuresClockHz);
}

/** The `noc` block: topology, dimensions, the tiers (partitions) of a 3D stack, per-hop costs. */
function elaborateNoc(
  ctx: CheckContext,
  uri: string,
  name: string,
  nocNode: Node,
  router: Node | undefined,
  partitions: IrPartition[],
  tileTypes: IrTileType[],
  clockHz: number,
): IrNoc {
  const inst = nocNode.inst;
  const flit = asNumber(inst?.get('flit')) ?? 32;
  const dimsV = inst?.get('dims');
  const dims =
    dimsV?.t === 'list'
      ? dimsV.items.map((i) => (i.t === 'num' ? i.v : 1))
      : [Math.ceil(Math.sqrt(tileTypes.reduce((s, t) => s + t.count, 0) || 1))];
  const dimsAttr = inst?.statedAttr('dims');
  if (dimsAttr && dims.some((x) => x < 1))
    ctx.report(
      diag(
        'outOfRange',
        uri,
        dimsAttr.value.span,
        "'dims' of 'noc' block",
        `[${dims.join(', ')}]`,
        'at least 1 in every dimension',
      ),
    );
  const tiersV = inst?.get('tiers');
  const tiers: string[] = [];
  if (tiersV?.t === 'list') {
    tiersV.items.forEach((it, i) => {
      const tierName = it.t === 'word' ? it.name : undefined;
      const attr = inst?.statedAttr('tiers');
      const span =
        attr?.value.type === 'List'
          ? (attr.value.items[i]?.span ?? attr.value.span)
          : (attr?.value.span ?? nocNode.block.kind.span);
      if (!tierName || !partitions.some((p) => p.name === tierName)) {
        ctx.report(
          diag(
            'unknownName',
            uri,
            span,
            tierName ?? '?',
            tierName
              ? didYouMean(
                  tierName,
                  partitions.map((p) => p.name),
                )
              : undefined,
          ),
        );
      } else {
        const partSym = ctx.nested.get(`${name}.${tierName}`);
        if (partSym) ctx.reference(uri, span, partSym);
        tiers.push(tierName);
        partitions.find((p) => p.name === tierName)!.tier = i;
      }
    });
  }
  const r = router ? routerFigures(router) : libraryRouter(ctx, uri, nocNode, clockHz);
  // A router at full load moves one flit per port per cycle, so its power spread over that
  // throughput is its energy per bit (ISAAC's router: 42 mW / (8 × 32 bit × 1.2 GHz) = 0.137 pJ/bit).
  const topo = inst?.get('topology');
  return {
    topology: (topo?.t === 'word' ? topo.name : 'mesh') as IrNoc['topology'],
    dims,
    flit_bits: flit,
    hop_latency_s: asNumber(inst?.get('hop_latency')) ?? 1 / clockHz,
    tiers,
    tsv_latency_s: asNumber(inst?.get('tsv_latency')) ?? 1 / clockHz,
    link_bandwidth_bps: asNumber(inst?.get('link_bandwidth')) ?? flit * clockHz,
    energy_per_bit_hop_j: asNumber(inst?.get('energy_per_bit_hop')) ?? routerEnergyPerBit(r, flit),
    router_power_w: r.power,
  };
}

function linksOf(all: Node[], q: TreeQueries): IrArchitecture['links'] {
  return all
    .filter((n) => q.isA(n, 'link'))
    .map((n) => ({
      name: n.ir.name,
      count: n.ir.total_count,
      bandwidth_bps: asNumber(n.inst?.get('bandwidth')) ?? 0,
      frequency_hz: asNumber(n.inst?.get('frequency')) ?? 0,
      power_w: n.ir.power_w,
      area_m2: n.ir.area_m2,
    }));
}

/** Own power and area summed by kind over the chip, largest power first. */
function breakdownOf(all: Node[]): IrArchitecture['breakdown'] {
  const breakdown = new Map<string, { kind: string; count: number; power_w: number; area_m2: number }>();
  for (const n of all) {
    if (n.ir.own_power_w === 0 && n.ir.own_area_m2 === 0) continue;
    const e = breakdown.get(n.ir.kind) ?? { kind: n.ir.kind, count: 0, power_w: 0, area_m2: 0 };
    e.count += n.ir.total_count;
    e.power_w += n.ir.own_power_w * n.ir.total_count;
    e.area_m2 += n.ir.own_area_m2 * n.ir.total_count;
    breakdown.set(n.ir.kind, e);
  }
  return [...breakdown.values()].sort((x, y) => y.power_w - x.power_w || (x.kind < y.kind ? -1 : 1));
}

/**
 * Copies of the nodes in all. A plain loop: an inlined `reduce` over IrComponents of several shapes
 * fell into a V8 deoptimization loop here (elaborateOne deoptimized on every call).
 */
function totalCount(nodes: Node[]): number {
  let total = 0;
  for (const n of nodes) total += n.ir.total_count;
  return total;
}

/** Copies of the nodes per copy of their parent. */
function totalCopies(nodes: Node[]): number {
  let total = 0;
  for (const n of nodes) total += n.ir.count;
  return total;
}

/** The nodes below `n` in document order (each before its own children), added to `out`. */
function descendants(n: Node, out: Node[]): Node[] {
  for (const c of n.children) {
    out.push(c);
    descendants(c, out);
  }
  return out;
}

/**
 * Components of one parent need distinct names (a block's name, else its kind): paths such as
 * `isaac.isaac_tile.ima` must name one component. Two `ima` blocks need names to be told apart.
 */
function checkUniqueLabels(ctx: CheckContext, body: Member[] | undefined, uri: string): void {
  if (!body) return;
  // Bodies hold a handful of blocks: a scan of the earlier members, with no Map per block, up to a
  // few dozen members.
  const seen = body.length > SCAN_LIMIT ? new Map<string, Block>() : undefined;
  for (let i = 0; i < body.length; i++) {
    const m = body[i]!;
    if (m.type !== 'Block') continue;
    const id = m.name ?? m.kind;
    const first = seen ? seen.get(id.name) : firstLabelled(body, i, id.name);
    if (!first) {
      seen?.set(id.name, m);
      continue;
    }
    const d = diag('duplicateName', uri, id.span, id.name);
    d.related = [
      {
        uri,
        span: (first.name ?? first.kind).span,
        message: m.name
          ? `'${id.name}' is first defined here`
          : `the first unnamed '${id.name}' (name the blocks to tell them apart)`,
      },
    ];
    ctx.report(d);
  }
}

const SCAN_LIMIT = 32;

/** The first block before `end` labelled `label` (its name, else its kind). */
function firstLabelled(body: Member[], end: number, label: string): Block | undefined {
  for (let j = 0; j < end; j++) {
    const m = body[j]!;
    if (m.type === 'Block' && (m.name ?? m.kind).name === label) return m;
  }
  return undefined;
}
