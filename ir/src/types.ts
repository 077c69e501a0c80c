// The pim IR: what `pimc compile` writes and the runtime reads. Every quantity is a plain number in
// SI base units (s, Hz, W, J, m², Ω, S, V, A, K, bit); field names end in the unit where it is not a
// count (`power_w`, `area_m2`, `clock_hz`). Keys are written in a fixed order (lower.ts), and the JSON
// Schema `ir.schema.json` beside this file is the published contract (validated on write and read).

import type { MatrixTiling } from './geometry.js';

export const IR_VERSION = '1.0.0';

export type Scalar = number | string | boolean;
export type AttrValue = Scalar | Scalar[] | { [key: string]: AttrValue };

export interface IrProgram {
  ir_version: string;
  /** Source files, entry first, as paths relative to the entry's folder. */
  sources: string[];
  constants: Record<string, AttrValue>;
  devices: IrDevice[];
  architectures: IrArchitecture[];
  models: IrModel[];
  datasets: IrDataset[];
  mappings: IrMapping[];
  experiments: IrExperiment[];
  explorations: IrExploration[];
}

/** Where a figure came from: given in the source, computed by a class estimate, or summed over children. */
export type FigureSource = 'stated' | 'estimated' | 'children' | 'none';

export interface IrDevice {
  name: string;
  technology: string;
  bits_per_cell: number;
  /** Conductance levels, 2^bits_per_cell. */
  levels: number;
  r_on_ohm: number;
  r_off_ohm: number;
  g_on_s: number;
  g_off_s: number;
  read_voltage_v: number;
  /**
   * Read and write latencies in seconds; absent when the device states them in cycles (the `_cycles`
   * fields), which each architecture turns into seconds at its clock (IrCrossbarSpec).
   */
  read_latency_s?: number;
  write_latency_s?: number;
  read_latency_cycles?: number;
  write_latency_cycles?: number;
  /** Energy to program one cell. */
  write_energy_j: number;
  /** Writes a cell survives before it wears out (stuck). */
  endurance: number;
  /** Relative sigma of the noise of each write (programming variation), redrawn at every write. */
  variation: number;
  /** Relative sigma of the static device-to-device spread, drawn once per cell per chip. */
  spread?: number;
  stuck_at_zero: number;
  stuck_at_one: number;
  /** Area of one cell, when the device states it. */
  cell_area_m2?: number;
}

/** One node of the hardware hierarchy. Figures are for ONE copy, children included. */
export interface IrComponent {
  name: string;
  kind: string;
  /** Dot path from the architecture, e.g. `isaac.isaac_tile.ima.crossbar`. */
  path: string;
  /** Copies inside one parent. */
  count: number;
  /** Copies on the whole chip (count multiplied down the hierarchy). */
  total_count: number;
  /** One physical unit serves this many parents; figures are already divided by it. */
  shared_by: number;
  attributes: Record<string, AttrValue>;
  power_w: number;
  area_m2: number;
  /** This node alone, without children (after shared_by). */
  own_power_w: number;
  own_area_m2: number;
  /** Static (leakage) power of one copy with its children: stated `leakage`, else a tenth of its own power plus its children's. */
  static_power_w?: number;
  power_source: FigureSource;
  area_source: FigureSource;
  /** Energy per operation (conversion, read, access), when the class knows it. */
  energy_j?: number;
  latency_s?: number;
  children: IrComponent[];
}

export interface IrCrossbarSpec {
  rows: number;
  cols: number;
  device: string;
  bits_per_cell: number;
  read_latency_s: number;
  /**
   * Time to program one cell, at this architecture's clock, when the device states it in cycles;
   * otherwise absent and the device's `write_latency_s` applies (`cellWriteLatency`).
   */
  write_latency_s?: number;
  power_w: number;
  area_m2: number;
  /** Energy of one read of the whole array (all rows driven, all columns sensed). */
  read_energy_j: number;
}

export interface IrAdcSpec {
  resolution_bits: number;
  rate_hz: number;
  power_w: number;
  area_m2: number;
  energy_per_conversion_j: number;
}

/** A kind of tile (a `tile` block), flattened for the simulator. */
export interface IrTileType {
  name: string;
  path: string;
  partition: string;
  /** Tiles of this type on the chip. */
  count: number;
  /** Compute units (IMAs) per tile; 1 when crossbars sit directly in the tile. */
  units_per_tile: number;
  crossbars_per_unit: number;
  crossbars_per_tile: number;
  crossbar?: IrCrossbarSpec;
  /** ADCs per compute unit and their spec. */
  adcs_per_unit: number;
  adc?: IrAdcSpec;
  dacs_per_unit: number;
  dac_bits: number;
  /** On-tile buffer (eDRAM/SRAM) capacity and per-access energy. */
  buffer_bits: number;
  buffer_access_energy_j: number;
  buffer_bandwidth_bps: number;
  power_w: number;
  /** Static (leakage) power of one tile: what it draws while idle. */
  static_power_w?: number;
  area_m2: number;
}

