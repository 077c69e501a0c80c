// Training cost in the PipeLayer style: per sample a forward pass, a backward pass on the transposed
// crossbars and the weight-gradient computation; per batch a weight update written into the cells.
import {
  cellWriteLatency,
  inputCycles,
  tileMatrix,
  type IrDevice,
  type IrExperiment,
  type IrLayer,
  type IrPlacement,
  type IrProgram,
} from '@pim/ir';
import { statedSplit } from '../data/sizes.js';
import {
  maxCellWritesPerUpdate,
  weightCells,
  writesPerUpdate,
  type MeasuredLayerWrites,
  type MeasuredWrites,
} from '../numerics/writes.js';
import { SimError } from './errors.js';
import { type TileModel, stepTime } from './arch.js';
import { gpuCost } from './gpu.js';
import type { LayerReport, StageReport, TrainingLayerReport, TrainingReport } from './types.js';

/**
 * One backward MVM δ_in = Wᵀ δ_out on the SAME crossbars, driven from the columns. The S slices of a weight
 * sit in S columns with different significance, so they are driven in S separate passes (each shifted and
 * added), each pass ⌈I/d⌉ input cycles converting the used rows on every crossbar: S × ⌈I/d⌉ × max(read,
 * rows × crossbars per ADC of the slowest group / rate).
 */
export function transposedMvm(
  t: TileModel,
  K: number,
  N: number,
  slices: number,
  inputBits: number,
): { mvm_s: number; energy_j: number } {
  const cycles = inputCycles(inputBits, t.dacBits);
  const { row_tiles: rowTiles, col_tiles: colTiles, crossbars } = tileMatrix(K, N, slices, t.rows, t.cols);
  const step = stepTime(t, Math.min(t.rows, K));
  const mvm = slices * cycles * step;
  // Per pass, K·N cells conduct (one slice column per weight); rows converted on every column tile.
  const xbar = slices * cycles * t.xbarReadEnergy * ((K * N) / (t.rows * t.cols));
  const adc = slices * cycles * colTiles * K * t.adcEnergy;
  const drivers = slices * cycles * rowTiles * N * t.dacPower * step;
  const sh = slices * cycles * colTiles * K * t.shPower * step;
  const imas = crossbars / Math.max(1, t.tt.crossbars_per_unit);
  const other = (t.unitOtherPower * imas + (t.tileOtherPower * crossbars) / Math.max(1, t.tt.crossbars_per_tile)) * mvm;
  const buffer = (K + N) * inputBits * t.bufferEnergyPerBit;
  return { mvm_s: mvm, energy_j: xbar + adc + drivers + sh + other + buffer };
}

function samplesPerEpoch(ir: IrProgram, exp: IrExperiment, graph: boolean): [number, string] {
  if (graph) return [1, 'full-batch graph: one sample (the graph) per epoch'];
  const ds = ir.datasets.find((d) => d.name === exp.dataset);
  // The trainer's split (data/sizes.ts): the updates it makes are the ones costed here.
  const stated = ds ? statedSplit(ds.attributes).train : undefined;
  if (stated !== undefined && stated > 0)
    return [stated, `dataset ${exp.dataset}: its training split (80% of \`samples\`)`];
  // The compiler writes `samples` (the prelude's default 1000) on every data set that is not a graph, so
  // only IR from elsewhere gets here.
  return [exp.batch, `unknown size of dataset '${exp.dataset}': assumed one batch`];
}

export interface TrainingInputs {
  ir: IrProgram;
  exp: IrExperiment;
  layers: LayerReport[];
  stages: StageReport[];
  irLayers: IrLayer[];
  placements: (IrPlacement | undefined)[];
  tiles: Map<string, TileModel>;
  gpus: Map<string, import('@pim/ir').IrGpu>;
  inputBits: number;
  /** NoC energy of one forward pass (with DropLayer's savings when the experiment uses it); the backward pass moves the same amount back. */
  nocEnergyPerInference: number;
  /** NoC transfer latency of one forward pass (contended; with DropLayer's savings); the backward pass takes as long again. */
  nocTimePerInference: number;
  /** The busiest NoC port's time per forward pass with all transfers under contention: with the backward's, a bound on the period. */
  nocPeriod: number;
  /** Static (leakage) power of the mapped tiles and GPUs, drawn all epoch long. */
  staticPower: number;
  graph: boolean;
  warnings: Set<string>;
  /** The trainer's measured writes of this experiment by layer (numerics/writes.ts); else every cell at every update. */
  measuredWrites?: MeasuredWrites;
}

