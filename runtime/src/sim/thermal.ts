// Temperatures of the simulated chip: the floorplan from the architecture (one die per NoC tier, each
// tile and GPU core at its router's site, the die sized from their areas), the power map of the
// mapping at the simulated throughput (each layer's energy per image on the tiles or GPU cores that
// run it, the NoC's energy over the routers, and the idle power of mapped units), solved by the
// compact thermal model (../thermal). Only for an architecture with a `thermal` block.
import { floorplanGrid, type IrArchitecture, type IrNoc, type IrThermal } from '@pim/ir';
import { coord, meshFromIr, perChip } from '../noc/mesh.js';
import { placeUnits } from '../noc/place.js';
import { solveSteady, ThermalError, type ThermalLayer, type ThermalStack } from '../thermal/index.js';
import { SimError } from './errors.js';
import type { HostIdle } from './energy.js';
import type { PlacedMesh } from './noc-route.js';
import type { Resolved } from './resolve.js';
import type { ThermalReport } from './types.js';
import type { LayerWalk } from './walk.js';

/** One router site of one tier: what sits there and the power it dissipates. */
interface Site {
  tier: number;
  x: number;
  y: number;
  units: { kind: 'tile' | 'gpu'; name: string; index: number }[];
  area: number;
  power: number;
}

interface Floorplan extends PlacedMesh {
  sites: Site[];
  width: number;
  height: number;
}

/** The stand-in for an architecture without a NoC: a mesh whose routers are sites, nothing more. */
const NO_NOC: IrNoc = {
  topology: 'mesh',
  dims: [1, 1],
  flit_bits: 32,
  hop_latency_s: 1e-9,
  tiers: [],
  tsv_latency_s: 1e-9,
  link_bandwidth_bps: 1,
  energy_per_bit_hop_j: 0,
  router_power_w: 0,
};

/**
 * The placement of the tiles and GPU cores on @pim/ir's floorplan routers (floorplanGrid: the NoC's,
 * else a square mesh per chip for no NoC or a bus), chip after chip, of which the floorplan keeps the
 * first chip's (identical chips heat alike, and each has its own package): the units PIM4202 counts
 * on each die (firstChipDies). The simulation's placement on the declared NoC (`declared`) is that one
 * unless it put every chip's units on one chip's routers (chips without off-chip links are routed as
 * one mesh), which would crowd them on one die.
 */
function placement(arch: IrArchitecture, declared: PlacedMesh | undefined): PlacedMesh {
  const grid = floorplanGrid(arch);
  const bus = arch.noc?.topology === 'bus';
  if (declared && !bus && declared.mesh.chips === grid.chips) return declared;
  // Only the routers matter here: a bus's one link is no floorplan, and its figures cost nothing here.
  const noc: IrNoc =
    arch.noc && !bus ? arch.noc : { ...(arch.noc ?? NO_NOC), topology: 'mesh', dims: [grid.dims[0], grid.dims[1]] };
  const links = grid.chips > 1 ? { chips: grid.chips, bandwidth: 1, latency: 0, energyPerBit: 0 } : undefined;
  const mesh = meshFromIr(noc, links);
  return { mesh, units: placeUnits(arch, mesh, true) };
}

export function floorplan(arch: IrArchitecture, t: IrThermal, declared?: PlacedMesh): Floorplan {
  const { mesh, units } = placement(arch, declared);
  const [X, Y, Z] = mesh.dims;
  const sites: Site[] = [];
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) sites.push({ tier: z, x, y, units: [], area: 0, power: 0 });
  const at = (node: number) => {
    const [x, y, z] = coord(mesh, node % perChip(mesh));
    return sites[(z * Y + y) * X + x]!;
  };
  for (const tt of arch.tile_types) {
    const nodes = units.tileNodes.get(tt.name);
    nodes?.forEach((n, i) => {
      if (n >= perChip(mesh)) return; // tiles of other chips
      const s = at(n);
      s.units.push({ kind: 'tile', name: tt.name, index: i });
      s.area += tt.area_m2;
    });
  }
  for (const g of arch.gpus) {
    units.gpuNodes.get(g.name)?.forEach((n, i) => {
      if (n >= perChip(mesh)) return;
      const s = at(n);
      s.units.push({ kind: 'gpu', name: g.name, index: i });
      s.area += g.area_m2;
    });
  }
  // every tier is one die of the same size: the fullest tier's area, in the NoC's aspect ratio
  const tierArea = Array.from({ length: Z }, (_, z) =>
    sites.filter((s) => s.tier === z).reduce((a, s) => a + s.area, 0),
  );
  const area = Math.max(...tierArea, 1e-12);
  const width = t.die_width_m ?? (t.die_height_m ? area / t.die_height_m : Math.sqrt((area * X) / Y));
  const height = t.die_height_m ?? area / width;
  return { mesh, units, sites, width, height };
}

