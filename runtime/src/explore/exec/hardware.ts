// The hardware objectives of design points: each point's program (compiled with its overrides) simulated
// with the `evaluate` experiment's mapping. One function for the coordinator, which computes a design
// it meets late, and for local worker processes, which compute the design pool's objectives at the start
// of a run in parallel (a few milliseconds each, but a pool holds up to 512 designs, and done by the
// coordinator alone they were the serial part of a run of short trainings; see docs/explorer.md).
// Compile and simulation are deterministic, so where a point was computed does not change its figures.
import { resolve } from 'node:path';
import type { IrOverride, IrProgram } from '@pim/ir';
import { SimError } from '../../sim/errors.js';
import { objectivesOf } from '../../sim/objectives.js';
import { simulate } from '../../sim/simulate.js';
import type { SimReport } from '../../sim/types.js';
import { isInfeasible, type HardwareOutcome, type Infeasible } from '../types.js';
import type { SourcesCompiler } from './evaluator.js';

/** Many design points of one program: its files (relative to `root`), the mapping to simulate, each point's overrides. */
export interface HardwareRequest {
  root: string;
  entry: string;
  sources: readonly { path: string; text: string }[];
  mapping: string;
  points: readonly (readonly IrOverride[])[];
}

/** What a worker answers per point: the outcome, or an error the coordinator handles by computing the point itself. */
export type HardwareAnswer = HardwareOutcome | { error: string };

export function isOutcome(a: HardwareAnswer): a is HardwareOutcome {
  return typeof (a as { error?: unknown }).error !== 'string';
}

/** A compiled design (or the compiler's message) simulated with `mapping`: its report, or the simulator's message. */
export function simulateDesign(ir: IrProgram | string, mapping: string, dataRoot: string): SimReport | Infeasible {
  if (typeof ir === 'string') return { infeasible: ir };
  try {
    return simulate(ir, { mapping, dataRoot, detail: false });
  } catch (e) {
    if (e instanceof SimError) return { infeasible: e.message };
    throw e;
  }
}

/** A simulated design's objectives, or why it cannot be built. */
export function outcomeOf(report: SimReport | Infeasible): HardwareOutcome {
  return isInfeasible(report) ? report : { ...objectivesOf(report) };
}

/** The objectives of a compiled design (or the compiler's message), by the analytic simulator. */
export function designObjectives(ir: IrProgram | string, mapping: string, dataRoot: string): HardwareOutcome {
  return outcomeOf(simulateDesign(ir, mapping, dataRoot));
}

/** Every point of a request, compiled from the request's files only and simulated (a worker's side). */
export function hardwareOfPoints(compileSources: SourcesCompiler, r: HardwareRequest): HardwareAnswer[] {
  const files = new Map(r.sources.map((s) => [resolve(r.root, s.path), s.text]));
  const entry = resolve(r.root, r.entry);
  return r.points.map((overrides) => {
    try {
      return designObjectives(compileSources(entry, files, overrides), r.mapping, r.root);
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  });
}
