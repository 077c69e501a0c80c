// Pass (part of elaborating an architecture): a `thermal` block → IrThermal, the heat path the
// runtime's compact thermal model needs (die stack materials, spreader, sink, air). The floorplan
// itself — where each tile and GPU core sits — follows the NoC placement, which the runtime owns.
import { diag } from '@pim/grammar';
import { chipDies, type IrArchitecture, type IrNoc, type IrThermal } from '@pim/ir';
import type { CheckContext } from '../semantics/context.js';
import { asNumber, type Instance } from '../semantics/instance.js';
import { GRID_MAX } from './value-rules.js';

export function elaborateThermal(
  ctx: CheckContext,
  archName: string,
  inst: Instance,
  noc: IrNoc | undefined,
): IrThermal {
  // The rules of its values (checkValues) reported values out of range; those fall back or are clamped here.
  const num = (k: string, fallback: number) => {
    const v = asNumber(inst.get(k));
    return v !== undefined && v > 0 ? v : fallback;
  };
  const grid = Math.min(GRID_MAX, Math.max(2, Math.round(num('grid', 64))));
  const sinkSide = inst.get('sink_side');
  const out: IrThermal = {
    sink_side: sinkSide?.t === 'word' && sinkSide.name === 'first' ? 'first' : 'last',
    ambient_k: num('ambient', 318.15),
    grid,
    tier: { thickness_m: num('tier_thickness', 150e-6), conductivity_w_per_mk: num('tier_conductivity', 100) },
    bond: { thickness_m: num('bond_thickness', 20e-6), conductivity_w_per_mk: num('bond_conductivity', 4) },
    tim: { thickness_m: num('tim_thickness', 20e-6), conductivity_w_per_mk: num('tim_conductivity', 4) },
    spreader: {
      side_m: num('spreader_side', 0.03),
      thickness_m: num('spreader_thickness', 1e-3),
      conductivity_w_per_mk: num('spreader_conductivity', 400),
    },
    sink: {
      side_m: num('sink_base_side', 0.06),
      thickness_m: num('sink_base_thickness', 6.9e-3),
      conductivity_w_per_mk: num('sink_conductivity', 400),
    },
    convection_k_per_w: num('convection', 0.1),
  };
  const w = asNumber(inst.get('die_width'));
  const h = asNumber(inst.get('die_height'));
  if (w !== undefined && w > 0) out.die_width_m = w;
  if (h !== undefined && h > 0) out.die_height_m = h;
  checkPackage(ctx, inst, out);
  const sinkAt = inst.givenAt('sink_side');
  if (sinkAt && !(noc?.topology === 'mesh3d' && (noc.dims[2] ?? 1) > 1))
    ctx.report(diag('thermalTierUnknown', sinkAt.uri, inst.statedAttr('sink_side')?.key.span ?? sinkAt.span, archName));
  return out;
}

/**
 * The spreader must cover a given die, and the sink the spreader: reported at a size given in the block
 * or by a design point (Instance.givenAt), as both depend on the other sizes.
 */
function checkPackage(ctx: CheckContext, inst: Instance, t: IrThermal): void {
  const mm = (m: number) => `${Number((m * 1e3).toPrecision(4))} mm`;
  const die = Math.max(t.die_width_m ?? 0, t.die_height_m ?? 0);
  const spreaderAt = inst.givenAt('spreader_side') ?? inst.givenAt('die_width') ?? inst.givenAt('die_height');
  if (die > t.spreader.side_m && spreaderAt) {
    ctx.report(
      diag(
        'spreaderSmallerThanDie',
        spreaderAt.uri,
        spreaderAt.span,
        "'spreader_side'",
        mm(t.spreader.side_m),
        `the die (${mm(die)})`,
      ),
    );
  }
  const sinkAt = inst.givenAt('sink_base_side') ?? inst.givenAt('spreader_side');
  if (t.sink.side_m < t.spreader.side_m && sinkAt) {
    ctx.report(
      diag(
        'spreaderSmallerThanDie',
        sinkAt.uri,
        sinkAt.span,
        "'sink_base_side'",
        mm(t.sink.side_m),
        `the spreader (${mm(t.spreader.side_m)})`,
      ),
    );
  }
}

/**
 * A stated die (both sides; with one, the other follows from the areas) must hold the units placed on it:
 * smaller, the floorplan overlaps them and the power density, hence the temperatures, are too high. The
 * units are those the runtime's floorplan places there (@pim/ir chipDies): every die of every chip has
 * the stated size, so the fullest must fit — on a stack its fullest tier, and with several chips the
 * fullest chip's, which need not be the first (the units fill the chips one after another).
 */
export function checkDieArea(ctx: CheckContext, inst: Instance, arch: IrArchitecture): void {
  const t = arch.thermal;
  if (!t?.die_width_m || !t.die_height_m) return;
  const die = t.die_width_m * t.die_height_m;
  const dies = chipDies(arch);
  // The fullest die, the first of equals.
  let fullest = { area: 0, chip: 0, tier: 0 };
  dies.forEach((tiers, chip) =>
    tiers.forEach((d, tier) => {
      if (d.area_m2 > fullest.area) fullest = { area: d.area_m2, chip, tier };
    }),
  );
  // A relative margin: the areas are sums of products, the die a product of stated lengths.
  if (!(die < fullest.area * (1 - 1e-9))) return;
  const at = inst.givenAt('die_width') ?? inst.givenAt('die_height');
  if (!at) return;
  const mm = (m: number) => `${Number((m * 1e3).toPrecision(4))} mm`;
  const mm2 = (a: number) => `${Number((a * 1e6).toPrecision(4))} mm²`;
  const stack = (dies[0]?.length ?? 1) > 1;
  const where =
    dies.length > 1
      ? `${stack ? `tier ${fullest.tier} of chip ${fullest.chip}` : `chip ${fullest.chip}'s die`}, the fullest of the ${dies.length} chips' dies (the units fill the chips one after another)`
      : stack
        ? `its fullest tier (tier ${fullest.tier})`
        : 'it';
  ctx.report(
    diag(
      'dieSmallerThanUnits',
      at.uri,
      at.span,
      arch.name,
      `${mm(t.die_width_m)} × ${mm(t.die_height_m)} = ${mm2(die)}`,
      mm2(fullest.area),
      where,
    ),
  );
}
