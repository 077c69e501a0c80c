// The simulator's report: every figure in SI units (s, J, W, m², bits, ops), per image (per graph for GNNs).
import type { GnnReport } from '../gnn/index.js';
import type { NocResult } from '../noc/traffic.js';
import type { GpuCost } from './gpu.js';

export interface LayerReport {
  index: number;
  name: string;
  kind: string;
  engine: 'crossbar' | 'gpu' | 'digital' | 'aggregate';
  partition: string;
  target: string;
  /** MVMs per image (crossbar engines); elements for digital ones. */
  mvms: number;
  replication: number;
  crossbars: number;
  tiles: number;
  /** Input cycles ⌈input_bits/dac_bits⌉, array read, conversion, step and MVM times (crossbar engines). */
  cycles: number;
  read_s: number;
  conversion_s: number;
  step_s: number;
  mvm_s: number;
  /** Stage time per image: ⌈mvms / replication⌉ × mvm time (the pipeline interval this layer imposes). */
  time_s: number;
  /** Time one image spends in the layer (stage time + shift-and-add tail). */
  latency_s: number;
  /** What limits the layer: adc | read | gpu-compute | gpu-memory | digital | none. */
  bound: string;
  energy_j: number;
  energy_by_kind: Record<string, number>;
  ops: number;
  buffer_bits: number;
  gpu?: GpuCost;
}

export interface StageReport {
  name: string;
  layers: string[];
  period_s: number;
  latency_s: number;
}

/** A NoC's traffic as reported: the routing result's figures (links kept, raw per-link arrays dropped) with the shares of the image's latency and energy. */
export type NocSummary = Pick<
  NocResult,
  | 'topology'
  | 'dims'
  | 'routers'
  | 'total_bits'
  | 'avg_hops'
  | 'energy_j'
  | 'latency_s'
  | 'hottest'
  | 'hottest_link_time_s'
  | 'contended_time_s'
  | 'bottleneck'
  | 'offchip_bits'
  | 'groups'
  | 'routers_load'
  | 'links'
> & {
  concentration: number[];
  /** NoC transfer time / per-image latency. */
  latency_share: number;
  energy_share: number;
};

export interface TrainingLayerReport {
  name: string;
  kind: string;
  forward_s: number;
  backward_s: number;
  gradient_s: number;
  forward_j: number;
  backward_j: number;
  gradient_j: number;
  cells_written: number;
  write_s: number;
  write_j: number;
}

export interface TrainingReport {
  experiment: string;
  mapping: string;
  dataset: string;
  epochs: number;
  batch: number;
  samples_per_epoch: number;
  samples_source: string;
  steps_per_epoch: number;
  per_sample: {
    forward_j: number;
    backward_j: number;
    gradient_j: number;
    noc_j: number;
    forward_s: number;
    backward_s: number;
    gradient_s: number;
    noc_s: number;
  };
  /** Pipeline interval between samples with forward, backward and gradient sharing each layer's crossbars. */
  period_s: number;
  /** Cell writes of one update (numerics/writes.ts), all replicas together, and their energy and latency. */
  per_update: { cells_written: number; write_energy_j: number; write_latency_s: number };
  batch_time_s: number;
  epoch_time_s: number;
  /** Energy of one epoch: the samples' phases, NoC transfers, weight writes, and the mapped hardware's leakage all epoch long (`epoch_static_j`). */
  epoch_energy_j: number;
  epoch_static_j: number;
  total_time_s: number;
  total_energy_j: number;
  /** Where the writes come from (numerics/writes.ts): every cell at every update, or the trainer's measured counts. */
  writes_source: 'analytic: every cell at every update' | 'measured by the trainer';
  /** Writes per epoch of the cell that wears out first (analytic: one per update). */
  writes_per_cell_per_epoch: number;
  endurance: number;
  epochs_to_endurance: number;
  gpu_time_per_sample_s: number;
  layers: TrainingLayerReport[];
}

export interface PublishedFigures {
  source: string;
  peak_ops_per_s: number;
  ops_per_s_per_m2: number;
  area_m2: number;
  power_w: number;
}

