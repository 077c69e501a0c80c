// Which temperature each crossbar layer's thermal noise sees. An experiment that states
// `noise { temperature }` gets that temperature everywhere (overriding a thermal model, and saying
// so); otherwise an architecture with a `thermal` block gives each layer the temperature of the tiles
// its crossbars sit in, from the simulator's power map at the mapping's throughput; otherwise 300 K.
import type { IrExperiment, IrProgram } from '@pim/ir';
import { simulate } from '../sim/simulate.js';
import { SimError } from '../sim/errors.js';
import type { SimReport } from '../sim/types.js';
import { TrainConfigError } from './hardware.js';

export interface LayerTemperatureUse {
  layer: string;
  /** the temperature the layer's thermal noise uses, K */
  temperature_k: number;
  /** the spread over the tiles the layer's crossbars sit in (thermal model only) */
  min_k?: number;
  max_k?: number;
}

export interface TemperatureUse {
  source: 'stated' | 'thermal model' | 'default';
  /** one sentence for the command's output */
  note: string;
  layers: LayerTemperatureUse[];
}

/**
 * A layer's crossbars may span tiles at different temperatures; the noise model takes one temperature
 * per layer, and thermal noise power is linear in T, so the layer gets the mean over its tiles.
 * `report`: the program already simulated with the experiment's mapping (without detail), not simulated again.
 */
export function temperaturesFor(
  ir: IrProgram,
  exp: IrExperiment,
  dataRoot?: string,
  report?: SimReport,
): TemperatureUse | undefined {
  if (!exp.noise) return undefined;
  const mapping = ir.mappings.find((m) => m.name === exp.mapping);
  const arch = ir.architectures.find((a) => a.name === mapping?.architecture);
  const stated = exp.noise.temperature_default !== true;
  if (!arch?.thermal || stated) {
    const why = stated
      ? arch?.thermal
        ? `stated by '${exp.name}' (overrides the thermal model of '${arch.name}')`
        : `stated by '${exp.name}'`
      : 'the default (no thermal model)';
    return {
      source: stated ? 'stated' : 'default',
      note: `temperature ${exp.noise.temperature_k} K, ${why}`,
      layers: [],
    };
  }
  try {
    report ??= simulate(ir, { mapping: exp.mapping, dataRoot, detail: false });
  } catch (e) {
    if (e instanceof SimError) throw new TrainConfigError(`thermal model of '${arch.name}': ${e.message}`);
    throw e;
  }
  const t = report.thermal!;
  const layers = t.layers.map((l) => ({ layer: l.layer, temperature_k: l.mean_k, min_k: l.min_k, max_k: l.max_k }));
  const lo = Math.min(...layers.map((l) => l.temperature_k));
  const hi = Math.max(...layers.map((l) => l.temperature_k));
  return {
    source: 'thermal model',
    note: `temperatures from the thermal model of '${arch.name}' at ${report.summary.throughput_per_s.toPrecision(3)} inferences/s (${t.power_w.toFixed(1)} W, sink on the ${t.sink_side} tier): crossbar layers at ${lo.toFixed(1)}–${hi.toFixed(1)} K`,
    layers,
  };
}
