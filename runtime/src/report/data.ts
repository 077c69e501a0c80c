// JSON and CSV forms of a report. JSON keeps SI numbers; non-finite numbers become null.
import type { SimReport } from '../sim/types.js';

export function toJson(r: SimReport): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}

/** File name → CSV text: summary, layers, components, noc groups and router loads, gnn sweep, training. */
export function toCsvFiles(r: SimReport): Record<string, string> {
  const files: Record<string, string> = {};
  const { published, ...summary } = r.summary;
  const summaryRows: Record<string, unknown>[] = Object.entries(summary).map(([metric, value]) => ({
    metric,
    value,
    published: published ? (published as unknown as Record<string, unknown>)[metric] : undefined,
  }));
  files['summary.csv'] = toCsv(summaryRows, ['metric', 'value', 'published']);
  files['layers.csv'] = toCsv(
    r.layers.map(({ energy_by_kind, gpu, ...l }) => ({
      ...l,
      ...Object.fromEntries(Object.entries(energy_by_kind).map(([k, v]) => [`energy_${k}_j`, v])),
      gpu_flops: gpu?.flops,
      gpu_bytes: gpu?.bytes,
    })),
  );
  files['components.csv'] = toCsv(r.components, ['kind', 'energy_j', 'share']);
  files['breakdown.csv'] = toCsv(r.chip.breakdown, ['kind', 'count', 'power_w', 'area_m2']);
  if (r.noc) {
    const groups = [
      ...r.noc.declared.groups.map((g) => ({ noc: 'declared', topology: r.noc!.declared.topology, ...g })),
      ...(r.noc.counterpart?.groups ?? []).map((g) => ({
        noc: 'counterpart',
        topology: r.noc!.counterpart!.topology,
        ...g,
      })),
    ];
    files['noc_flows.csv'] = toCsv(groups);
    files['noc_routers.csv'] = toCsv(r.noc.declared.routers_load, ['chip', 'x', 'y', 'z', 'bits']);
    files['noc_links.csv'] = toCsv(r.noc.declared.links as unknown as Record<string, unknown>[], [
      'chip',
      'x',
      'y',
      'z',
      'dir',
      'bits',
    ]);
  }
  if (r.gnn) {
    files['gnn_sweep.csv'] = toCsv(r.gnn.sweep as unknown as Record<string, unknown>[]);
    if (r.gnn.droplayer.length)
      files['gnn_droplayer.csv'] = toCsv(r.gnn.droplayer as unknown as Record<string, unknown>[]);
  }
  if (r.training.length) {
    files['training.csv'] = toCsv(
      r.training.map(({ layers, per_sample, per_update, ...t }) => ({
        ...t,
        ...Object.fromEntries(Object.entries(per_sample).map(([k, v]) => [`sample_${k}`, v])),
        ...Object.fromEntries(Object.entries(per_update).map(([k, v]) => [`update_${k}`, v])),
      })),
    );
    files['training_layers.csv'] = toCsv(
      r.training.flatMap((t) => t.layers.map((l) => ({ experiment: t.experiment, ...l }))),
    );
  }
  return files;
}