export interface IrGpu {
  name: string;
  path: string;
  partition: string;
  count: number;
  peak_flops: number;
  memory_bandwidth_bps: number;
  power_w: number;
  area_m2: number;
}

export interface IrPartition {
  name: string;
  /** `reram` when it holds crossbars, `gpu` when it holds GPU cores, else `digital`. */
  kind: 'reram' | 'gpu' | 'digital';
  /** 3D tier index when the NoC stacks tiers, else 0. */
  tier: number;
  /** The partition's own clock, when it states one; its tiles run at it (`tileClockHz`). */
  clock_hz?: number;
  tiles: string[];
  gpus: string[];
}

export interface IrNoc {
  topology: 'mesh' | 'mesh3d' | 'bus' | 'torus' | 'cmesh';
  /** Routers per dimension: [x, y] or [x, y, z]. */
  dims: number[];
  /** Tiles per router of a concentrated mesh (`cmesh`), each with its own ports. */
  concentration?: number;
  flit_bits: number;
  hop_latency_s: number;
  /** Partition names per tier (3D), bottom first. */
  tiers: string[];
  tsv_latency_s: number;
  link_bandwidth_bps: number;
  energy_per_bit_hop_j: number;
  router_power_w: number;
}

/** One slab of the die stack: thickness and thermal conductivity. */
export interface IrSlab {
  thickness_m: number;
  conductivity_w_per_mk: number;
}

/**
 * The heat path of the chip (a `thermal` block): the runtime builds the floorplan (one die per NoC
 * tier, each tile and GPU core at its router's site) and solves its temperatures.
 */
export interface IrThermal {
  /** Which end of `noc.tiers` touches the spreader and sink. */
  sink_side: 'first' | 'last';
  ambient_k: number;
  grid: number;
  /** Stated die size; absent = derived from the components' areas. */
  die_width_m?: number;
  die_height_m?: number;
  tier: IrSlab;
  bond: IrSlab;
  tim: IrSlab;
  spreader: IrSlab & { side_m: number };
  sink: IrSlab & { side_m: number };
  convection_k_per_w: number;
}

export interface IrArchitecture {
  name: string;
  /** Identical chips (`chips:`); component figures are per chip, `totals` and tile counts for all. */
  chips?: number;
  clock_hz: number;
  weight_bits: number;
  input_bits: number;
  root: IrComponent;
  partitions: IrPartition[];
  tile_types: IrTileType[];
  gpus: IrGpu[];
  noc?: IrNoc;
  thermal?: IrThermal;
  /** Off-chip links (HyperTransport and the like). */
  links: {
    name: string;
    count: number;
    bandwidth_bps: number;
    frequency_hz: number;
    power_w: number;
    area_m2: number;
  }[];
  totals: {
    power_w: number;
    area_m2: number;
    crossbars: number;
    tiles: number;
    gpus: number;
  };
  /** Whole-chip power and area summed by component kind (adc, crossbar, router …). */
  breakdown: { kind: string; count: number; power_w: number; area_m2: number }[];
}

export type IrInput =
  | { kind: 'tensor'; shape: number[]; classes?: number; dataset?: string }
  | { kind: 'graph'; dataset: string; nodes: number; features: number; classes: number; edges?: number };

export interface IrLayer {
  index: number;
  /** The given name, or `kind_index` when the layer has none. */
  name: string;
  kind: string;
  attributes: Record<string, AttrValue>;
  input_shape: number[];
  output_shape: number[];
  /** Multiply-accumulates per sample (per graph for GNNs, aggregation counted on the adjacency's non-zeros when known). */
  macs: number;
  params: number;
  /** The weight matrix as crossbars see it: K rows (fan-in) × N columns (outputs). */
  weights?: { rows: number; cols: number };
  /** MVMs per sample: output pixels for conv, 1 for linear, nodes for gcn. */
  mvms: number;
  /** Residual source layer for `add`. */
  from?: string;
}

export interface IrModel {
  name: string;
  input: IrInput;
  layers: IrLayer[];
  output_shape: number[];
  totals: { macs: number; params: number; weight_layers: number };
}

