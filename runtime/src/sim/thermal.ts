// Temperatures of the simulated chips: the floorplan from the architecture (one die per NoC tier of
// each chip, each tile and GPU core at its router's site, the dies sized from their areas), the power
// map of the mapping at the simulated throughput (each layer's energy per image on the tiles or GPU
// cores that run it, the NoC's energy over the routers, and the idle power of mapped units), solved
// by the compact thermal model (../thermal) chip by chip, each distinct chip once. Only for an
// architecture with a `thermal` block.
import { floorplanGrid, type IrArchitecture, type IrNoc, type IrThermal } from '@pim/ir';
import { chipOf, coord, meshFromIr, perChip } from '../noc/mesh.js';
import { placeUnits } from '../noc/place.js';
import {
  solveSteady,
  ThermalError,
  type ThermalLayer,
  type ThermalSolution,
  type ThermalStack,
} from '../thermal/index.js';
import { SimError } from './errors.js';
import type { HostIdle } from './energy.js';
import type { PlacedMesh } from './noc-route.js';
import type { Resolved } from './resolve.js';
import type { ThermalReport } from './types.js';
import type { LayerWalk } from './walk.js';

/** One router site of one tier of one chip: what sits there and the power it dissipates. */
interface Site {
  tier: number;
  x: number;
  y: number;
  units: { kind: 'tile' | 'gpu'; name: string; index: number }[];
  area: number;
  power: number;
}

interface Floorplan extends PlacedMesh {
  /** Each chip's sites, tier after tier, row after row (site (z·Y + y)·X + x). */
  chips: Site[][];
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
 * else a square mesh per chip for no NoC or a bus), chip after chip: the units PIM4202 counts on each
 * die of each chip (chipDies). The simulation's placement on the declared NoC (`declared`) is that one
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

/**
 * Every chip's sites and units. Each chip has its own package; all dies of all chips are one size (a
 * stated die is one size for every chip): the fullest die's area over every chip, in the NoC's aspect ratio.
 */
export function floorplan(arch: IrArchitecture, t: IrThermal, declared?: PlacedMesh): Floorplan {
  const { mesh, units } = placement(arch, declared);
  const [X, Y, Z] = mesh.dims;
  const chips = Array.from({ length: mesh.chips }, () => {
    const sites: Site[] = [];
    for (let z = 0; z < Z; z++)
      for (let y = 0; y < Y; y++)
        for (let x = 0; x < X; x++) sites.push({ tier: z, x, y, units: [], area: 0, power: 0 });
    return sites;
  });
  const at = (node: number) => {
    const [x, y, z] = coord(mesh, node % perChip(mesh));
    return chips[chipOf(mesh, node)]![(z * Y + y) * X + x]!;
  };
  for (const [kind, types, nodes] of [
    ['tile', arch.tile_types, units.tileNodes],
    ['gpu', arch.gpus, units.gpuNodes],
  ] as const)
    for (const u of types)
      nodes.get(u.name)?.forEach((n, index) => {
        const s = at(n);
        s.units.push({ kind, name: u.name, index });
        s.area += u.area_m2;
      });
  let area = 1e-12;
  for (const sites of chips) {
    const tierArea = new Float64Array(Z);
    for (const s of sites) tierArea[s.tier]! += s.area;
    area = Math.max(area, ...tierArea);
  }
  const width = t.die_width_m ?? (t.die_height_m ? area / t.die_height_m : Math.sqrt((area * X) / Y));
  const height = t.die_height_m ?? area / width;
  return { mesh, units, chips, width, height };
}

/**
 * Watts per site, every chip's: layer energies at the simulated throughput on the sites of the units
 * that run them (a GPU layer over all the GPU's cores, on whichever chips), the NoC's, and idle power.
 */
function powerMap(
  fp: Floorplan,
  walk: LayerWalk,
  period: number,
  nocEnergy: number,
  idleHosts: readonly HostIdle[],
): { dynamic: number; idle: number } {
  const siteOfTile = new Map<string, Site>();
  const gpuSites = new Map<string, Site[]>();
  for (const sites of fp.chips)
    for (const s of sites)
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
  // the NoC's energy over every chip's routers, evenly (per-router load is not resolved to power)
  const nocWatts = nocEnergy / period;
  const routers = fp.chips.reduce((n, sites) => n + sites.length, 0);
  for (const sites of fp.chips) for (const s of sites) s.power += nocWatts / routers;
  return { dynamic: dynamic + nocWatts, idle };
}

