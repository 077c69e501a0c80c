// Vega-Lite specifications of the report's charts, built from the report's own numbers.
import type { SimReport } from '../sim/types.js';
import { thermalCharts } from './thermal.js';

export interface ChartSpec {
  id: string;
  title: string;
  spec: Record<string, unknown>;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export function chartSpecs(r: SimReport): ChartSpec[] {
  const sparse = sparseChart(r);
  return [breakdownChart(r), layersChart(r), ...nocCharts(r), ...(sparse ? [sparse] : []), ...thermalCharts(r)];
}

/** Area and power of each component kind, side by side. */
function breakdownChart(r: SimReport): ChartSpec {
  const breakdown = r.chip.breakdown.flatMap((b) => [
    { kind: b.kind, measure: 'area (mm²)', value: b.area_m2 * 1e6 },
    { kind: b.kind, measure: 'power (W)', value: b.power_w },
  ]);
  return {
    id: 'breakdown',
    title: 'Chip area and power by component kind',
    spec: {
      $schema: SCHEMA,
      data: { values: breakdown },
      facet: { column: { field: 'measure', type: 'nominal', title: null } },
      resolve: { scale: { x: 'independent' } },
      spec: {
        width: 320,
        height: { step: 16 },
        mark: 'bar',
        encoding: {
          y: { field: 'kind', type: 'nominal', sort: '-x', title: 'component' },
          x: { field: 'value', type: 'quantitative', title: null },
          color: { field: 'kind', type: 'nominal', legend: null },
        },
      },
    },
  };
}

/** Stage time and energy of each layer that takes any, in model order. */
function layersChart(r: SimReport): ChartSpec {
  const layers = r.layers.filter((l) => l.time_s > 0 || l.energy_j > 0);
  const perLayer = layers.flatMap((l, i) => [
    { order: i, layer: l.name, engine: l.engine, measure: 'stage time (µs)', value: l.time_s * 1e6 },
    { order: i, layer: l.name, engine: l.engine, measure: 'energy (µJ)', value: l.energy_j * 1e6 },
  ]);
  return {
    id: 'layers',
    title: 'Per-layer stage time and energy (per image)',
    spec: {
      $schema: SCHEMA,
      data: { values: perLayer },
      facet: { row: { field: 'measure', type: 'nominal', title: null } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: { step: 22 },
        height: 160,
        mark: 'bar',
        encoding: {
          x: { field: 'layer', type: 'nominal', sort: { field: 'order' }, title: 'layer' },
          y: { field: 'value', type: 'quantitative', title: null },
          color: { field: 'engine', type: 'nominal' },
        },
      },
    },
  };
}

/** A router-load heat map for the declared NoC and, when the report has one, its 2D/3D counterpart. */
function nocCharts(r: SimReport): ChartSpec[] {
  if (!r.noc) return [];
  const nocs = [r.noc.declared, ...(r.noc.counterpart ? [r.noc.counterpart] : [])];
  return nocs.map((n, k) => {
    const load = n.routers_load.map((p) => ({
      panel: r.chips > 1 ? `chip ${p.chip}` : `tier ${p.z}`,
      x: p.x,
      y: p.y,
      kbits: p.bits / 1e3,
    }));
    return {
      id: k === 0 ? 'noc' : 'noc-counterpart',
      title: `NoC load, ${k === 0 ? 'declared' : 'counterpart'} ${n.topology} [${n.dims.join('×')}]: kbit per image on each router’s busiest output link`,
      spec: {
        $schema: SCHEMA,
        data: { values: load },
        // Wrapped facet: eight chips' meshes would not fit in one row.
        facet: { field: 'panel', type: 'nominal', title: null },
        columns: 4,
        spec: {
          // Fixed sizes: step sizing with independent scales in a facet breaks Vega's layout.
          width: 14 * (n.dims[0] ?? 1),
          height: 14 * (n.dims[1] ?? 1),
          mark: 'rect',
          encoding: {
            x: { field: 'x', type: 'ordinal' },
            y: { field: 'y', type: 'ordinal', sort: 'descending' },
            color: {
              field: 'kbits',
              type: 'quantitative',
              scale: { scheme: 'inferno', reverse: true },
              title: 'kbit',
            },
          },
        },
      },
    };
  });
}

/** The GNN's block-size sweep (area, power, non-zero blocks, utilization), when there is one. */
function sparseChart(r: SimReport): ChartSpec | undefined {
  if (!r.gnn || r.gnn.sweep.length === 0) return undefined;
  const area = r.gnn.sweep.flatMap((w) => [
    { block: w.block, part: 'crossbar arrays', mm2: w.array_area_m2 * 1e6 },
    { block: w.block, part: 'peripherals', mm2: w.peripheral_area_m2 * 1e6 },
  ]);
  const totals = r.gnn.sweep.flatMap((w) => [
    { block: w.block, order: 'natural', mm2: w.area_m2 * 1e6, watts: w.power_w },
    { block: w.block, order: 'RCM', mm2: w.area_rcm_m2 * 1e6, watts: w.power_rcm_w },
  ]);
  const blocks = r.gnn.sweep.flatMap((w) => [
    { block: w.block, order: 'natural', blocks: w.nonzero_blocks, utilization: w.utilization },
    { block: w.block, order: 'RCM', blocks: w.nonzero_blocks_rcm, utilization: w.utilization_rcm },
  ]);
  return {
    id: 'sparse',
    title: `Sparse partition vs block size (${r.gnn.graph.name}): area (natural order), power, non-zero blocks and cell utilization`,
    spec: {
      $schema: SCHEMA,
      hconcat: [
        {
          data: { values: area },
          width: 220,
          height: 200,
          mark: 'bar',
          encoding: {
            x: { field: 'block', type: 'ordinal', title: 'block / crossbar size b' },
            y: { field: 'mm2', type: 'quantitative', title: 'area (mm²)', stack: 'zero' },
            color: { field: 'part', type: 'nominal', title: null },
          },
        },
        sweepLine(totals, { field: 'watts', type: 'quantitative', title: 'partition power (W)' }),
        sweepLine(blocks, {
          field: 'blocks',
          type: 'quantitative',
          scale: { type: 'log' },
          title: 'non-zero blocks',
        }),
        sweepLine(blocks, {
          field: 'utilization',
          type: 'quantitative',
          scale: { type: 'log' },
          axis: { format: '%' },
          title: 'cell utilization',
        }),
      ],
      resolve: { scale: { color: 'independent' } },
    },
  };
}

/** One panel of the block-size sweep: a line per node order (natural, RCM) against the block size. */
function sweepLine(values: object[], y: object): object {
  return {
    data: { values },
    width: 220,
    height: 200,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'block', type: 'ordinal', title: 'block size b' },
      y,
      color: { field: 'order', type: 'nominal' },
    },
  };
}
