// The walk's transfers as NoC flows: placed on the declared topology's routers and routed, and, for one
// chip, on its 2D/3D counterpart with the same routers. Router placement is cached per architecture.
import { unitCount, type IrArchitecture } from '@pim/ir';
import { counterpart, meshFromIr, type Mesh } from '../noc/mesh.js';
import { placeUnits, type UnitPlacement } from '../noc/place.js';
import { routeFlows, type Flow, type NocResult } from '../noc/traffic.js';
import type { Host, Transfer } from './walk.js';

/** A NoC and the routers of every tile and GPU core on it. */
export interface PlacedMesh {
  mesh: Mesh;
  units: UnitPlacement;
}

// The simulator treats the IR as immutable (evaluation loops build a new IR per design point).
const unitCache = new WeakMap<IrArchitecture, Map<string, PlacedMesh>>();

function placedMesh(arch: IrArchitecture, key: string, make: () => Mesh, useTiers: boolean): PlacedMesh {
  let m = unitCache.get(arch);
  if (!m) unitCache.set(arch, (m = new Map()));
  let e = m.get(key);
  if (!e) {
    const mesh = make();
    const units = placeUnits(arch, mesh, useTiers);
    // Every tile and GPU core has its own injection and ejection port on its router.
    const local = new Int32Array(mesh.nodes);
    for (const nodes of [...units.tileNodes.values(), ...units.gpuNodes.values()]) for (const n of nodes) local[n]!++;
    mesh.localPorts = local;
    m.set(key, (e = { mesh, units }));
  }
  return e;
}

/** Each transfer between hosts as a flow between the routers of their tiles, GPU cores or the I/O port. */
function buildFlows(units: UnitPlacement, hosts: Host[], transfers: Transfer[]): Flow[] {
  const nodesOf = (h: number): ArrayLike<number> => {
    const host = hosts[h]!;
    if (host.kind === 'io') return [units.ioNode];
    const all = host.kind === 'gpu' ? units.gpuNodes.get(host.name)! : units.tileNodes.get(host.name)!;
    return all.subarray(
      Math.min(host.start, all.length - 1),
      Math.min(all.length, host.start + Math.max(1, host.count)),
    );
  };
  return transfers.map((t) => ({
    group: t.group,
    src: nodesOf(t.from),
    dst: nodesOf(t.to),
    bits: t.bits,
    manyToFew: t.manyToFew === true,
  }));
}

export interface RoutedNoc {
  declared?: NocResult;
  /** The declared NoC's placement of the units (the thermal floorplan reuses it). */
  declaredPlacement?: PlacedMesh;
  declaredConc: number[];
  other?: NocResult;
  otherConc: number[];
}

/** Off-chip links of the architecture: their total bandwidth and power. */
export function offChipLinks(arch: IrArchitecture): { bandwidth: number; power: number } {
  return {
    bandwidth: arch.links.reduce((s, l) => s + l.bandwidth_bps * l.count, 0),
    power: arch.links.reduce((s, l) => s + l.power_w * l.count, 0),
  };
}

export function routeTransfers(
  arch: IrArchitecture,
  chips: number,
  hosts: Host[],
  transfers: Transfer[],
  detail: boolean,
  warnings: Set<string>,
): RoutedNoc {
  const out: RoutedNoc = { declaredConc: [], otherConc: [] };
  const noc = arch.noc;
  if (!noc || noc.topology === undefined) {
    warnings.add(`architecture '${arch.name}' declares no noc: on-chip transfers are not costed`);
    return out;
  }
  const links = offChipLinks(arch);
  // Chips form a chain; each chip's links are split between its two neighbours.
  const chipLinks =
    chips > 1 && links.bandwidth > 0
      ? {
          chips,
          bandwidth: links.bandwidth / chips / 2,
          latency: noc.hop_latency_s,
          energyPerBit: links.power / links.bandwidth,
        }
      : undefined;
  if (chips > 1 && !chipLinks)
    warnings.add(`architecture '${arch.name}' has ${chips} chips but no off-chip links: chips treated as one mesh`);
  const d = placedMesh(arch, 'declared', () => meshFromIr(noc, chipLinks, unitCount(arch)), true);
  out.declaredPlacement = d;
  out.declaredConc = d.units.concentration;
  out.declared = routeFlows(d.mesh, buildFlows(d.units, hosts, transfers), detail);
  if (detail && d.mesh.chips === 1 && (noc.topology === 'mesh' || noc.topology === 'mesh3d')) {
    const dm = d.mesh;
    const c = placedMesh(arch, 'counterpart', () => counterpart(dm), false);
    out.otherConc = c.units.concentration;
    out.other = routeFlows(c.mesh, buildFlows(c.units, hosts, transfers), detail);
  }
  return out;
}
