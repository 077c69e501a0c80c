// Routes a mapping's flows over a mesh and measures them: bits per link, the hottest link, average hops,
// energy (bits × hops × energy per bit-hop) and each flow group's latency (farthest path's hop latency plus
// the time its busiest port needs under contention: contention.ts).
import { mergePorts, portBound, type PortBound } from './contention.js';
import {
  type GroupLinks,
  type Mesh,
  type PortLoads,
  chipOf,
  coord,
  isChipLink,
  linkBandwidth,
  linkCount,
  newGroupLinks,
  newPortLoads,
  route,
  routeChain,
  routeLeg,
  DIRS,
  type RouteResult,
} from './mesh.js';

export interface Flow {
  /** Label of the transfer, e.g. `c1→c2` or `g1 V→E`. */
  group: string;
  /** Source and destination routers (one entry per tile; repeats allowed). Bits spread evenly over all pairs. */
  src: ArrayLike<number>;
  dst: ArrayLike<number>;
  /** Bits per image (or per graph) moved from the source set to the destination set. */
  bits: number;
  /** Many-to-few vertex→edge traffic of a GNN, which DropLayer reduces. */
  manyToFew?: boolean;
}

export interface GroupStats {
  group: string;
  bits: number;
  /** Bit-weighted mean hops. */
  avg_hops: number;
  max_hops: number;
  hottest_link_bits: number;
  /** Time of the group's busiest port under contention (link, ejection or injection; head-of-line blocking included). */
  contended_s: number;
  bound: PortBound['port'];
  latency_s: number;
  energy_j: number;
  many_to_few: boolean;
}

export interface LinkLoad {
  x: number;
  y: number;
  z: number;
  chip: number;
  /** +x … −z on chip; `chip+` / `chip−` for the off-chip link to the next / previous chip. */
  dir: string;
  bits: number;
}

export interface NocResult {
  topology: string;
  dims: number[];
  routers: number;
  total_bits: number;
  bit_hops: number;
  avg_hops: number;
  energy_j: number;
  /** Sum of the groups' latencies (transfers on the per-image critical path). */
  latency_s: number;
  hottest: LinkLoad | null;
  /** Time the most loaded link (by bits / its bandwidth) needs per image. */
  hottest_link_time_s: number;
  /** Time the busiest port needs per image with every group's traffic under contention: a bound on the pipeline period. */
  contended_time_s: number;
  /** That port. */
  bottleneck: PortBound;
  /** Bits over chip-to-chip links (multi-chip systems). */
  offchip_bits: number;
  groups: GroupStats[];
  /** Per-router load: bits leaving on its busiest output link (for the heatmap). */
  routers_load: { x: number; y: number; z: number; chip: number; bits: number }[];
  links: LinkLoad[];
  linkBits: Float64Array;
}

/** Distinct routers of a tile list with their tile counts, in first-seen order (`seen` is a zeroed scratch). */
function uniqueCounts(nodes: ArrayLike<number>, seen: Int32Array): [number[], number[]] {
  const keys: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (seen[n] === 0) keys.push(n);
    seen[n]!++;
  }
  const counts = keys.map((k) => seen[k]!);
  for (const k of keys) seen[k] = 0;
  return [keys, counts];
}

/** A call's link and port loads; with `detail` false they are the mesh's reused scratch. */
interface RouteBuffers {
  linkBits: Float64Array;
  /** The current group's link bits. */
  gl: GroupLinks;
  /** Links with traffic, so scans skip the idle ones. */
  touched: number[];
  ports: PortLoads;
  groupPorts: PortLoads;
}

/** Running sums over the groups (the order of additions is the report's, so its bytes stay put). */
interface FlowTotals {
  total: number;
  bitHops: number;
  energy: number;
  offchip: number;
}

const scratch = new WeakMap<Mesh, RouteBuffers>();
const seenScratch = new WeakMap<Mesh, Int32Array>();

function newRouteBuffers(mesh: Mesh): RouteBuffers {
  return {
    linkBits: new Float64Array(linkCount(mesh)),
    gl: newGroupLinks(mesh),
    touched: [],
    ports: newPortLoads(mesh),
    groupPorts: newPortLoads(mesh),
  };
}

/** Fresh buffers for a detailed call; otherwise the mesh's scratch, with only what the previous call touched zeroed. */
function routeBuffers(mesh: Mesh, detail: boolean): RouteBuffers {
  if (detail) return newRouteBuffers(mesh);
  let sc = scratch.get(mesh);
  if (!sc) scratch.set(mesh, (sc = newRouteBuffers(mesh)));
  for (const l of sc.touched) sc.linkBits[l] = 0;
  sc.touched.length = 0;
  for (const t of sc.ports.touched) sc.ports.bits[t] = 0;
  sc.ports.touched.length = 0;
  return sc;
}

/** A flow group's paths summed: bits × hops, energy, the longest path in hops and in time. */
interface PairStats {
  bitHops: number;
  energy: number;
  maxHops: number;
  maxLat: number;
}