/** One chip's die stack: tiers in the order away from the sink, bonds between them, TIM under the last. */
function stackOf(fp: Floorplan, sites: readonly Site[], t: IrThermal): { stack: ThermalStack; tierOfLayer: number[] } {
  const [X, Y, Z] = fp.mesh.dims;
  const order = Array.from({ length: Z }, (_, i) => (t.sink_side === 'last' ? i : Z - 1 - i));
  const sw = fp.width / X;
  const sh = fp.height / Y;
  const layers: ThermalLayer[] = [];
  const tierOfLayer: number[] = [];
  order.forEach((z, k) => {
    const blocks = sites
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

/** One solve: the chips whose power maps are the same, and their temperatures. */
interface ChipSolve {
  chips: number[];
  sol: ThermalSolution;
  /** The stack's layer of each tier, −1 for bonds and the TIM. */
  tierOfLayer: number[];
  /** Mean temperature of each site of the chip (its index in Floorplan.chips[c]). */
  siteTemp: Float64Array;
  power: number;
  peak: number;
}

/**
 * Every chip's temperatures, each distinct chip solved once. A chip's temperatures follow from its
 * sites' powers alone (every chip has the same dies, stack and package), so chips with the same power
 * on every site — identical chips, or chips of other units that draw the same, like the empty ones —
 * share one solve. Returns the solve of each chip.
 */
function solveChips(fp: Floorplan, t: IrThermal, arch: string): ChipSolve[] {
  const byPower = new Map<string, ChipSolve>();
  return fp.chips.map((sites, chip) => {
    // One chip needs no key (the common case, kept as cheap as before).
    const key = fp.chips.length === 1 ? '' : sites.map((s) => s.power).join(' ');
    const known = byPower.get(key);
    if (known) {
      known.chips.push(chip);
      return known;
    }
    const { stack, tierOfLayer } = stackOf(fp, sites, t);
    let sol: ThermalSolution;
    try {
      sol = solveSteady(stack, { rows: t.grid, cols: t.grid });
    } catch (e) {
      if (e instanceof ThermalError) throw new SimError(`architectures[${arch}].thermal`, e.message);
      throw e;
    }
    // The blocks come tier by tier in the stack's order, each tier's sites in the floorplan's order.
    const siteTemp = new Float64Array(sites.length);
    let bi = 0;
    for (const z of tierOfLayer) {
      if (z < 0) continue;
      sites.forEach((s, i) => {
        if (s.tier === z) siteTemp[i] = sol.blocks[bi++]!.mean;
      });
    }
    const peak = Math.max(...tierOfLayer.flatMap((z, l) => (z >= 0 ? [sol.layers[l]!.peak] : [])));
    const solved = { chips: [chip], sol, tierOfLayer, siteTemp, power: sites.reduce((a, s) => a + s.power, 0), peak };
    byPower.set(key, solved);
    return solved;
  });
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

/**
 * The temperatures of every chip; the report's headline (`peak_k`, `tiers`) is the hottest chip's, the
 * power map's totals every chip's, and with several chips `chips` names the hottest and each distinct one.
 */
export function chipThermal(x: ThermalInputs): ThermalReport | null {
  const { arch } = x.r;
  const t = arch.thermal;
  if (!t || !(x.period > 0)) return null;
  const fp = floorplan(arch, t, x.placed);
  const power = powerMap(fp, x.walk, x.period, x.nocEnergy, x.idleHosts);
  const ofChip = solveChips(fp, t, arch.name);
  const solves = [...new Set(ofChip)];
  // The hottest chip, the first of equals.
  const hot = solves.reduce((h, c) => (c.peak > h.peak ? c : h));
  const chip = hot.chips[0]!;
  const positions = hot.tierOfLayer.filter((v) => v >= 0);
  const tiers = hot.tierOfLayer
    .map((z, l) => ({ z, l }))
    .filter(({ z }) => z >= 0)
    .map(({ z, l }) => ({
      tier: z,
      partitions: fp.mesh.dims[2] > 1 ? partitionsOn(arch, fp.chips[chip]!, z) : [],
      position: positions.indexOf(z),
      peak_k: hot.sol.layers[l]!.peak,
      mean_k: hot.sol.layers[l]!.mean,
      power_w: fp.chips[chip]!.filter((s) => s.tier === z).reduce((a, s) => a + s.power, 0),
      cells: Array.from(hot.sol.layers[l]!.cells),
    }))
    .sort((a, b) => a.tier - b.tier);
  const tileTemps: ThermalReport['tiles'] = [];
  fp.chips.forEach((sites, c) =>
    sites.forEach((s, i) => {
      for (const u of s.units)
        tileTemps.push({
          kind: u.kind,
          name: u.name,
          index: u.index,
          chip: c,
          tier: s.tier,
          x: s.x,
          y: s.y,
          temperature_k: ofChip[c]!.siteTemp[i]!,
          site_power_w: s.power,
        });
    }),
  );
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
    peak_k: hot.peak,
    ...(fp.chips.length > 1
      ? {
          chips: {
            hottest: chip,
            solved: solves.map((c) => ({
              chips: c.chips,
              power_w: c.power,
              peak_k: c.peak,
              iterations: c.sol.iterations,
            })),
          },
        }
      : {}),
    tiers,
    tiles: tileTemps,
    layers: layerTemperatures(x, tileTemps),
    solver: {
      iterations: solves.reduce((n, c) => n + c.sol.iterations, 0),
      residual: Math.max(...solves.map((c) => c.sol.residual)),
    },
  };
}

/**
 * The partitions whose units sit on tier `z` of a chip's stack, in declaration order: the floorplan's,
 * not the NoC's `tiers` list, which places partitions only on a one-chip stack (on several chips the
 * units fill chip after chip, tier after tier). A one-tier die is labelled by none, as before.
 */
function partitionsOn(arch: IrArchitecture, sites: readonly Site[], z: number): string[] {
  const on = new Set<string>();
  for (const s of sites)
    if (s.tier === z)
      for (const u of s.units) {
        const unit =
          u.kind === 'tile' ? arch.tile_types.find((t) => t.name === u.name) : arch.gpus.find((g) => g.name === u.name);
        if (unit) on.add(unit.partition);
      }
  return arch.partitions.map((p) => p.name).filter((p) => on.has(p));
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

/** A warning when the chip's modelled peak is above what silicon is rated for; `chip`: the hottest, when several. */
export function hotChipWarning(arch: string, peakK: number, chip?: number): string | undefined {
  if (!(peakK > SILICON_MAX_JUNCTION_K)) return undefined;
  const c = (k: number) => (k - 273.15).toFixed(0);
  return `architecture '${arch}': peak temperature ${peakK.toFixed(1)} K${chip === undefined ? '' : ` on chip ${chip}`} (${c(peakK)} °C) is above ${SILICON_MAX_JUNCTION_K} K (${c(SILICON_MAX_JUNCTION_K)} °C), the usual maximum junction temperature of silicon; the thermal model is linear, and its figures above it are outside where it holds: check the die size, the package and the power`;
}
