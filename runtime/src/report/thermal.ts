// The thermal section of the simulator's reports: per-tier peak and mean temperature (text) and a heat
// map per tier (Vega-Lite) of the hottest chip, from the report's own `thermal` figures.
import type { SimReport } from '../sim/types.js';
import type { ChartSpec } from './charts.js';
import { fmt, table } from './units.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Where a tier sits in the stack, in words. */
function placeOf(t: NonNullable<SimReport['thermal']>, tier: { position: number }): string {
  const n = t.tiers.length;
  if (n === 1) return 'die';
  if (tier.position === n - 1) return 'next to the sink';
  if (tier.position === 0) return 'farthest from the sink';
  return `${n - 1 - tier.position} tier(s) above the sink's`;
}

export function thermalLines(r: SimReport): string[] {
  const t = r.thermal;
  if (!t) return [];
  const die = `${(t.die_width_m * 1e3).toFixed(2)} mm × ${(t.die_height_m * 1e3).toFixed(2)} mm (${t.die_source === 'stated' ? 'stated' : 'from the areas'})`;
  return [
    '',
    `Temperature (steady state, ${t.grid}×${t.grid} grid per die ${die}, ambient ${t.ambient_k.toFixed(2)} K)`,
    `  power map             ${fmt(t.power_w, 'W')} = dynamic ${fmt(t.dynamic_power_w, 'W')} at the simulated throughput + static ${fmt(t.static_power_w, 'W')} (${t.static_source})`,
    ...chipsLine(r),
    table(
      ['tier', 'partitions', 'in the stack', 'power', 'peak', 'mean'],
      t.tiers.map((q) => [
        q.tier,
        q.partitions.join(', ') || '-',
        placeOf(t, q),
        fmt(q.power_w, 'W'),
        `${q.peak_k.toFixed(1)} K`,
        `${q.mean_k.toFixed(1)} K`,
      ]),
    ),
    ...(t.layers.length
      ? ['  crossbar layers:     ' + t.layers.map((l) => `${l.layer} ${l.mean_k.toFixed(1)} K`).join(', ')]
      : []),
  ];
}

/** The other solves the text lists, at most (the JSON's `thermal.chips.solved` has every one). */
const OTHERS_LISTED = 8;

/** Chip numbers in order, runs of three or more as a range: "chip 2", "chips 1, 3", "chips 1–999". */
function chipNames(chips: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < chips.length;) {
    let j = i;
    while (j + 1 < chips.length && chips[j + 1] === chips[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${chips[i]}–${chips[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(chips[k]));
    i = j + 1;
  }
  return `chip${chips.length > 1 ? 's' : ''} ${parts.join(', ')}`;
}

/**
 * With several chips (a package each): the hottest, whose tiers the table shows, and the others' peaks
 * (the first few solves); chips of the same power map, solved once, share an entry.
 */
function chipsLine(r: SimReport): string[] {
  const c = r.thermal?.chips;
  if (!c) return [];
  const figures = (s: (typeof c.solved)[number]) => `peak ${s.peak_k.toFixed(1)} K at ${fmt(s.power_w, 'W')}`;
  const hot = c.solved.find((s) => s.chips.includes(c.hottest))!;
  const alike = hot.chips.filter((k) => k !== c.hottest);
  const rest = c.solved.filter((s) => s !== hot);
  const others = rest
    .slice(0, OTHERS_LISTED)
    .map((s) => `; ${chipNames(s.chips)}: ${figures(s)}${s.chips.length > 1 ? ' each' : ''}`);
  if (rest.length > OTHERS_LISTED)
    others.push(
      `; ${rest.length - OTHERS_LISTED} more, each chips of one power map (thermal.chips.solved in the JSON)`,
    );
  return [
    `  chips                 ${r.chips}, a package each; the hottest is chip ${c.hottest} (${figures(hot)}${alike.length ? `; ${chipNames(alike)} the same` : ''}), its tiers below${others.join('')}`,
  ];
}

/** A heat map per tier of the hottest chip: every grid cell's temperature. */
export function thermalCharts(r: SimReport): ChartSpec[] {
  const t = r.thermal;
  if (!t) return [];
  const values = t.tiers.flatMap((q) =>
    q.cells.map((k, c) => ({
      tier: `tier ${q.tier} (${placeOf(t, q)})`,
      x: c % t.grid,
      y: Math.floor(c / t.grid),
      kelvin: Number(k.toFixed(3)),
    })),
  );
  return [
    {
      id: 'thermal',
      title: `Temperature per tier (K)${t.chips ? ` of chip ${t.chips.hottest}, the hottest` : ''}, ${t.grid}×${t.grid} cells; peak ${t.peak_k.toFixed(1)} K`,
      spec: {
        $schema: SCHEMA,
        data: { values },
        facet: { field: 'tier', type: 'nominal', title: null },
        columns: 4,
        spec: {
          width: 200,
          height: Math.round((200 * t.die_height_m) / t.die_width_m),
          mark: 'rect',
          encoding: {
            x: { field: 'x', type: 'ordinal', axis: null },
            y: { field: 'y', type: 'ordinal', sort: 'descending', axis: null },
            color: { field: 'kelvin', type: 'quantitative', scale: { scheme: 'inferno' }, title: 'K' },
          },
        },
      },
    },
  ];
}