/** Adds one (source, destination) pair's path of `bits` to `st` (and its off-chip bits to `totals`). */
function tally(mesh: Mesh, st: PairStats, totals: FlowTotals, bits: number, r: RouteResult): void {
  st.bitHops += bits * (r.hops + r.chipHops);
  st.energy += bits * (r.hops * mesh.energyPerBitHop + r.chipHops * mesh.chipLinkEnergyPerBit);
  if (r.chipHops > 0) totals.offchip += bits;
  if (r.hops + r.chipHops > st.maxHops) st.maxHops = r.hops + r.chipHops;
  const lat =
    (r.hops - r.vertical) * mesh.hopLatency + r.vertical * mesh.tsvLatency + r.chipHops * mesh.chipLinkLatency;
  if (lat > st.maxLat) st.maxLat = lat;
}

/**
 * Routes every (source, destination) pair of a flow group into the group's link and port loads. Pairs on
 * one chip are routed one by one. An off-chip pair's two on-chip legs each depend on one node alone
 * (to or from its chip's I/O router), so each node's leg is routed once with the bits of all its
 * off-chip pairs, and each chain between two chips once: routing every pair's legs made VGG-16 on 64
 * ISAAC chips take 5 s and on 128 chips 21 s, almost all of it here. The pairs' hops come from the legs.
 */
function routePairs(
  mesh: Mesh,
  [sn, sc]: [number[], number[]],
  [dn, dc]: [number[], number[]],
  perPair: number,
  buf: RouteBuffers,
  totals: FlowTotals,
): PairStats {
  const { gl, groupPorts } = buf;
  const st: PairStats = { bitHops: 0, energy: 0, maxHops: 0, maxLat: 0 };
  const cs = sn.map((n) => chipOf(mesh, n));
  const cd = dn.map((n) => chipOf(mesh, n));
  // Each node's off-chip bits; NaN where it has no off-chip pair (a pair may carry 0 bits).
  const out = new Float64Array(sn.length).fill(NaN);
  const into = new Float64Array(dn.length).fill(NaN);
  const chains = new Map<number, number>();
  for (let i = 0; i < sn.length; i++) {
    for (let j = 0; j < dn.length; j++) {
      const bits = perPair * sc[i]! * dc[j]!;
      if (cs[i] === cd[j]) tally(mesh, st, totals, bits, route(mesh, sn[i]!, dn[j]!, bits, undefined, gl, groupPorts));
      else {
        out[i] = (out[i]! || 0) + bits;
        into[j] = (into[j]! || 0) + bits;
        const key = cs[i]! * mesh.chips + cd[j]!;
        chains.set(key, (chains.get(key) ?? 0) + bits);
      }
    }
  }
  if (chains.size === 0) return st;
  const legs = (nodes: number[], bits: Float64Array, dir: 'out' | 'in') =>
    nodes.map((n, k) => (bits[k]! >= 0 ? routeLeg(mesh, n, dir, bits[k]!, undefined, gl, groupPorts) : undefined));
  const a = legs(sn, out, 'out');
  const b = legs(dn, into, 'in');
  for (const [key, bits] of chains)
    routeChain(mesh, Math.floor(key / mesh.chips), key % mesh.chips, bits, undefined, gl);
  for (let i = 0; i < sn.length; i++) {
    for (let j = 0; j < dn.length; j++) {
      if (cs[i] === cd[j]) continue;
      const r = {
        hops: a[i]!.hops + b[j]!.hops,
        vertical: a[i]!.vertical + b[j]!.vertical,
        chipHops: Math.abs(cd[j]! - cs[i]!),
      };
      tally(mesh, st, totals, perPair * sc[i]! * dc[j]!, r);
    }
  }
  return st;
}

/** Routes one flow group: adds its links' bits and ports to the call's loads and its sums to `totals`. */
function routeGroup(mesh: Mesh, f: Flow, buf: RouteBuffers, seen: Int32Array, totals: FlowTotals): GroupStats {
  const { gl, groupPorts, linkBits, touched } = buf;
  const [sn, sc] = uniqueCounts(f.src, seen);
  const [dn, dc] = uniqueCounts(f.dst, seen);
  const perPair = f.bits / (f.src.length * f.dst.length);
  const {
    bitHops: gBitHops,
    energy: gEnergy,
    maxHops,
    maxLat,
  } = routePairs(mesh, [sn, sc], [dn, dc], perPair, buf, totals);
  // The group's serialization: its busiest link's bits over that link's bandwidth.
  let hotTime = 0;
  let hot = 0;
  for (const link of gl.touched) {
    const v = gl.bits[link]!;
    if (linkBits[link] === 0) touched.push(link);
    linkBits[link]! += v;
    const t = v / linkBandwidth(mesh, link);
    if (t > hotTime) ((hotTime = t), (hot = v));
    gl.bits[link] = 0;
  }
  gl.touched.length = 0;
  // The bus has no routers: its one link's serialization is its contention.
  const bound = mesh.topology === 'bus' ? undefined : portBound(mesh, groupPorts);
  mergePorts(buf.ports, groupPorts);
  const contended = Math.max(hotTime, bound?.time_s ?? 0);
  totals.total += f.bits;
  totals.bitHops += gBitHops;
  totals.energy += gEnergy;
  return {
    group: f.group,
    bits: f.bits,
    avg_hops: gBitHops / f.bits,
    max_hops: maxHops,
    hottest_link_bits: hot,
    contended_s: contended,
    bound: bound && bound.time_s >= hotTime ? bound.port : 'link',
    latency_s: maxLat + contended,
    energy_j: gEnergy,
    many_to_few: f.manyToFew === true,
  };
}

