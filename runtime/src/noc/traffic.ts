// Routes a mapping's flows over a mesh and measures them: bits per link, the hottest link, average hops,
// energy (bits × hops × energy per bit-hop) and each flow group's latency (farthest path's hop latency plus
// the group's busiest link's serialization time).
import { type Mesh, coord, route, DIRS } from './mesh.js';

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
  latency_s: number;
  energy_j: number;
  many_to_few: boolean;
}

export interface LinkLoad {
  x: number;
  y: number;
  z: number;
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
  /** Time the hottest link needs per image: a bound on the pipeline period. */
  hottest_link_time_s: number;
  groups: GroupStats[];
  /** Per-router load: bits leaving on its busiest output link (for the heatmap). */
  routers_load: { x: number; y: number; z: number; bits: number }[];
  links: LinkLoad[];
  linkBits: Float64Array;
}

function uniqueCounts(nodes: ArrayLike<number>): [number[], number[]] {
  const m = new Map<number, number>();
  for (let i = 0; i < nodes.length; i++) m.set(nodes[i]!, (m.get(nodes[i]!) ?? 0) + 1);
  return [[...m.keys()], [...m.values()]];
}

export function routeFlows(mesh: Mesh, flows: Flow[], detail = true): NocResult {
  const linkBits = new Float64Array(mesh.nodes * 6);
  const groups: GroupStats[] = [];
  let total = 0;
  let bitHops = 0;
  for (const f of flows) {
    if (!(f.bits > 0) || f.src.length === 0 || f.dst.length === 0) continue;
    const [sn, sc] = uniqueCounts(f.src);
    const [dn, dc] = uniqueCounts(f.dst);
    const perPair = f.bits / (f.src.length * f.dst.length);
    const gl = new Map<number, number>();
    let gBitHops = 0;
    let maxHops = 0;
    let maxLat = 0;
    for (let i = 0; i < sn.length; i++) {
      for (let j = 0; j < dn.length; j++) {
        const bits = perPair * sc[i]! * dc[j]!;
        const r = route(mesh, sn[i]!, dn[j]!, bits, linkBits, gl);
        gBitHops += bits * r.hops;
        if (r.hops > maxHops) maxHops = r.hops;
        const lat = (r.hops - r.vertical) * mesh.hopLatency + r.vertical * mesh.tsvLatency;
        if (lat > maxLat) maxLat = lat;
      }
    }
    let hot = 0;
    for (const v of gl.values()) if (v > hot) hot = v;
    total += f.bits;
    bitHops += gBitHops;
    groups.push({
      group: f.group,
      bits: f.bits,
      avg_hops: gBitHops / f.bits,
      max_hops: maxHops,
      hottest_link_bits: hot,
      latency_s: maxLat + hot / mesh.linkBandwidth,
      energy_j: gBitHops * mesh.energyPerBitHop,
      many_to_few: f.manyToFew === true,
    });
  }
  let hotIdx = -1;
  let hotBits = 0;
  for (let i = 0; i < linkBits.length; i++) if (linkBits[i]! > hotBits) ((hotBits = linkBits[i]!), (hotIdx = i));
  const linkAt = (i: number): LinkLoad => {
    const [x, y, z] = coord(mesh, Math.floor(i / 6));
    return { x, y, z, dir: DIRS[i % 6]!, bits: linkBits[i]! };
  };
  const routers_load: NocResult['routers_load'] = [];
  const links: LinkLoad[] = [];
  if (detail) {
    for (let n = 0; n < mesh.nodes; n++) {
      let m = 0;
      for (let d = 0; d < 6; d++) m = Math.max(m, linkBits[n * 6 + d]!);
      const [x, y, z] = coord(mesh, n);
      routers_load.push({ x, y, z, bits: m });
    }
    for (let i = 0; i < linkBits.length; i++) if (linkBits[i]! > 0) links.push(linkAt(i));
  }
  return {
    topology: mesh.topology,
    dims: mesh.dims[2] > 1 || mesh.topology === 'mesh3d' ? [...mesh.dims] : [mesh.dims[0], mesh.dims[1]],
    routers: mesh.nodes,
    total_bits: total,
    bit_hops: bitHops,
    avg_hops: total > 0 ? bitHops / total : 0,
    energy_j: bitHops * mesh.energyPerBitHop,
    latency_s: groups.reduce((s, g) => s + g.latency_s, 0),
    hottest: hotIdx >= 0 ? linkAt(hotIdx) : null,
    hottest_link_time_s: hotBits / mesh.linkBandwidth,
    groups,
    routers_load,
    links,
    linkBits,
  };
}
