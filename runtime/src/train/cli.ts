// `pimc train` and `pimc run` (loaded lazily by the compiler's CLI as `@pim/runtime/train`), and the public
// API of the numerics, data and trainer.

import type { TemperatureUse } from './temperature.js';
import { writeFileAtomic } from '@pim/grammar/files';
import { dirname, resolve } from 'node:path';
import type { IrProgram } from '@pim/ir';
import { DataError } from '../data/errors.js';
import { TrainConfigError, TrainDivergedError } from './hardware.js';
import { ProgressReporter } from './progress.js';
import { evaluate, train } from './trainer.js';

export { DataError } from '../data/errors.js';
export { loadPlanetoid, programDataFiles, syntheticGraph, type PlanetoidGraph } from '../data/planetoid.js';
export { loadMnist } from '../data/mnist.js';
export { loadExperimentData, type LoadedData } from './data.js';
export { syntheticSet } from '../data/synthetic.js';
export type { TensorDataset, TensorSplit } from '../data/tensor-set.js';
export {
  calibrationRows,
  CrossbarLayer,
  type CrossbarParams,
  type KernelGeometry,
  type MvmPath,
} from '../numerics/crossbar.js';
export { readNoiseBandwidth, roundedGaussianVariance, thermalNoiseCurrent, K_B } from '../numerics/physics.js';
export {
  adcBitsNeeded,
  calibratedScale,
  convert,
  SumHistogram,
  worstCaseScale,
  worstCaseSum,
  type AdcRangeMode,
  type AdcScale,
} from '../numerics/adc.js';
export {
  AdjacencyCrossbar,
  adjacencyLayout,
  type AdjacencyLayout,
  type AdjacencyParams,
} from '../numerics/adjacency.js';
export {
  checkpointPath,
  checkpointWrites,
  decodeTensor,
  isCheckpointFile,
  readCheckpoint,
  type Checkpoint,
} from './checkpoint.js';
export { cellEncoding, columnsPerOutput, slicesPerWeight, type Encoding } from '../numerics/encoding.js';
export { initTf, rows, tf } from '../numerics/tf.js';
export { layerHardware, TrainConfigError, TrainDivergedError } from './hardware.js';
export { readoutPool } from './network.js';
export { temperaturesFor, type TemperatureUse } from './temperature.js';
export { Rng } from '../util/rng.js';
export {
  evaluate,
  risingLoss,
  train,
  trainingHardware,
  type EpochMetrics,
  type EvaluateResult,
  type TrainOptions,
  type TrainResult,
} from './trainer.js';
export { ProgressReporter };
export * as ops from './ops.js';

type Out = (s: string) => void;

export interface CommandArgs {
  train?: string;
  run?: string;
  seed?: number;
  epochs?: number;
  json?: string;
  checkpoint?: string;
  /** Replace an existing checkpoint of the experiment in `checkpoint`. */
  overwrite?: boolean;
  /** `train`: fine-tune from this checkpoint's weights (a file, or a folder's newest of the model). */
  init?: string;
  /** The entry .pim file; relative dataset paths resolve against its folder. */
  source?: string;
}

function pick(ir: IrProgram, kind: 'train' | 'run', name: string | undefined): string {
  if (name) return name;
  const all = ir.experiments.filter((e) => e.kind === kind).map((e) => e.name);
  if (all.length === 1) return all[0]!;
  throw new TrainConfigError(
    all.length === 0
      ? `the program declares no ${kind} experiment`
      : `the program declares several ${kind} experiments (${all.join(', ')}): choose one with --${kind} NAME`,
  );
}

function writeJson(file: string, value: unknown): void {
  writeFileAtomic(resolve(file), JSON.stringify(value, null, 2) + '\n');
}

function pct(x: number | null): string {
  return x === null || Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)}%`;
}

async function guarded(err: Out, f: () => Promise<number>): Promise<number> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof DataError || e instanceof TrainConfigError || e instanceof TrainDivergedError) {
      err(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

/** Which temperature each crossbar layer's thermal noise saw. */
function printTemperatures(out: Out, t: TemperatureUse | undefined): void {
  if (!t) return;
  out(t.note);
  for (const l of t.layers)
    out(
      `  ${l.layer.padEnd(12)} ${l.temperature_k.toFixed(1)} K (tiles ${l.min_k!.toFixed(1)}–${l.max_k!.toFixed(1)} K)`,
    );
}

export function trainCommand(irIn: unknown, args: CommandArgs, out: Out, err: Out): Promise<number> {
  return guarded(err, async () => {
    const ir = irIn as IrProgram;
    const name = pick(ir, 'train', args.train);
    // A redrawn bar on a terminal; otherwise plain lines through `err` (logs, pipes, tests).
    const sink = process.stderr.isTTY
      ? process.stderr
      : ({ write: (s: string) => (err(s.trimEnd()), true), isTTY: false } as unknown as NodeJS.WritableStream);
    const progress = new ProgressReporter(sink, name);
    const r = await train(ir, name, {
      seed: args.seed,
      epochs: args.epochs,
      checkpoint: args.checkpoint,
      overwrite: args.overwrite,
      init: args.init,
      warn: (m) => err(`warning: ${m}`),
      progress,
      dataRoot: args.source ? dirname(resolve(args.source)) : undefined,
    });
    const f = r.final;
    out(
      `${r.experiment}: ${f.epoch} epochs, loss ${f.loss.toFixed(4)}, test accuracy ${pct(f.test_accuracy)}, val ${pct(f.val_accuracy)}, writes ${f.total_writes}, worn cells ${f.worn_cells}`,
    );
    if (r.approximate) out(`note: ${r.approximate.note}`);
    printTemperatures(out, r.temperatures);
    if (args.json) writeJson(args.json, r);
    if (r.checkpoint) out(`checkpoint: ${r.checkpoint}`);
    return 0;
  });
}

/** `pimc run`: its checkpoint is required (pimc's usage error when it is missing). */
export function runCommand(
  irIn: unknown,
  args: CommandArgs & { checkpoint: string },
  out: Out,
  err: Out,
): Promise<number> {
  return guarded(err, async () => {
    const ir = irIn as IrProgram;
    const name = pick(ir, 'run', args.run);
    const r = await evaluate(ir, name, {
      checkpoint: args.checkpoint,
      seed: args.seed,
      warn: (m) => err(`warning: ${m}`),
      dataRoot: args.source ? dirname(resolve(args.source)) : undefined,
    });
    out(
      `${r.experiment}: test accuracy ${pct(r.test_accuracy)} (checkpoint ${r.checkpoint}, ${r.stuck_cells} stuck cells)`,
    );
    printTemperatures(out, r.temperatures);
    if (args.json) writeJson(args.json, r);
    return 0;
  });
}