/** The most loaded link (by its time) and the call's bottleneck: the busiest port, or that link when it is slower. */
function callBottleneck(mesh: Mesh, buf: RouteBuffers): { hotIdx: number; hotTime: number; bottleneck: PortBound } {
  const { linkBits } = buf;
  let hotIdx = -1;
  let hotTime = 0;
  for (const i of buf.touched) {
    const t = linkBits[i]! / linkBandwidth(mesh, i);
    if (t > hotTime) ((hotTime = t), (hotIdx = i));
  }
  const whole = mesh.topology === 'bus' ? undefined : portBound(mesh, buf.ports);
  const bottleneck: PortBound =
    whole && whole.time_s >= hotTime
      ? whole
      : {
          time_s: hotTime,
          port: hotIdx >= 0 ? 'link' : 'none',
          node: hotIdx >= 0 ? Math.floor(hotIdx / 6) : -1,
          bits: hotIdx >= 0 ? linkBits[hotIdx]! : 0,
          efficiency: 1,
        };
  return { hotIdx, hotTime, bottleneck };
}

/** `detail` false: no per-link/per-router lists, and the link array is a reused scratch (not returned for keeps). */
export function routeFlows(mesh: Mesh, flows: Flow[], detail = true): NocResult {
  const buf = routeBuffers(mesh, detail);
  const { linkBits } = buf;
  const groups: GroupStats[] = [];
  const totals: FlowTotals = { total: 0, bitHops: 0, energy: 0, offchip: 0 };
  let seen = seenScratch.get(mesh);
  if (!seen) seenScratch.set(mesh, (seen = new Int32Array(mesh.nodes)));
  for (const f of flows) {
    if (!(f.bits > 0) || f.src.length === 0 || f.dst.length === 0) continue;
    groups.push(routeGroup(mesh, f, buf, seen, totals));
  }
  const { hotIdx, hotTime, bottleneck } = callBottleneck(mesh, buf);
  const { total, bitHops } = totals;
  const { routers_load, links } = detail ? loadLists(mesh, linkBits) : { routers_load: [], links: [] };
  return {
    topology: mesh.topology,
    dims: mesh.topology === 'mesh3d' ? [...mesh.dims] : [mesh.dims[0], mesh.dims[1]],
    routers: mesh.nodes,
    total_bits: total,
    bit_hops: bitHops,
    avg_hops: total > 0 ? bitHops / total : 0,
    energy_j: totals.energy,
    latency_s: groups.reduce((s, g) => s + g.latency_s, 0),
    hottest: hotIdx >= 0 ? linkLoadAt(mesh, linkBits, hotIdx) : null,
    hottest_link_time_s: hotTime,
    contended_time_s: bottleneck.time_s,
    bottleneck,
    offchip_bits: totals.offchip,
    groups,
    routers_load,
    links,
    linkBits,
  };
}

/** The load of link `i` (a mesh link by its router and direction, or an off-chip link). */
function linkLoadAt(mesh: Mesh, linkBits: Float64Array, i: number): LinkLoad {
  if (isChipLink(mesh, i)) {
    const k = i - mesh.nodes * 6;
    return { x: 0, y: 0, z: 0, chip: Math.floor(k / 2), dir: k % 2 === 0 ? 'chip+' : 'chip-', bits: linkBits[i]! };
  }
  const node = Math.floor(i / 6);
  const [x, y, z] = coord(mesh, node);
  return { x, y, z, chip: chipOf(mesh, node), dir: DIRS[i % 6]!, bits: linkBits[i]! };
}

/** Per-router loads (its busiest outgoing link) and every link with traffic, for the report. */
function loadLists(mesh: Mesh, linkBits: Float64Array): Pick<NocResult, 'routers_load' | 'links'> {
  const routers_load: NocResult['routers_load'] = [];
  const links: LinkLoad[] = [];
  for (let n = 0; n < mesh.nodes; n++) {
    let m = 0;
    for (let d = 0; d < 6; d++) m = Math.max(m, linkBits[n * 6 + d]!);
    const [x, y, z] = coord(mesh, n);
    routers_load.push({ x, y, z, chip: chipOf(mesh, n), bits: m });
  }
  for (let i = 0; i < linkBits.length; i++) if (linkBits[i]! > 0) links.push(linkLoadAt(mesh, linkBits, i));
  return { routers_load, links };
}

/** A batch's time: its busiest port under contention, then the farthest path's zero-load latency to drain it. */
export function batchTime(r: NocResult): number {
  return r.contended_time_s + r.groups.reduce((m, g) => Math.max(m, g.latency_s - g.contended_s), 0);
}