export interface IrDataset {
  name: string;
  source: 'builtin' | 'planetoid' | 'synthetic';
  /** For builtin: `mnist`; for planetoid: the set's name (cora, citeseer). */
  set?: string;
  /** Folder of a planetoid set, relative to the folder of the entry file (`sources[0]`). */
  path?: string;
  kind: 'image' | 'graph' | 'vector';
  shape: number[];
  classes: number;
  attributes: Record<string, AttrValue>;
}

export type Engine = 'crossbar' | 'gpu' | 'digital';

export interface IrPlacement {
  layer: string;
  index: number;
  kind: string;
  engine: Engine;
  partition: string;
  /** Tile type or GPU name the layer runs on. */
  target: string;
  /** Crossbar layers only: the weight matrix's tiling (geometry.ts) and its copies. */
  crossbar?: MatrixTiling & {
    replication: number;
    crossbars_total: number;
    tiles: number;
    /** Fraction of the allocated cells that hold weights. */
    utilization: number;
  };
}

export interface IrAdjacencyPolicy {
  layer: string;
  partition: string;
  target: string;
  block: number;
  skip_zero_blocks: boolean;
  reorder: 'none' | 'rcm';
}

export interface IrMapping {
  name: string;
  model: string;
  architecture: string;
  weight_bits: number;
  input_bits: number;
  replicate: 'none' | 'balanced' | number;
  /** How signed weights sit on cells: one offset column per slice, or a G+/G− column pair per slice. */
  encoding?: 'offset' | 'differential';
  placements: IrPlacement[];
  adjacency: IrAdjacencyPolicy[];
  totals: { crossbars_used: number; crossbars_available: number; tiles_used: number };
}

export interface IrExperiment {
  kind: 'train' | 'run';
  name: string;
  mapping: string;
  dataset: string;
  epochs: number;
  batch: number;
  seed: number;
  optimizer?: {
    name: 'sgd' | 'momentum' | 'adam';
    lr: number;
    momentum: number;
    weight_decay: number;
    beta1: number;
    beta2: number;
  };
  faults?: { stuck_at_zero: number; stuck_at_one: number };
  /**
   * Thermal noise at `temperature_k`, read at the stated bandwidth `frequency_hz` or else the design's (clock,
   * ADC rate). `temperature_default`: not stated (300 K, or the thermal model's temperatures when the
   * architecture has one).
   */
  noise?: {
    temperature_k: number;
    frequency_hz?: number;
    variation?: number;
    spread?: number;
    temperature_default?: boolean;
  };
  mitigate?: { clip?: number; noise_aware: boolean; normalization?: 'all' | 'alternate' | 'third' | 'none' };
  droplayer?: { dropout: number; dropedge: number };
  numerics: {
    ideal: boolean;
    adc_bits?: number;
    /** The ADC's full scale: the worst-case column sum, or calibrated from calibration data. */
    adc_range?: 'worst_case' | 'calibrated';
    /** Fraction of calibration partial sums the calibrated full scale covers. */
    adc_percentile?: number;
    /** Calibration samples (training data) the ranges are set from. */
    adc_calibration_samples?: number;
    /** Calibrated full scales per layer and column group, ADC units (stated, or recorded by a calibration). */
    adc_ranges?: Record<string, number[]>;
    activation_bits: number;
    /** Activations and gradients off the GPU: per-tensor dynamic scaling, or a static binary point per layer. */
    fixed_point?: 'dynamic' | 'static';
  };
}

export interface IrExploration {
  name: string;
  evaluate: string;
  /** `unit`: the SI symbol of the values (Hz, bit, m), when they are quantities with one. */
  parameters: {
    path: string;
    owner: string;
    attribute: string;
    unit?: string;
    values: (number | string | boolean)[];
  }[];
  objectives: { name: string; sense: 'minimize' | 'maximize' }[];
  /** Upper bounds on hardware figures (SI: K, W, m², J, s): a design over one is infeasible, never trained. */
  limits?: { name: 'peak_temperature' | 'power' | 'area' | 'energy' | 'latency'; max: number }[];
  method: {
    name: 'random' | 'grid' | 'nsga2' | 'mesmo' | 'cf_mesmo';
    budget?: number;
    budget_unit?: string;
    fidelity?: { parameter: string; min: number; max: number };
    seed: number;
    attributes: Record<string, AttrValue>;
  };
}

/** One design point's value for a `vary` path, in SI units: what the compiler's overrides take. */
export interface IrOverride {
  path: string;
  value: number | string | boolean;
}

/**
 * The program compiled again with one design point's overrides (the IR holds results, not the
 * formulas behind them, so an explorer needs the compiler for each point): its IR, or why it has
 * none (`CODE: message`). The compiler makes one (`designCompiler`); the explorer takes it as given.
 */
export type DesignCompiler = (overrides: readonly IrOverride[]) => IrProgram | string;
