// `pimc explore --html OUT`: one self-contained page of an exploration — the evaluated designs in
// objective space with the Pareto-optimal ones marked, the hypervolume against the budget spent, and
// (with a fidelity) the epochs each evaluation trained for. Vega-Lite rendered to SVG in Node, as the
// simulator's report.
import type { IrExploration } from '@pim/ir';
import { esc, htmlPage, renderSpecToSvg } from '../report/html.js';
import type { ExploreResult } from './types.js';
import { OBJECTIVE_SCALE as SCALE } from './units.js';

export interface ExploreChart {
  id: string;
  title: string;
  spec: Record<string, unknown>;
}

export function exploreCharts(ex: IrExploration, r: ExploreResult): ExploreChart[] {
  const front = new Set(r.front);
  const label = (name: string) => `${name} (${SCALE[name]?.[0] ?? ''})`;
  const rows = r.evaluations.map((e) => {
    const row: Record<string, unknown> = {
      design: e.index + 1,
      pareto: front.has(e.index) ? 'Pareto-optimal' : 'dominated',
      epochs: e.epochs ?? null,
    };
    for (const o of ex.objectives) row[label(o.name)] = e.objectives[o.name]! * (SCALE[o.name]?.[1] ?? 1);
    for (const p of ex.parameters) row[p.path] = e.params[p.path];
    return row;
  });
  // Pareto-optimal designs last, so they are drawn on top of the dominated ones.
  rows.sort((a, b) => Number(a['pareto'] === 'Pareto-optimal') - Number(b['pareto'] === 'Pareto-optimal'));
  const names = ex.objectives.map((o) => o.name);
  const pairs: [string, string][] = names.includes('accuracy')
    ? names.filter((n) => n !== 'accuracy').map((n) => [n, 'accuracy'])
    : names.slice(1).map((n) => [names[0]!, n]);
  const tooltip = [
    { field: 'design' },
    ...ex.parameters.map((p) => ({ field: p.path })),
    ...names.map((n) => ({ field: label(n), format: '.4~g' })),
    ...(r.evaluations.some((e) => e.epochs !== undefined) ? [{ field: 'epochs' }] : []),
  ];
  const charts: ExploreChart[] = pairs.slice(0, 4).map(([x, y]) => ({
    id: `scatter-${x}-${y}`,
    title: `${y} against ${x}: every evaluated design (Pareto-optimal in all ${names.length} objectives in red)${names.includes('accuracy') ? '; accuracy at the fidelity it was trained for' : ''}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 420,
      height: 280,
      data: { values: rows },
      mark: { type: 'point', filled: true, size: 70 },
      encoding: {
        x: { field: label(x), type: 'quantitative', scale: { zero: false } },
        y: { field: label(y), type: 'quantitative', scale: { zero: false } },
        color: {
          field: 'pareto',
          type: 'nominal',
          scale: { domain: ['Pareto-optimal', 'dominated'], range: ['#d62728', '#9ecae1'] },
          title: null,
        },
        tooltip,
      },
    },
  }));
  charts.push({
    id: 'hypervolume',
    title: 'Hypervolume of the Pareto front against the budget spent',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 420,
      height: 220,
      data: { values: r.trace.map((t) => ({ spent: t.spent, hypervolume: t.hypervolume })) },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'spent', type: 'quantitative', title: names.includes('accuracy') ? 'epochs spent' : 'evaluations' },
        y: { field: 'hypervolume', type: 'quantitative' },
      },
    },
  });
  if (r.evaluations.some((e) => e.epochs !== undefined)) {
    charts.push({
      id: 'fidelity',
      title: 'Epochs each evaluation trained for (the fidelity), in order',
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        width: 420,
        height: 160,
        data: { values: [...rows].sort((a, b) => (a['design'] as number) - (b['design'] as number)) },
        mark: 'bar',
        encoding: { x: { field: 'design', type: 'ordinal' }, y: { field: 'epochs', type: 'quantitative' } },
      },
    });
  }
  return charts;
}

export async function renderExploreHtml(ex: IrExploration, r: ExploreResult, summaryText: string): Promise<string> {
  const charts: { id: string; title: string; svg: string }[] = [];
  for (const c of exploreCharts(ex, r))
    charts.push({ id: c.id, title: c.title, svg: await renderSpecToSvg(c.spec, c.id) });
  return htmlPage(
    `pim explore — ${ex.name}`,
    `Exploration ${esc(ex.name)} <small>(${esc(r.method)})</small>`,
    charts,
    summaryText,
  );
}