/** Watts per site: layer energies at the simulated throughput, the NoC's, and idle power. */
function powerMap(
  fp: Floorplan,
  walk: LayerWalk,
  period: number,
  nocEnergy: number,
  idleHosts: readonly HostIdle[],
): { dynamic: number; idle: number } {
  const siteOfTile = new Map<string, Site>();
  const gpuSites = new Map<string, Site[]>();
  for (const s of fp.sites)
    for (const u of s.units) {
      if (u.kind === 'tile') siteOfTile.set(`${u.name}#${u.index}`, s);
      else gpuSites.set(u.name, [...(gpuSites.get(u.name) ?? []), s]);
    }
  const spread = (hostIndex: number, watts: number): number => {
    const host = walk.hosts[hostIndex];
    if (!host || host.kind === 'io' || !(watts > 0)) return 0;
    const targets =
      host.kind === 'gpu'
        ? (gpuSites.get(host.name) ?? [])
        : Array.from({ length: Math.max(1, host.count) }, (_, i) =>
            siteOfTile.get(`${host.name}#${host.start + i}`),
          ).filter((s): s is Site => !!s);
    for (const s of targets) s.power += watts / targets.length;
    return targets.length ? watts : 0;
  };
  const layerIdle = new Map(idleHosts.filter((h) => h.layer !== undefined).map((h) => [h.layer, h]));
  let dynamic = 0;
  let idle = 0;
  for (const l of walk.layers) {
    const host = walk.hostOfLayer.get(l.name);
    if (host === undefined) continue;
    dynamic += spread(host, l.energy_j / period);
    // the idle power of the tiles a crossbar layer holds while they wait within the period
    const h = layerIdle.get(l.name);
    if (h) idle += spread(h.host, h.joules / period);
  }
  for (const h of idleHosts) if (h.layer === undefined) idle += spread(h.host, h.joules / period);
  // the NoC's energy over its routers, evenly (per-router load is not resolved to power)
  const nocWatts = nocEnergy / period;
  for (const s of fp.sites) s.power += nocWatts / fp.sites.length;
  return { dynamic: dynamic + nocWatts, idle };
}

/** The die stack: tiers in the order away from the sink, bonds between them, TIM under the last. */
function stackOf(fp: Floorplan, t: IrThermal): { stack: ThermalStack; tierOfLayer: number[] } {
  const [X, Y, Z] = fp.mesh.dims;
  const order = Array.from({ length: Z }, (_, i) => (t.sink_side === 'last' ? i : Z - 1 - i));
  const sw = fp.width / X;
  const sh = fp.height / Y;
  const layers: ThermalLayer[] = [];
  const tierOfLayer: number[] = [];
  order.forEach((z, k) => {
    const blocks = fp.sites
      .filter((s) => s.tier === z)
      .map((s) => ({ name: `site_${s.x}_${s.y}`, x: s.x * sw, y: s.y * sh, w: sw, h: sh, power: s.power }));
    layers.push({
      name: `tier ${z}`,
      thickness: t.tier.thickness_m,
      conductivity: t.tier.conductivity_w_per_mk,
      blocks,
    });
    tierOfLayer.push(z);
    const last = k === order.length - 1;
    const slab = last ? t.tim : t.bond;
    layers.push({
      name: last ? 'tim' : `bond ${z}`,
      thickness: slab.thickness_m,
      conductivity: slab.conductivity_w_per_mk,
      blocks: [],
    });
    tierOfLayer.push(-1);
  });
  const pkg = {
    spreaderSide: t.spreader.side_m,
    spreaderThickness: t.spreader.thickness_m,
    spreaderConductivity: t.spreader.conductivity_w_per_mk,
    sinkSide: t.sink.side_m,
    sinkThickness: t.sink.thickness_m,
    sinkConductivity: t.sink.conductivity_w_per_mk,
    convectionResistance: t.convection_k_per_w,
    ambient: t.ambient_k,
  };
  return { stack: { width: fp.width, height: fp.height, layers, package: pkg }, tierOfLayer };
}

export interface ThermalInputs {
  r: Resolved;
  walk: LayerWalk;
  period: number;
  nocEnergy: number;
  /** The idle joules per host that the image's energy counted (energy.ts idleByHost). */
  idleHosts: readonly HostIdle[];
  idleFraction: number | undefined;
  /** The simulation's placement of the units on the declared NoC, when it routed one. */
  placed?: PlacedMesh;
}

