// 2D mesh, 2D torus and 3D stacked mesh with dimension-ordered (X, then Y, then Z) routing, plus a bus.
// Links are directed: index = node × 6 + direction (+x, −x, +y, −y, +z, −z).
import { nocRouters, type IrNoc } from '@pim/ir';

export type Topology = 'mesh' | 'mesh3d' | 'torus' | 'bus' | 'cmesh';

export interface Mesh {
  topology: Topology;
  /** [x, y, z] of one chip; z = 1 for 2D. */
  dims: [number, number, number];
  /** Routers on all chips: x·y·z·chips. Node = local + chip · (x·y·z). */
  nodes: number;
  /** Chips in a chain joined by off-chip links (HyperTransport) at each chip's I/O router; 1 for one chip. */
  chips: number;
  chipLinkBandwidth: number;
  chipLinkLatency: number;
  chipLinkEnergyPerBit: number;
  hopLatency: number;
  /** Latency of one vertical (TSV) hop. */
  tsvLatency: number;
  linkBandwidth: number;
  energyPerBitHop: number;
  flitBits: number;
  /** Bandwidth of one tile's injection and of one tile's ejection port (one flit per cycle, like a link). */
  portBandwidth: number;
  /** Tiles (endpoints, each with its own injection and ejection port) at each router; 1 where not set. */
  localPorts?: Int32Array;
}

export const DIRS = ['+x', '-x', '+y', '-y', '+z', '-z'] as const;

export interface ChipLinks {
  chips: number;
  /** Bandwidth, latency and energy per bit of the link between neighbouring chips. */
  bandwidth: number;
  latency: number;
  energyPerBit: number;
}

/**
 * The NoC of one chip, repeated over `chipLinks.chips`. A bus is one shared link with every tile and GPU
 * core on its own port: given `endpoints` (all chips' units), it gets one node per endpoint of a chip,
 * so that a transfer between any two tiles crosses the link (its dims would put several tiles on one
 * node, and transfers between them would be free).
 */
export function meshFromIr(noc: IrNoc, chipLinks?: ChipLinks, endpoints?: number): Mesh {
  const chips = chipLinks && chipLinks.chips > 1 ? chipLinks.chips : 1;
  const busNodes = endpoints === undefined ? (noc.dims[0] ?? 1) : Math.ceil(endpoints / chips);
  const dims: [number, number, number] = noc.topology === 'bus' ? [Math.max(1, busNodes), 1, 1] : nocRouters(noc);
  return {
    topology: noc.topology,
    dims,
    nodes: dims[0] * dims[1] * dims[2] * chips,
    chips,
    chipLinkBandwidth: chipLinks?.bandwidth ?? 0,
    chipLinkLatency: chipLinks?.latency ?? 0,
    chipLinkEnergyPerBit: chipLinks?.energyPerBit ?? 0,
    hopLatency: noc.hop_latency_s,
    tsvLatency: noc.tsv_latency_s > 0 ? noc.tsv_latency_s : noc.hop_latency_s,
    linkBandwidth: noc.link_bandwidth_bps,
    energyPerBitHop: noc.energy_per_bit_hop_j,
    flitBits: noc.flit_bits,
    portBandwidth: noc.link_bandwidth_bps,
  };
}

/** The same routers folded into tiers (2D → 3D, four tiers when there are at least 16 nodes) or flattened (3D → 2D). */
export function counterpart(m: Mesh): Mesh {
  const n = m.nodes / m.chips;
  if (m.topology === 'mesh3d') {
    const x = Math.ceil(Math.sqrt(n));
    return { ...m, topology: 'mesh', dims: [x, Math.ceil(n / x), 1], nodes: x * Math.ceil(n / x), chips: 1 };
  }
  const z = n >= 16 ? 4 : 2;
  // A concentrated mesh's counterpart is a stack with the same routers (and the same tiles per router).
  const x = Math.ceil(Math.sqrt(n / z));
  const y = Math.ceil(n / (z * x));
  return { ...m, topology: 'mesh3d', dims: [x, y, z], nodes: x * y * z, chips: 1 };
}

export const perChip = (m: Mesh): number => m.dims[0] * m.dims[1] * m.dims[2];

