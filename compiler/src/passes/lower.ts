// Pass: assemble the IR, put it in canonical form (fixed key order, numbers rounded to 12
// significant digits so goldens do not churn on the last float bit) and validate it against the
// published JSON Schema.
import * as path from 'node:path';
import { diag, type Diagnostic } from '@pim/grammar';
import {
  IR_VERSION,
  validateIr,
  type IrArchitecture,
  type IrDataset,
  type IrDevice,
  type IrExperiment,
  type IrExploration,
  type IrMapping,
  type IrProgram,
} from '@pim/ir';
import type { CheckContext } from '../semantics/context.js';
import type { CheckedModel } from './models-check.js';
import { displayValue } from '../semantics/values.js';

export interface LowerInput {
  entry: string;
  files: string[];
  ctx: CheckContext;
  devices: Map<string, IrDevice>;
  architectures: Map<string, IrArchitecture>;
  datasets: Map<string, IrDataset>;
  models: Map<string, CheckedModel>;
  mappings: Map<string, IrMapping>;
  experiments: Map<string, IrExperiment>;
  explorations: Map<string, IrExploration>;
}

export function lowerProgram(input: LowerInput): { ir?: IrProgram; diagnostics: Diagnostic[] } {
  const base = path.dirname(input.entry);
  const constants: IrProgram['constants'] = {};
  for (const [name, entry] of input.ctx.consts) {
    const v = entry.value;
    if (!v) continue;
    if (v.t === 'num') constants[name] = v.v;
    else if (v.t === 'str' || v.t === 'bool') constants[name] = v.v;
    else constants[name] = displayValue(v);
  }
  const datasets = [...input.datasets.values()].map((d) =>
    d.path ? { ...d, path: path.relative(base, d.path) || '.' } : d,
  );
  const ir: IrProgram = {
    ir_version: IR_VERSION,
    sources: input.files.map((f) => path.relative(base, f) || path.basename(f)),
    constants,
    devices: [...input.devices.values()],
    architectures: [...input.architectures.values()],
    models: [...input.models.values()].map((m) => m.ir),
    datasets,
    mappings: [...input.mappings.values()],
    experiments: [...input.experiments.values()],
    explorations: [...input.explorations.values()],
  };
  const canonical = canonicalize(ir) as IrProgram;
  const errors = validateIr(canonical);
  if (errors.length) {
    return {
      diagnostics: [
        diag(
          'internalError',
          input.entry,
          { start: 0, end: 0 },
          `the IR does not match its schema: ${errors.slice(0, 5).join('; ')}`,
        ),
      ],
    };
  }
  return { ir: canonical, diagnostics: [] };
}

const FIRST_KEYS = ['ir_version', 'name', 'kind', 'path'];

function keyOrder(a: string, b: string): number {
  const ia = FIRST_KEYS.indexOf(a);
  const ib = FIRST_KEYS.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted keys, rounded numbers, no undefined fields: the same program always gives the same bytes. */
export function canonicalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalize);
  if (typeof v === 'number') {
    // Counts and indices, most of an IR's numbers, are already in canonical form (+ 0 turns −0 into 0, as
    // the rounding does); the string round trip is the slow part of a design's compile.
    if (Number.isInteger(v) && Math.abs(v) < 1e12) return v + 0;
    return Number.isFinite(v) ? Number(v.toPrecision(12)) : v;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort(keyOrder)) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonicalize(x);
    }
    return out;
  }
  return v;
}
