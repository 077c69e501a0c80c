// 2D mesh, 2D torus and 3D stacked mesh with dimension-ordered (X, then Y, then Z) routing, plus a bus.
// Links are directed: index = node × 6 + direction (+x, −x, +y, −y, +z, −z).
import type { IrNoc } from '@pim/compiler';

export type Topology = 'mesh' | 'mesh3d' | 'torus' | 'bus';

export interface Mesh {
  topology: Topology;
  /** [x, y, z]; z = 1 for 2D. */
  dims: [number, number, number];
  nodes: number;
  hopLatency: number;
  /** Latency of one vertical (TSV) hop. */
  tsvLatency: number;
  linkBandwidth: number;
  energyPerBitHop: number;
  flitBits: number;
}

export const DIRS = ['+x', '-x', '+y', '-y', '+z', '-z'] as const;

export function meshFromIr(noc: IrNoc): Mesh {
  const d = noc.dims;
  const dims: [number, number, number] = noc.topology === 'bus' ? [Math.max(1, d[0] ?? 1), 1, 1] : [d[0]!, d[1]!, noc.topology === 'mesh3d' ? d[2]! : 1];
  return {
    topology: noc.topology,
    dims,
    nodes: dims[0] * dims[1] * dims[2],
    hopLatency: noc.hop_latency_s,
    tsvLatency: noc.tsv_latency_s > 0 ? noc.tsv_latency_s : noc.hop_latency_s,
    linkBandwidth: noc.link_bandwidth_bps,
    energyPerBitHop: noc.energy_per_bit_hop_j,
    flitBits: noc.flit_bits,
  };
}

/** The same routers folded into tiers (2D → 3D, four tiers when there are at least 16 nodes) or flattened (3D → 2D). */
export function counterpart(m: Mesh): Mesh {
  const n = m.nodes;
  if (m.topology === 'mesh3d') {
    const x = Math.ceil(Math.sqrt(n));
    return { ...m, topology: 'mesh', dims: [x, Math.ceil(n / x), 1], nodes: x * Math.ceil(n / x) };
  }
  const z = n >= 16 ? 4 : 2;
  const x = Math.ceil(Math.sqrt(n / z));
  const y = Math.ceil(n / (z * x));
  return { ...m, topology: 'mesh3d', dims: [x, y, z], nodes: x * y * z };
}

export function coord(m: Mesh, node: number): [number, number, number] {
  const [X, Y] = m.dims;
  return [node % X, Math.floor(node / X) % Y, Math.floor(node / (X * Y))];
}

export function nodeAt(m: Mesh, x: number, y: number, z: number): number {
  return x + m.dims[0] * (y + m.dims[1] * z);
}

/** Nodes of tier z in boustrophedon order, so consecutive tiles stay neighbours. */
export function snakeOrder(m: Mesh, z: number): number[] {
  const [X, Y] = m.dims;
  const out: number[] = [];
  for (let y = 0; y < Y; y++) for (let i = 0; i < X; i++) out.push(nodeAt(m, y % 2 === 0 ? i : X - 1 - i, y, z));
  return out;
}

/** Steps along one dimension: +1/−1 per hop and the hop count (torus takes the shorter way round). */
function steps(from: number, to: number, size: number, torus: boolean): [number, number] {
  const d = to - from;
  if (!torus || Math.abs(d) * 2 <= size) return [Math.sign(d), Math.abs(d)];
  return [-Math.sign(d), size - Math.abs(d)];
}

export interface RouteResult {
  hops: number;
  vertical: number;
}

/**
 * Routes `bits` from s to d (X, then Y, then Z), adding them to `linkBits` (Float64Array of nodes × 6) when
 * given, and to `groupLinks` (link → bits of this flow group) when given. Returns the hop counts.
 */
export function route(m: Mesh, s: number, d: number, bits: number, linkBits?: Float64Array, groupLinks?: Map<number, number>): RouteResult {
  if (s === d) return { hops: 0, vertical: 0 };
  if (m.topology === 'bus') {
    // One shared medium: every transfer is one hop on link 0.
    if (linkBits) linkBits[0]! += bits;
    if (groupLinks) groupLinks.set(0, (groupLinks.get(0) ?? 0) + bits);
    return { hops: 1, vertical: 0 };
  }
  const torus = m.topology === 'torus';
  const [X, Y, Z] = m.dims;
  let [x, y, z] = coord(m, s);
  const [tx, ty, tz] = coord(m, d);
  let hops = 0;
  let vertical = 0;
  const add = (dir: number): void => {
    const link = nodeAt(m, x, y, z) * 6 + dir;
    if (linkBits) linkBits[link]! += bits;
    if (groupLinks) groupLinks.set(link, (groupLinks.get(link) ?? 0) + bits);
    hops++;
  };
  const [sx, nx] = steps(x, tx, X, torus);
  for (let i = 0; i < nx; i++) {
    add(sx > 0 ? 0 : 1);
    x = (x + sx + X) % X;
  }
  const [sy, ny] = steps(y, ty, Y, torus);
  for (let i = 0; i < ny; i++) {
    add(sy > 0 ? 2 : 3);
    y = (y + sy + Y) % Y;
  }
  const [sz, nz] = steps(z, tz, Z, false);
  for (let i = 0; i < nz; i++) {
    add(sz > 0 ? 4 : 5);
    z += sz;
    vertical++;
  }
  return { hops, vertical };
}