/** [x, y, z] within the node's chip. */
export function coord(m: Mesh, node: number): [number, number, number] {
  const [X, Y, Z] = m.dims;
  return [node % X, Math.floor(node / X) % Y, Math.floor(node / (X * Y)) % Z];
}

export function chipOf(m: Mesh, node: number): number {
  return Math.floor(node / perChip(m));
}

export function nodeAt(m: Mesh, x: number, y: number, z: number, chip = 0): number {
  return x + m.dims[0] * (y + m.dims[1] * z) + chip * perChip(m);
}

/** Nodes of tier z (of a chip) in boustrophedon order, so consecutive tiles stay neighbours. */
export function snakeOrder(m: Mesh, z: number, chip = 0): number[] {
  const [X, Y] = m.dims;
  const out: number[] = [];
  for (let y = 0; y < Y; y++) for (let i = 0; i < X; i++) out.push(nodeAt(m, y % 2 === 0 ? i : X - 1 - i, y, z, chip));
  return out;
}

/** Where a chip's off-chip links attach: the first router of its snake. */
export const ioNodeOf = (m: Mesh, chip: number): number => nodeAt(m, 0, 0, 0, chip);

/** Links: 6 per router, then 2 per chip (to the next and to the previous chip). */
export const linkCount = (m: Mesh): number => m.nodes * 6 + 2 * m.chips;

export const isChipLink = (m: Mesh, link: number): boolean => link >= m.nodes * 6;

export const linkBandwidth = (m: Mesh, link: number): number =>
  isChipLink(m, link) ? m.chipLinkBandwidth : m.linkBandwidth;

export interface RouteResult {
  /** On-chip hops (vertical ones included). */
  hops: number;
  vertical: number;
  /** Chip-to-chip link hops. */
  chipHops: number;
}

/**
 * Routes `bits` from s to d (X, then Y, then Z), adding them to `linkBits` (Float64Array of nodes × 6) when
 * given, and to `groupLinks` (link → bits of this flow group) when given. Returns the hop counts.
 */
/** Per-group link accumulator: bits per link and the links touched (to reset and scan them cheaply). */
export interface GroupLinks {
  bits: Float64Array;
  touched: number[];
}

export function newGroupLinks(m: Mesh): GroupLinks {
  return { bits: new Float64Array(linkCount(m)), touched: [] };
}

function addLink(link: number, bits: number, linkBits: Float64Array | undefined, g: GroupLinks | undefined): void {
  if (linkBits) linkBits[link]! += bits;
  if (g) {
    if (g.bits[link] === 0) g.touched.push(link);
    g.bits[link]! += bits;
  }
}

export function route(
  m: Mesh,
  s: number,
  d: number,
  bits: number,
  linkBits?: Float64Array,
  groupLinks?: GroupLinks,
  ports?: PortLoads,
): RouteResult {
  const cs = chipOf(m, s);
  const cd = chipOf(m, d);
  if (cs !== cd) {
    // Off-chip: to this chip's I/O router, along the chain of chips, then from the far chip's I/O router.
    const a = routeLeg(m, s, 'out', bits, linkBits, groupLinks, ports);
    const chipHops = routeChain(m, cs, cd, bits, linkBits, groupLinks);
    const b = routeLeg(m, d, 'in', bits, linkBits, groupLinks, ports);
    return { hops: a.hops + b.hops, vertical: a.vertical + b.vertical, chipHops };
  }
  return routeOnChip(m, s, d, bits, linkBits, groupLinks, ports, true, true);
}

/**
 * An off-chip transfer's on-chip leg: from `node` to its chip's I/O router (`out`) or from that router
 * to `node` (`in`). The legs hand over at the I/O routers without ejecting. A leg depends on its node
 * alone, so a flow's legs can be routed once per node with the bits of all its off-chip pairs.
 */
export function routeLeg(
  m: Mesh,
  node: number,
  dir: 'out' | 'in',
  bits: number,
  linkBits?: Float64Array,
  groupLinks?: GroupLinks,
  ports?: PortLoads,
): RouteResult {
  const io = ioNodeOf(m, chipOf(m, node));
  return dir === 'out'
    ? routeOnChip(m, node, io, bits, linkBits, groupLinks, ports, true, false)
    : routeOnChip(m, io, node, bits, linkBits, groupLinks, ports, false, true);
}

