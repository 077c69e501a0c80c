// The compact thermal model's inputs and outputs, all in SI units (m, W, K, W/(m·K)).

/** A rectangle of a layer that dissipates power uniformly (a tile, a GPU block, a whole bond layer). */
export interface ThermalBlock {
  name: string;
  /** lower-left corner and size on the die, m */
  x: number;
  y: number;
  w: number;
  h: number;
  /** W, dissipated uniformly over the block's area */
  power: number;
}

/** One layer of the die stack, index 0 the farthest from the heat sink. */
export interface ThermalLayer {
  name: string;
  /** m */
  thickness: number;
  /** thermal conductivity, W/(m·K) */
  conductivity: number;
  /** the blocks whose temperatures are reported (and that may dissipate power) */
  blocks: ThermalBlock[];
}

/** Heat spreader, heat sink and convection to the air (HotSpot's package model). */
export interface ThermalPackage {
  /** square spreader: side and thickness, m; conductivity W/(m·K) */
  spreaderSide: number;
  spreaderThickness: number;
  spreaderConductivity: number;
  /** square sink base */
  sinkSide: number;
  sinkThickness: number;
  sinkConductivity: number;
  /** the whole sink-to-air resistance, K/W */
  convectionResistance: number;
  /** K */
  ambient: number;
}

export interface ThermalStack {
  /** die size, m (every layer covers the whole die) */
  width: number;
  height: number;
  layers: ThermalLayer[];
  package: ThermalPackage;
}

export interface SolveOptions {
  /** grid cells per layer along y and x (default 64 × 64) */
  rows?: number;
  cols?: number;
  /** relative residual at which the conjugate gradient stops (default 1e-10) */
  tolerance?: number;
  maxIterations?: number;
}

export interface BlockTemperature {
  layer: number;
  name: string;
  power: number;
  /** mean over the block's cells (area-weighted), K */
  mean: number;
  /** hottest cell the block touches, K */
  peak: number;
  /** at the block's centre (between the central cells): HotSpot's default block temperature, K */
  centre: number;
}

export interface LayerTemperature {
  name: string;
  mean: number;
  peak: number;
  /** rows × cols cell temperatures, row 0 at y = 0, K */
  cells: Float64Array;
}

export interface ThermalSolution {
  rows: number;
  cols: number;
  layers: LayerTemperature[];
  blocks: BlockTemperature[];
  /** mean temperature of the spreader and the sink under the die, and the 12 peripheral nodes, K */
  spreaderMean: number;
  sinkMean: number;
  peripheral: number[];
  iterations: number;
  /** relative residual ‖b − Ax‖ / ‖b‖ reached */
  residual: number;
}
