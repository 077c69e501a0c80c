// A tabular benchmark: an exploration problem whose evaluations are replayed from a table in which
// every design was measured once (`npm run explore:table`): the exact hardware objectives, the test
// accuracy after every epoch and the CPU seconds the training had used by then. An evaluation at z
// epochs returns the accuracy after epoch z with the curve before it, and costs the CPU seconds
// measured for those z epochs. Many methods and seeds can then be compared at the cost of one sweep.
import { readFileSync } from 'node:fs';
import { paretoFront } from './pareto.js';
import { DesignSpace, type ParamValue, type Point } from './space.js';
import {
  isInfeasible,
  scaledHypervolume,
  type DesignProblem,
  type HardwareOutcome,
  type Measurement,
} from './types.js';

export const TABLE_FILE = 'docs/exploration-table.jsonl';
export const TABLE_LIMITS = { trainLimit: 128, testLimit: 128 };

export interface TableHeader {
  kind: 'pim-exploration-table';
  source: string;
  exploration: string;
  parameters: { path: string; values: ParamValue[] }[];
  objectives: { name: string; sense: 'minimize' | 'maximize' }[];
  epochs: number;
  seed: number;
  trainLimit: number;
  testLimit: number;
  command: string;
  /**
   * The last invocation of the sweep that wrote the table: its worker processes, the trainings it ran
   * (the others came from journals), its wall seconds, the coordinator's CPU seconds (planning: the
   * hardware objectives and what each design's training sees) and the machine's 1-minute load average
   * at its start and end.
   */
  sweep?: { workers: number; trained: number; wall_s: number; coordinator_cpu_s: number; load: [number, number] };
}

export interface TableRow {
  index: number;
  point: number[];
  params: Record<string, ParamValue>;
  /** Exact hardware objectives (SI units), or why the design cannot be built. */
  hardware: HardwareOutcome;
  /** Test accuracy after epoch 1, 2, …, full (fractions). */
  accuracy?: number[];
  /** CPU seconds the training had used by the end of epoch 1, 2, … (cumulative, evaluation included). */
  cpu?: number[];
  /** Index of the design whose training run these figures come from (itself when trained for it). */
  run?: number;
  /** The temperature each crossbar layer's thermal noise saw in that run (K, when the run had noise). */
  temperatures?: number[];
}

export interface Table {
  header: TableHeader;
  rows: TableRow[];
}

export function readTable(file: string): Table {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const header = JSON.parse(lines[0]!) as TableHeader;
  if (header.kind !== 'pim-exploration-table') throw new Error(`${file}: not an exploration table`);
  return { header, rows: lines.slice(1).map((l) => JSON.parse(l) as TableRow) };
}

export interface TabularOptions {
  seed: number;
  /** In the table's cost unit: CPU seconds, or epochs. */
  budget: number;
  costUnit: 'cpu' | 'epochs';
  /** Lowest fidelity CF-MESMO may choose (default 1 epoch). */
  minEpochs?: number;
  samples?: number;
  population?: number;
}

export function tabularProblem(t: Table, o: TabularOptions): DesignProblem {
  const space = new DesignSpace(t.header.parameters.map((p) => ({ ...p, owner: '', attribute: '' })));
  const rows = new Map<string, TableRow>(t.rows.map((r) => [space.key(r.point), r]));
  const row = (pt: Point): TableRow => {
    const r = rows.get(space.key(pt));
    if (!r) throw new Error(`the table has no design ${JSON.stringify(space.values(pt))}`);
    return r;
  };
  const full = t.header.epochs;
  return {
    space,
    objectives: t.header.objectives,
    // A design of an unfinished table (`--partial`) that was not trained is not there to be chosen.
    hardware: (pt) => (row(pt).accuracy ? row(pt).hardware : { infeasible: 'not measured in the table' }),
    accuracy: async (pt, epochs): Promise<Measurement> => {
      const r = row(pt);
      if (!r.accuracy || !r.cpu) throw new Error(`design ${r.index} has no measured accuracy in the table`);
      return {
        accuracy: r.accuracy[epochs - 1]!,
        curve: r.accuracy.slice(0, epochs),
        cpuCurve: r.cpu.slice(0, epochs),
        job: `table:${r.index}@${epochs}`,
        worker: 'table',
        cpuSeconds: r.cpu[epochs - 1]!,
        wallSeconds: 0,
      };
    },
    fullEpochs: full,
    fidelity: { min: o.minEpochs ?? 1, max: full },
    budget: o.budget,
    costUnit: o.costUnit,
    seed: o.seed,
    // Every design is a candidate and bounds the normalisation: the true front's hypervolume is then
    // on the same scale as every method's.
    poolLimit: space.size,
    samples: o.samples ?? 10,
    population: o.population ?? 20,
  };
}

/** The true Pareto front's hypervolume: every design at full fidelity, normalised over all designs. */
export function trueHypervolume(t: Table): {
  hypervolume: number;
  front: number[];
  bounds: Record<string, [number, number]>;
} {
  const full = t.header.epochs;
  const measured = t.rows.filter((r) => r.accuracy && !isInfeasible(r.hardware));
  const objectives: Record<string, number>[] = measured.map((r) => ({
    ...(r.hardware as Record<string, number>),
    accuracy: r.accuracy![full - 1]!,
  }));
  const bounds: Record<string, [number, number]> = {};
  for (const o of t.header.objectives) {
    if (o.name === 'accuracy') bounds[o.name] = [0, 1];
    else {
      const vs = objectives.map((v) => v[o.name]!);
      bounds[o.name] = [Math.min(...vs), Math.max(...vs)];
    }
  }
  const hv = scaledHypervolume(objectives, t.header.objectives, bounds);
  const front = paretoFront(
    objectives.map((v) => t.header.objectives.map((o) => (o.sense === 'minimize' ? v[o.name]! : -v[o.name]!))),
  ).map((i) => measured[i]!.index);
  return { hypervolume: hv, front, bounds };
}