/** The measured writes of a crossbar layer, checked against the mapping's cells (they must be the same layer). */
function measuredFor(x: TrainingInputs, layer: string, cells: number): MeasuredLayerWrites | undefined {
  if (!x.measuredWrites) return undefined;
  const m = x.measuredWrites[layer];
  if (!m)
    throw new SimError(`experiments[${x.exp.name}]`, `the measured writes have no layer '${layer}' (a crossbar layer)`);
  if (m.cells !== cells)
    throw new SimError(
      `experiments[${x.exp.name}]`,
      `the measured writes of layer '${layer}' cover ${m.cells} cells, but the mapping gives it ${cells} per copy (measured on another mapping?)`,
    );
  return m;
}

/**
 * One layer's training phases; `endurance` is its cells' (Infinity when it writes none), `wear` the writes
 * per update of its most-written cell, `gpu_s` its GPU time.
 */
function layerTrainingCost(
  x: TrainingInputs,
  r: LayerReport,
  firstWeight: number | undefined,
): { t: TrainingLayerReport; endurance: number; wear: number; gpu_s: number } {
  const layer = x.irLayers[r.index]!;
  const p = x.placements[r.index];
  const t: TrainingLayerReport = {
    name: r.name,
    kind: r.kind,
    forward_s: r.time_s,
    backward_s: 0,
    gradient_s: 0,
    forward_j: r.energy_j,
    backward_j: 0,
    gradient_j: 0,
    cells_written: 0,
    write_s: 0,
    write_j: 0,
  };
  let endurance = Infinity;
  let wear = 0;
  let gpuTime = 0;
  if (r.engine === 'crossbar' && p?.crossbar) {
    const tile = x.tiles.get(p.target)!;
    const c = p.crossbar;
    const w = layer.weights!;
    if (layer.index !== firstWeight) {
      const b = transposedMvm(tile, w.rows, w.cols, c.slices, x.inputBits);
      t.backward_s = Math.ceil(layer.mvms / c.replication) * b.mvm_s;
      t.backward_j = layer.mvms * b.energy_j;
    }
    // ∂W = Σ_pixels x δᵀ: as many MAC-equivalent MVMs as the forward pass (PipeLayer computes it in arrays).
    t.gradient_s = r.time_s;
    t.gradient_j = r.energy_j;
    const dev: IrDevice | undefined = x.ir.devices.find((d) => d.name === tile.tt.crossbar!.device);
    if (!dev)
      x.warnings.add(
        `device '${tile.tt.crossbar!.device}' of tile '${tile.tt.name}' is not in the IR: weight writes not costed`,
      );
    else {
      // c.slices: the columns of one output (bit slices, and both signs for differential).
      const cells = weightCells(w.rows, w.cols, c.slices);
      const measured = measuredFor(x, layer.name, cells);
      t.cells_written = writesPerUpdate(cells, c.replication, measured);
      wear = maxCellWritesPerUpdate(measured);
      // Rows are programmed one at a time (all columns of a row in parallel), all crossbars in parallel.
      const writeLatency = cellWriteLatency(tile.tt.crossbar!, dev);
      if (writeLatency === undefined)
        x.warnings.add(
          `device '${dev.name}' states its write latency in cycles, but tile '${tile.tt.name}' gives no seconds: writes take 0 s`,
        );
      t.write_s = Math.min(tile.rows, w.rows) * (writeLatency ?? 0);
      t.write_j = t.cells_written * dev.write_energy_j;
      endurance = dev.endurance;
    }
  } else if (r.engine === 'gpu') {
    // The report's target: a digital layer beside a GPU layer runs on that GPU.
    const g = x.gpus.get(r.target)!;
    const f = gpuCost(g, layer, 'forward');
    const b = gpuCost(g, layer, 'backward');
    t.forward_s = f.time_s;
    t.forward_j = f.energy_j;
    t.backward_s = b.time_s;
    t.backward_j = b.energy_j;
    gpuTime = f.time_s + b.time_s;
  } else if (r.engine === 'aggregate') {
    // Âᵀ = Â (symmetric): the backward aggregation is the same work on the same blocks.
    t.backward_s = r.time_s;
    t.backward_j = r.energy_j;
  } else {
    // Digital layers: the backward (masks, pooling switches) costs what the forward did.
    t.backward_s = r.time_s;
    t.backward_j = r.energy_j;
  }
  return { t, endurance, wear, gpu_s: gpuTime };
}