export function chipThermal(x: ThermalInputs): ThermalReport | null {
  const { arch } = x.r;
  const t = arch.thermal;
  if (!t || !(x.period > 0)) return null;
  const fp = floorplan(arch, t, x.placed);
  const power = powerMap(fp, x.walk, x.period, x.nocEnergy, x.idleHosts);
  const { stack, tierOfLayer } = stackOf(fp, t);
  let sol;
  try {
    sol = solveSteady(stack, { rows: t.grid, cols: t.grid });
  } catch (e) {
    if (e instanceof ThermalError) throw new SimError(`architectures[${arch.name}].thermal`, e.message);
    throw e;
  }
  const tiers = tierOfLayer
    .map((z, l) => ({ z, l }))
    .filter(({ z }) => z >= 0)
    .map(({ z, l }) => ({
      tier: z,
      partitions: arch.noc?.tiers[z] ? [arch.noc.tiers[z]!] : [],
      position: tierOfLayer.filter((v) => v >= 0).indexOf(z),
      peak_k: sol.layers[l]!.peak,
      mean_k: sol.layers[l]!.mean,
      power_w: fp.sites.filter((s) => s.tier === z).reduce((a, s) => a + s.power, 0),
      cells: Array.from(sol.layers[l]!.cells),
    }))
    .sort((a, b) => a.tier - b.tier);
  const siteTemp = new Map<Site, number>();
  let bi = 0;
  tierOfLayer.forEach((z) => {
    if (z < 0) return;
    for (const s of fp.sites.filter((q) => q.tier === z)) siteTemp.set(s, sol.blocks[bi++]!.mean);
  });
  const tileTemps: ThermalReport['tiles'] = [];
  for (const s of fp.sites)
    for (const u of s.units)
      tileTemps.push({
        kind: u.kind,
        name: u.name,
        index: u.index,
        tier: s.tier,
        x: s.x,
        y: s.y,
        temperature_k: siteTemp.get(s)!,
        site_power_w: s.power,
      });
  return {
    ambient_k: t.ambient_k,
    sink_side: t.sink_side,
    die_width_m: fp.width,
    die_height_m: fp.height,
    die_source: t.die_width_m || t.die_height_m ? 'stated' : 'areas',
    grid: t.grid,
    power_w: power.dynamic + power.idle,
    dynamic_power_w: power.dynamic,
    static_power_w: power.idle,
    static_source:
      x.idleFraction === undefined
        ? "leakage: each mapped unit's static power (stated, else a tenth of its own power) while it waits within the period"
        : `idle estimate: ${x.idleFraction * 100}% of a mapped unit's power while it waits within the period`,
    peak_k: Math.max(...tiers.map((q) => q.peak_k)),
    tiers,
    tiles: tileTemps,
    layers: layerTemperatures(x, tileTemps),
    solver: { iterations: sol.iterations, residual: sol.residual },
  };
}

/** Each crossbar layer's crossbars: the temperatures of the tiles they sit in (a tile's site mean). */
function layerTemperatures(x: ThermalInputs, tiles: ThermalReport['tiles']): ThermalReport['layers'] {
  const temp = new Map(tiles.filter((u) => u.kind === 'tile').map((u) => [`${u.name}#${u.index}`, u.temperature_k]));
  const out: ThermalReport['layers'] = [];
  for (const l of x.walk.layers) {
    if (l.engine !== 'crossbar') continue;
    const host = x.walk.hosts[x.walk.hostOfLayer.get(l.name) ?? -1];
    if (!host || host.kind !== 'tile') continue;
    const ts = Array.from({ length: Math.max(1, host.count) }, (_, i) =>
      temp.get(`${host.name}#${host.start + i}`),
    ).filter((v): v is number => v !== undefined);
    if (!ts.length) continue;
    out.push({
      layer: l.name,
      tiles: ts.length,
      min_k: Math.min(...ts),
      mean_k: ts.reduce((a, b) => a + b, 0) / ts.length,
      max_k: Math.max(...ts),
    });
  }
  return out;
}

/**
 * 125 °C, the usual maximum junction temperature of silicon. The compact thermal model is linear (fixed
 * conductivities, no leakage that grows with temperature), so figures far above it are outside where it holds.
 */
export const SILICON_MAX_JUNCTION_K = 398.15;

/** A warning when the chip's modelled peak is above what silicon is rated for. */
export function hotChipWarning(arch: string, peakK: number): string | undefined {
  if (!(peakK > SILICON_MAX_JUNCTION_K)) return undefined;
  const c = (k: number) => (k - 273.15).toFixed(0);
  return `architecture '${arch}': peak temperature ${peakK.toFixed(1)} K (${c(peakK)} °C) is above ${SILICON_MAX_JUNCTION_K} K (${c(SILICON_MAX_JUNCTION_K)} °C), the usual maximum junction temperature of silicon; the thermal model is linear, and its figures above it are outside where it holds: check the die size, the package and the power`;
}