export interface SimSummary {
  /** Chip peak: crossbar ops/s (2 per MAC at full weight precision) + GPU FLOP/s. */
  peak_ops_per_s: number;
  peak_crossbar_ops_per_s: number;
  peak_gpu_flops: number;
  ops_per_s_per_m2: number;
  ops_per_w: number;
  area_m2: number;
  power_w: number;
  crossbars: number;
  crossbars_used: number;
  tiles: number;
  tiles_used: number;
  /** One image through the whole pipeline, including NoC transfers; each layer waits for its producer's whole output (upper bound). */
  latency_s: number;
  /** The same when a conv layer starts as soon as its producer has written the rows its first output row needs. */
  latency_overlapped_s: number;
  /** Pipeline interval: slowest stage after replication, or the NoC / off-chip link if slower. */
  period_s: number;
  throughput_per_s: number;
  bottleneck: string;
  energy_per_inference_j: number;
  ops_per_inference: number;
  /** Ops per inference × throughput. */
  effective_ops_per_s: number;
  published?: PublishedFigures;
}

/**
 * Temperatures of the simulated chips (architectures with a `thermal` block): docs/thermal.md. The
 * power map's totals are every chip's; `peak_k` and `tiers` are the hottest chip's.
 */
export interface ThermalReport {
  ambient_k: number;
  sink_side: 'first' | 'last';
  die_width_m: number;
  die_height_m: number;
  /** `stated` in the thermal block, or from the tiles' and GPU cores' `areas` */
  die_source: 'stated' | 'areas';
  grid: number;
  /** The power map: dynamic (layers at the simulated throughput, NoC) + static. */
  power_w: number;
  dynamic_power_w: number;
  static_power_w: number;
  static_source: string;
  /** The hottest point of any chip. */
  peak_k: number;
  /**
   * With several chips: the hottest (0 = the first), whose tiers `tiers` are, and one entry per solve —
   * the chips whose sites draw the same power (hence have the same temperatures), one chip's power and peak.
   */
  chips?: {
    hottest: number;
    solved: { chips: number[]; power_w: number; peak_k: number; iterations: number }[];
  };
  /** Per NoC tier of the hottest chip (tier 0 first): `position` counts from the tier farthest from the sink; cells row-major, grid × grid, K. */
  tiers: {
    tier: number;
    partitions: string[];
    position: number;
    peak_k: number;
    mean_k: number;
    power_w: number;
    cells: number[];
  }[];
  /** Every tile and GPU core of every chip: its router site and the site's mean temperature. */
  tiles: {
    kind: 'tile' | 'gpu';
    name: string;
    index: number;
    chip: number;
    tier: number;
    x: number;
    y: number;
    temperature_k: number;
    site_power_w: number;
  }[];
  /** The temperatures of the tiles each crossbar layer's crossbars sit in. */
  layers: { layer: string; tiles: number; min_k: number; mean_k: number; max_k: number }[];
  /** Over the solves (one per distinct chip): their iterations summed, the largest residual. */
  solver: { iterations: number; residual: number };
}

export interface SimReport {
  tool: string;
  ir_version: string;
  mapping: string;
  model: string;
  architecture: string;
  summary: SimSummary;
  chips: number;
  chip: {
    clock_hz: number;
    tile_types: {
      name: string;
      partition: string;
      count: number;
      crossbars_per_tile: number;
      rows: number;
      cols: number;
      adcs_per_crossbar: number;
      mvm_s: number;
      peak_ops_per_s: number;
      power_w: number;
      area_m2: number;
    }[];
    gpus: { name: string; count: number; peak_flops: number; memory_bandwidth_bps: number; power_w: number }[];
    breakdown: { kind: string; count: number; power_w: number; area_m2: number }[];
  };
  layers: LayerReport[];
  stages: StageReport[];
  components: { kind: string; energy_j: number; share: number }[];
  /** Idle energy: the mapped tiles' and GPUs' static power while they wait (`static_power_w`), or `idle_fraction` of their power when that option is given. */
  energy: {
    compute_j: number;
    buffer_j: number;
    noc_j: number;
    io_j: number;
    idle_j: number;
    static_power_w: number;
    idle_fraction?: number;
  };
  io: { bits: number; time_s: number; bandwidth_bps: number };
  /** The declared NoC and, for one chip, the same routers as a 3D stack (2D declared) or a 2D mesh (3D declared). */
  noc: { declared: NocSummary; counterpart: NocSummary | null } | null;
  /** GPU layers on the roofline; bits crossing into and out of the GPU partition and those flows' NoC latency. */
  gpu: {
    layers: { name: string; kind: string; gpu: string; cost: GpuCost }[];
    transfer_bits: number;
    transfer_latency_s: number;
    /** Per GPU: its layers' time per image, and the share of its peak FLOP/s and memory bandwidth they use over the pipeline period. */
    utilisation: { gpu: string; busy_s: number; compute: number; memory: number }[];
  } | null;
  training: TrainingReport[];
  gnn: GnnReport | null;
  /** Only for an architecture with a `thermal` block. */
  thermal?: ThermalReport;
  warnings: string[];
}
