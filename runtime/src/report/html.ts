// One self-contained HTML report: the text summary and the Vega-Lite charts compiled to Vega and rendered
// to SVG in Node, inlined — no scripts, no network, viewable offline.
import type { SimReport } from '../sim/types.js';
import { chartSpecs } from './charts.js';
import { formatSummary } from './text.js';

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Compiles one Vega-Lite spec and renders it to SVG in Node; Vega's logged errors become an exception. */
export async function renderSpecToSvg(spec: Record<string, unknown>, id = 'chart'): Promise<string> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  // Vega logs dataflow errors instead of throwing; collect them so a broken chart fails loudly.
  const errors: string[] = [];
  const logger = {
    level: (): number => 0,
    error: (...a: unknown[]): void => void errors.push(a.map(String).join(' ')),
    warn: (): void => undefined,
    info: (): void => undefined,
    debug: (): void => undefined,
  };
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger: logger as never });
  const svg = await view.toSVG();
  view.finalize();
  if (errors.length > 0) throw new Error(`chart '${id}' failed to render: ${errors.join('; ')}`);
  return svg;
}

/** Renders each chart of the report to an SVG string (vega and vega-lite are loaded only here). */
export async function renderCharts(r: SimReport): Promise<{ id: string; title: string; svg: string }[]> {
  const out: { id: string; title: string; svg: string }[] = [];
  for (const c of chartSpecs(r)) out.push({ id: c.id, title: c.title, svg: await renderSpecToSvg(c.spec, c.id) });
  return out;
}

export async function renderHtml(r: SimReport): Promise<string> {
  const charts = await renderCharts(r);
  return htmlPage(
    `pim simulate — ${r.mapping}`,
    `${esc(r.model)} on ${esc(r.architecture)} <small>(mapping ${esc(r.mapping)})</small>`,
    charts,
    formatSummary(r),
  );
}

/** The page both reports share: a heading (HTML), the charts as inline SVG figures, the text summary. */
export function htmlPage(
  title: string,
  headingHtml: string,
  charts: { id: string; title: string; svg: string }[],
  summary: string,
): string {
  const figures = charts
    .map(
      (c) => `<figure class="chart" id="chart-${c.id}"><figcaption>${esc(c.title)}</figcaption>\n${c.svg}\n</figure>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 12px; }
figure.chart { margin: 2em 0; }
figcaption { font-weight: 600; margin-bottom: .5em; }
</style>
</head>
<body>
<h1>${headingHtml}</h1>
${figures}
<h2>Summary</h2>
<pre>${esc(summary)}</pre>
</body>
</html>
`;
}