/** The chain of chip-to-chip links from chip `cs` to chip `cd` (costed by their bandwidth): its length. */
export function routeChain(
  m: Mesh,
  cs: number,
  cd: number,
  bits: number,
  linkBits?: Float64Array,
  groupLinks?: GroupLinks,
): number {
  const step = cd > cs ? 1 : -1;
  for (let c = cs; c !== cd; c += step) addLink(m.nodes * 6 + 2 * c + (step > 0 ? 0 : 1), bits, linkBits, groupLinks);
  return Math.abs(cd - cs);
}

/** Bits through each router from each input port to each output port (for contention): index (node·7 + in)·7 + out. */
export interface PortLoads {
  bits: Float64Array;
  touched: number[];
}

/** Ports of a router in a turn: the six link directions (a packet arriving over a +x link enters port +x), then the tile's. */
export const LOCAL_PORT = 6;
export const PORTS = 7;

export function newPortLoads(m: Mesh): PortLoads {
  return { bits: new Float64Array(m.nodes * PORTS * PORTS), touched: [] };
}

function addTurn(p: PortLoads, node: number, inPort: number, outPort: number, bits: number): void {
  const i = (node * PORTS + inPort) * PORTS + outPort;
  if (p.bits[i] === 0) p.touched.push(i);
  p.bits[i]! += bits;
}

function routeOnChip(
  m: Mesh,
  s: number,
  d: number,
  bits: number,
  linkBits: Float64Array | undefined,
  groupLinks: GroupLinks | undefined,
  ports: PortLoads | undefined,
  inject: boolean,
  eject: boolean,
): RouteResult {
  if (s === d) {
    // Between tiles on one router (or within a tile): no link and no port of the network is contended.
    return { hops: 0, vertical: 0, chipHops: 0 };
  }
  const cs = chipOf(m, s);
  if (m.topology === 'bus') {
    // One shared medium: every transfer is one hop on the chip's link 0 (its bandwidth is the contention).
    addLink(cs * perChip(m) * 6, bits, linkBits, groupLinks);
    return { hops: 1, vertical: 0, chipHops: 0 };
  }
  let inPort = LOCAL_PORT;
  const hop = (node: number, dir: number): void => {
    addLink(node * 6 + dir, bits, linkBits, groupLinks);
    if (ports && (inject || inPort !== LOCAL_PORT)) addTurn(ports, node, inPort, dir, bits);
    inPort = dir;
  };
  const torus = m.topology === 'torus';
  const X = m.dims[0];
  const Y = m.dims[1];
  const base = cs * perChip(m);
  const ls = s - base;
  const ld = d - base;
  let x = ls % X;
  let y = Math.floor(ls / X) % Y;
  const z = Math.floor(ls / (X * Y));
  const tx = ld % X;
  const ty = Math.floor(ld / X) % Y;
  const tz = Math.floor(ld / (X * Y));
  let hops = 0;
  // Index arithmetic instead of coordinates: this loop runs for every pair of every flow.
  let dx = tx - x;
  let wrapX = false;
  if (torus && Math.abs(dx) * 2 > X) ((dx = dx > 0 ? dx - X : dx + X), (wrapX = true));
  const rowBase = base + X * (y + Y * z);
  while (dx !== 0) {
    hop(rowBase + x, dx > 0 ? 0 : 1);
    x = wrapX ? (x + (dx > 0 ? 1 : -1) + X) % X : x + (dx > 0 ? 1 : -1);
    dx += dx > 0 ? -1 : 1;
    hops++;
  }
  let dy = ty - y;
  if (torus && Math.abs(dy) * 2 > Y) dy = dy > 0 ? dy - Y : dy + Y;
  const colBase = base + x + X * Y * z;
  while (dy !== 0) {
    hop(colBase + X * y, dy > 0 ? 2 : 3);
    y = (y + (dy > 0 ? 1 : -1) + Y) % Y;
    dy += dy > 0 ? -1 : 1;
    hops++;
  }
  let zz = z;
  const pillar = base + x + X * y;
  while (zz !== tz) {
    const up = tz > zz;
    hop(pillar + X * Y * zz, up ? 4 : 5);
    zz += up ? 1 : -1;
    hops++;
  }
  if (ports && eject) addTurn(ports, d, inPort, LOCAL_PORT, bits);
  const vertical = Math.abs(tz - z);
  return { hops, vertical, chipHops: 0 };
}