export function trainingCost(x: TrainingInputs): TrainingReport {
  const { ir, exp } = x;
  const [samples, source] = samplesPerEpoch(ir, exp, x.graph);
  const batch = Math.max(1, Math.min(exp.batch, samples));
  const steps = Math.ceil(samples / batch);
  const firstWeight = x.irLayers.find((l) => l.weights)?.index;
  const perLayer: TrainingLayerReport[] = [];
  const perName = new Map<string, TrainingLayerReport>();
  let endurance = Infinity;
  let wear = 0;
  let gpuTime = 0;
  for (const name of Object.keys(x.measuredWrites ?? {}))
    if (!x.layers.some((r) => r.name === name && r.engine === 'crossbar'))
      throw new SimError(`experiments[${exp.name}]`, `measured writes name layer '${name}', not a crossbar layer here`);
  for (const r of x.layers) {
    const { t, endurance: e, wear: w, gpu_s } = layerTrainingCost(x, r, firstWeight);
    // The first cell to wear out: the fewest writes it survives per write it takes.
    if (w > 0 && (wear === 0 || e / w < endurance / wear)) [endurance, wear] = [e, w];
    gpuTime += gpu_s;
    perLayer.push(t);
    perName.set(r.name, t);
  }
  const sum = (f: (t: TrainingLayerReport) => number): number => perLayer.reduce((s, t) => s + f(t), 0);
  const stageTime = (s: StageReport): number => s.layers.reduce((m, n) => Math.max(m, phaseTime(perName.get(n))), 0);
  const phaseTime = (t: TrainingLayerReport | undefined): number => (t ? t.forward_s + t.backward_s + t.gradient_s : 0);
  const period = Math.max(
    x.stages.reduce((m, s) => Math.max(m, stageTime(s)), 0),
    2 * x.nocPeriod,
  );
  // A sample's transfers forward and back (the layers' gradient needs no transfer of its own).
  const nocTime = 2 * x.nocTimePerInference;
  const fill = sum(phaseTime) + nocTime;
  const writeLatency = perLayer.reduce((m, t) => Math.max(m, t.write_s), 0);
  const cells = sum((t) => t.cells_written);
  const writeEnergy = sum((t) => t.write_j);
  const fullBatches = Math.floor(samples / batch);
  const rest = samples - fullBatches * batch;
  const batchTime = (n: number): number => (n - 1) * period + fill + writeLatency;
  const epochTime = fullBatches * batchTime(batch) + (rest > 0 ? batchTime(rest) : 0);
  const perSample = {
    forward_j: sum((t) => t.forward_j),
    backward_j: sum((t) => t.backward_j),
    gradient_j: sum((t) => t.gradient_j),
    noc_j: 2 * x.nocEnergyPerInference,
    noc_s: nocTime,
    forward_s: sum((t) => t.forward_s),
    backward_s: sum((t) => t.backward_s),
    gradient_s: sum((t) => t.gradient_s),
  };
  // The mapped hardware leaks for the whole epoch (its static power; the phases' energies are dynamic).
  const staticEnergy = x.staticPower * epochTime;
  const epochEnergy =
    samples * (perSample.forward_j + perSample.backward_j + perSample.gradient_j + perSample.noc_j) +
    steps * writeEnergy +
    staticEnergy;
  return {
    experiment: exp.name,
    mapping: exp.mapping,
    dataset: exp.dataset,
    epochs: exp.epochs,
    batch,
    samples_per_epoch: samples,
    samples_source: source,
    steps_per_epoch: steps,
    per_sample: perSample,
    period_s: period,
    per_update: { cells_written: cells, write_energy_j: writeEnergy, write_latency_s: writeLatency },
    batch_time_s: batchTime(batch),
    epoch_time_s: epochTime,
    epoch_energy_j: epochEnergy,
    epoch_static_j: staticEnergy,
    total_time_s: epochTime * exp.epochs,
    total_energy_j: epochEnergy * exp.epochs,
    writes_source: x.measuredWrites ? 'measured by the trainer' : 'analytic: every cell at every update',
    writes_per_cell_per_epoch: wear * steps,
    endurance: Number.isFinite(endurance) ? endurance : 0,
    epochs_to_endurance: Number.isFinite(endurance) && wear > 0 ? endurance / (wear * steps) : 0,
    gpu_time_per_sample_s: gpuTime,
    layers: perLayer,
  };
}
