// The heat spreader and sink around the die's shadow, as in HotSpot's package model (Skadron et
// al., "Temperature-aware microarchitecture", ISCA 2003; Huang et al., "HotSpot: a compact thermal
// modeling methodology", IEEE TVLSI 14(5), 2006): the spreader and the sink are gridded under the
// die like any layer; beyond the die, each side (west, east, north, south) has one spreader node,
// one inner sink node (under the spreader's overhang) and one outer sink node (beyond the spreader).
// The resistances below are that model's: a trapezoid of the overhang as a conductor of mean width,
// and the sink-to-air resistance divided among the sink's parts in proportion to their area.
import type { ThermalPackage } from './types.js';

/** Resistance of a conductor of length `len` and cross-section `area`, K/W. */
export function resistance(k: number, len: number, area: number): number {
  return len / (k * area);
}

/** The package's lumped resistances (K/W) for a die of width × height, x = west/east sides, y = north/south. */
export interface PackageResistances {
  /** die-edge spreader cells → spreader side node, laterally */
  spreaderLateral: { x: number; y: number };
  /** sink edge cells → inner sink node, laterally; inner → outer sink node */
  sinkInnerLateral: { x: number; y: number };
  sinkOuterLateral: { x: number; y: number };
  /** spreader side node → inner sink node, vertically */
  spreaderToSink: { x: number; y: number };
  /** inner sink node → air (through the sink's thickness and its share of convection) */
  sinkInnerToAir: { x: number; y: number };
  /** outer sink node → air */
  sinkOuterToAir: number;
}

export function packageResistances(p: ThermalPackage, width: number, height: number): PackageResistances {
  const { spreaderSide: ss, spreaderThickness: ts, spreaderConductivity: ks } = p;
  const { sinkSide: sk, sinkThickness: tk, sinkConductivity: kk, convectionResistance: rc } = p;
  // overhang of the spreader beyond the die, per side (a trapezoid: mean width (ss + 3·die)/4)
  const ovX = (ss - width) / 4;
  const ovY = (ss - height) / 4;
  const areaX = ((ss + height) * (ss - width)) / 4; // footprint of a west/east overhang
  const areaY = ((ss + width) * (ss - height)) / 4;
  const areaOuter = (sk * sk - ss * ss) / 4; // footprint of one side of the sink beyond the spreader
  const sinkAir = (area: number) => rc * ((sk * sk) / area);
  const rHs = resistance(kk, (sk - ss) / 4, ((sk + 3 * ss) / 4) * tk);
  return {
    spreaderLateral: {
      x: resistance(ks, ovX, ((ss + 3 * height) / 4) * ts),
      y: resistance(ks, ovY, ((ss + 3 * width) / 4) * ts),
    },
    sinkInnerLateral: {
      x: resistance(kk, ovX, ((ss + 3 * height) / 4) * tk),
      y: resistance(kk, ovY, ((ss + 3 * width) / 4) * tk),
    },
    sinkOuterLateral: {
      x: resistance(kk, ovX, ((3 * ss + height) / 4) * tk) + rHs,
      y: resistance(kk, ovY, ((3 * ss + width) / 4) * tk) + rHs,
    },
    spreaderToSink: { x: resistance(ks, ts, areaX), y: resistance(ks, ts, areaY) },
    sinkInnerToAir: {
      x: resistance(kk, tk, areaX) + sinkAir(areaX),
      y: resistance(kk, tk, areaY) + sinkAir(areaY),
    },
    sinkOuterToAir: resistance(kk, tk, areaOuter) + sinkAir(areaOuter),
  };
}

/**
 * The reference package of the HotSpot 6 data in test/runtime/fixtures/thermal (HotSpot's own
 * defaults): a 30 mm × 30 mm × 1 mm copper spreader, a 60 mm × 60 mm × 6.9 mm copper sink,
 * 0.1 K/W from the sink to the air, 45 °C ambient.
 */
export const DEFAULT_PACKAGE: ThermalPackage = {
  spreaderSide: 0.03,
  spreaderThickness: 0.001,
  spreaderConductivity: 400,
  sinkSide: 0.06,
  sinkThickness: 0.0069,
  sinkConductivity: 400,
  convectionResistance: 0.1,
  ambient: 318.15,
};
