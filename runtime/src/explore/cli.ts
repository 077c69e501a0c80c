// `pimc explore FILE [--explore NAME] [--method M] [--budget N] [--seed N] [--json OUT] [--html OUT]`: runs one
// exploration of the program and prints its Pareto-optimal designs. Progress is one redrawn line on a
// terminal and nothing otherwise.
import * as fs from 'node:fs';
import type { DesignCompiler, IrExploration, IrProgram } from '@pim/ir';
import { DataError } from '../data/errors.js';
import { fmt, mm2, pct, table } from '../report/units.js';
import { explore, ExploreError, METHODS, type ExploreResult, type Method } from './explorer.js';
import { problemFor } from './problem.js';

export { explore, ExploreError, mesTerm, METHODS, normalise, scaledHypervolume, type DesignProblem, type Evaluation, type ExploreResult, type Method, type ObjectiveSpec } from './explorer.js';
export { DesignSpace } from './space.js';
export { dominates, paretoFront, nonDominatedSort, crowdingDistance, hypervolume } from './pareto.js';
export { GaussianProcess } from './gp.js';
export { problemFor } from './problem.js';
export { accuracyOf } from './types.js';

export interface ExploreArgs {
  explore?: string | undefined;
  method?: string | undefined;
  budget?: number | undefined;
  seed?: number | undefined;
  json?: string | undefined;
  html?: string | undefined;
  source: string;
  /** The source compiled again with a design point's overrides (`designCompiler` of @pim/compiler). */
  compile: DesignCompiler;
  trainLimit?: number | undefined;
  testLimit?: number | undefined;
}

type Out = (s: string) => void;

const UNITS: Record<string, (v: number) => string> = {
  area: mm2,
  power: (v) => fmt(v, 'W'),
  energy: (v) => fmt(v, 'J'),
  latency: (v) => fmt(v, 's'),
  throughput: (v) => fmt(v, '/s'),
  edp: (v) => fmt(v, 'J·s'),
  peak_temperature: (v) => `${v.toFixed(1)} K`,
  accuracy: pct,
};

export async function exploreCommand(ir: IrProgram, args: ExploreArgs, out: Out, err: Out): Promise<number> {
  const all = ir.explorations ?? [];
  if (all.length === 0) {
    err('pimc explore: the program has no explore declaration');
    return 1;
  }
  const ex = args.explore === undefined ? all[0]! : all.find((e) => e.name === args.explore);
  if (!ex) {
    err(`pimc explore: no exploration '${args.explore}' (the program has ${all.map((e) => e.name).join(', ')})`);
    return 1;
  }
  const method = (args.method ?? ex.method.name) as Method;
  if (!METHODS.includes(method)) {
    err(`pimc explore: unknown method '${args.method}' (one of ${METHODS.join(', ')})`);
    return 2;
  }
  const tty = process.stderr.isTTY === true;
  try {
    const problem = await problemFor(ir, ex, {
      source: args.source,
      compile: args.compile,
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
      ...(args.budget !== undefined ? { budget: args.budget } : {}),
      ...(args.trainLimit ? { trainLimit: args.trainLimit } : {}),
      ...(args.testLimit ? { testLimit: args.testLimit } : {}),
    });
    const unit = ex.objectives.some((o) => o.name === 'accuracy') ? 'epochs' : 'evaluations';
    const t0 = performance.now();
    problem.onEvaluation = (e, r) => {
      if (tty) process.stderr.write(`\rexplore ${ex.name} (${method}): ${e.index + 1} design${e.index === 0 ? '' : 's'}, ${r.spent}/${r.budget} ${unit}, ${((performance.now() - t0) / 1000).toFixed(0)} s\x1b[K`);
    };
    const result = await explore(problem, method);
    if (tty) process.stderr.write('\n');
    const text = summary(ex, result, unit);
    out(text);
    if (args.json) {
      writeAtomic(args.json, JSON.stringify({ exploration: ex.name, objectives: ex.objectives, parameters: ex.parameters.map((p) => p.path), ...result }, null, 2) + '\n');
      out(`wrote ${args.json}`);
    }
    if (args.html) {
      const { renderExploreHtml } = await import('./report.js');
      writeAtomic(args.html, await renderExploreHtml(ex, result, text));
      out(`wrote ${args.html}`);
    }
    return 0;
  } catch (e) {
    if (tty) process.stderr.write('\n');
    if (e instanceof ExploreError || e instanceof DataError) {
      err(`pimc explore: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** The run in a few lines and the Pareto-optimal designs as a table. */
export function summary(ex: IrExploration, r: ExploreResult, unit: string): string {
  const lines = [
    `${ex.name}: ${r.method}, ${r.evaluations.length} designs evaluated for ${r.spent} of ${r.budget} ${unit}` +
      (r.infeasible.length ? `; ${r.infeasible.length} designs rejected by the compiler (e.g. ${r.infeasible[0]!.reason})` : ''),
    `hypervolume of the Pareto front (objectives scaled to the designs' range, reference 1.1): ${(r.trace.at(-1)?.hypervolume ?? 0).toFixed(4)}`,
    `Pareto-optimal designs (${r.front.length}):`,
  ];
  const head = ['#', ...ex.parameters.map((p) => p.path), ...ex.objectives.map((o) => `${o.name} (${o.sense === 'minimize' ? 'min' : 'max'})`)];
  const rows = r.front.map((i) => {
    const e = r.evaluations[i]!;
    return [String(i + 1), ...ex.parameters.map((p) => displayParam(e.params[p.path]!)), ...ex.objectives.map((o) => (UNITS[o.name] ?? String)(e.objectives[o.name]!))];
  });
  lines.push(table(head, rows));
  if (r.recommended) {
    lines.push(`Pareto set the model recommends (accuracy predicted at full fidelity, ± one standard deviation; ${r.recommended.length}):`);
    const recRows = r.recommended.map((d, i) => [String(i + 1), ...ex.parameters.map((p) => displayParam(d.params[p.path]!)), ...ex.objectives.map((o) => (o.name === 'accuracy' ? `${pct(d.objectives[o.name]!)} ± ${(100 * d.sd).toFixed(1)}` : (UNITS[o.name] ?? String)(d.objectives[o.name]!)))]);
    lines.push(table(head, recRows));
  }
  return lines.join('\n');
}

function displayParam(v: number | string | boolean): string {
  if (typeof v !== 'number') return String(v);
  return Number.isInteger(v) && Math.abs(v) < 1e6 ? String(v) : fmt(v, '');
}
