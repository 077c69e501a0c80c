// The readable text summary `pimc simulate` prints: chip figures beside the published ones, the pipeline,
// per-layer and per-component tables, NoC 2D vs 3D, GPU partition, training and GNN sections.
import type { NocSummary, SimReport } from '../sim/types.js';
import { thermalLines } from './thermal.js';
import { fmt, mm2, pct, table } from './units.js';

function vsPublished(ours: number, theirs: number | undefined, show: (x: number) => string): string {
  if (theirs === undefined) return show(ours);
  const d = ours / theirs - 1;
  return `${show(ours).padEnd(18)} published ${show(theirs).padEnd(18)} (${d >= 0 ? '+' : ''}${(100 * d).toFixed(1)}%)`;
}

export function formatSummary(r: SimReport): string {
  const out = [
    ...chipLines(r),
    ...inferenceLines(r),
    ...layerTables(r),
    ...nocLines(r),
    ...gpuLines(r),
    ...trainingLines(r),
    ...gnnLines(r),
    ...thermalLines(r),
    ...warningLines(r),
  ];
  return out.join('\n') + '\n';
}

/** The title and the chip's figures, beside the published ones where the architecture cites them. */
function chipLines(r: SimReport): string[] {
  const s = r.summary;
  const pub = s.published;
  const out: string[] = [];
  out.push(`pim simulate — mapping ${r.mapping}: model ${r.model} on architecture ${r.architecture}`);
  out.push('');
  out.push(`Chip${pub ? `  (published: ${pub.source})` : ''}`);
  out.push(`  peak throughput       ${vsPublished(s.peak_ops_per_s, pub?.peak_ops_per_s, (x) => fmt(x, 'OPS'))}`);
  out.push(
    `  computational eff.    ${vsPublished(s.ops_per_s_per_m2 * 1e-6, pub ? pub.ops_per_s_per_m2 * 1e-6 : undefined, (x) => fmt(x, 'OPS/s/mm²'))}`,
  );
  out.push(`  area                  ${vsPublished(s.area_m2, pub?.area_m2, mm2)}`);
  out.push(`  power                 ${vsPublished(s.power_w, pub?.power_w, (x) => fmt(x, 'W'))}`);
  out.push(`  power efficiency      ${fmt(s.ops_per_w, 'OPS/W')}`);
  if (s.peak_gpu_flops > 0)
    out.push(
      `  of which GPU           ${fmt(s.peak_gpu_flops, 'FLOPS')}; crossbars ${fmt(s.peak_crossbar_ops_per_s, 'OPS')}`,
    );
  out.push(
    `  crossbars             ${s.crossbars} (mapping uses ${s.crossbars_used}); tiles ${s.tiles} (uses ${s.tiles_used})`,
  );
  return out;
}

/** Latency, pipeline period, throughput and energy of one inference. */
function inferenceLines(r: SimReport): string[] {
  const s = r.summary;
  const out: string[] = [];
  out.push('');
  out.push('Inference (per image; per graph for GNNs)');
  out.push(
    `  latency               ${fmt(s.latency_s, 's')} layer after layer; ${fmt(s.latency_overlapped_s, 's')} with layers overlapping within the image`,
  );
  out.push(`  pipeline period       ${fmt(s.period_s, 's')}  (bottleneck: ${s.bottleneck})`);
  out.push(
    `  throughput            ${fmt(s.throughput_per_s, 'inferences/s')}  = ${fmt(s.effective_ops_per_s, 'OPS')} effective`,
  );
  out.push(
    `  energy                ${fmt(s.energy_per_inference_j, 'J')}  (compute ${fmt(r.energy.compute_j, 'J')}, buffers ${fmt(r.energy.buffer_j, 'J')}, NoC ${fmt(r.energy.noc_j, 'J')}, I/O ${r.io.bandwidth_bps > 0 ? fmt(r.energy.io_j, 'J') : '0 J: no off-chip link'}, idle ${fmt(r.energy.idle_j, 'J')} ${r.energy.idle_fraction !== undefined ? `at ${pct(r.energy.idle_fraction)} of tile power` : `from ${fmt(r.energy.static_power_w, 'W')} of leakage`})`,
  );
  return out;
}

/** The per-layer table and the energy by component kind. */
function layerTables(r: SimReport): string[] {
  const out: string[] = [];
  out.push('');
  out.push(
    table(
      ['layer', 'kind', 'engine', 'xbars', 'tiles', 'mvms', 'step', 'mvm', 'stage time', 'energy', 'bound'],
      r.layers.map((l) => [
        l.name,
        l.kind,
        l.engine,
        l.crossbars,
        l.tiles,
        l.mvms,
        l.step_s ? fmt(l.step_s, 's') : '-',
        l.mvm_s ? fmt(l.mvm_s, 's') : '-',
        fmt(l.time_s, 's'),
        fmt(l.energy_j, 'J'),
        l.bound,
      ]),
    ),
  );
  out.push('');
  out.push('Energy per inference by component');
  out.push(
    table(
      ['kind', 'energy', 'share'],
      r.components.map((c) => [c.kind, fmt(c.energy_j, 'J'), pct(c.share)]),
    ),
  );
  return out;
}

/** The NoC table: the declared network and, when the report has one, its 2D/3D counterpart. */
function nocLines(r: SimReport): string[] {
  const out: string[] = [];
  if (!r.noc) return out;
  const nocs = [r.noc.declared, ...(r.noc.counterpart ? [r.noc.counterpart] : [])];
  const link = (n: NocSummary): string =>
    n.hottest
      ? `${fmt(n.hottest.bits, 'b')} @${r.chips > 1 ? `chip ${n.hottest.chip} ` : ''}(${n.hottest.x},${n.hottest.y},${n.hottest.z})${n.hottest.dir}`
      : '-';
  const row = (label: string, f: (n: NocSummary) => string | number): (string | number)[] => [label, ...nocs.map(f)];
  out.push('');
  out.push(
    r.noc.counterpart
      ? 'Network on chip (same mapping: declared vs counterpart)'
      : `Network on chip${r.chips > 1 ? ` (${r.chips} chips in a chain over their off-chip links)` : ''}`,
  );
  out.push(
    table(
      ['', ...nocs.map((n) => `${n.topology} [${n.dims.join('×')}]${r.chips > 1 ? ` ×${r.chips} chips` : ''}`)],
      [
        row('routers', (n) => n.routers),
        row('tiles per router', (n) => n.concentration.join('/')),
        row('bits per image', (n) => fmt(n.total_bits, 'b')),
        ...(r.chips > 1 ? [row('bits between chips', (n) => fmt(n.offchip_bits, 'b'))] : []),
        row('average hops', (n) => n.avg_hops.toFixed(2)),
        row('hottest link', link),
        row('hottest link time', (n) => fmt(n.hottest_link_time_s, 's')),
        row('busiest port', (n) => `${n.bottleneck.port} ${fmt(n.contended_time_s, 's')}`),
        row('NoC latency', (n) => fmt(n.latency_s, 's')),
        row('latency share', (n) => pct(n.latency_share)),
        row('NoC energy', (n) => fmt(n.energy_j, 'J')),
        row('energy share', (n) => pct(n.energy_share)),
      ],
    ),
  );
  return out;
}

/** The GPU partition's roofline table and each GPU's utilisation. */
function gpuLines(r: SimReport): string[] {
  const out: string[] = [];
  if (!r.gpu) return out;
  out.push('');
  out.push(
    `GPU partition (roofline; ${fmt(r.gpu.transfer_bits, 'b')} in and out over the NoC, ${fmt(r.gpu.transfer_latency_s, 's')} of transfer latency)`,
  );
  out.push(
    table(
      ['layer', 'kind', 'FLOPs', 'bytes', 'compute', 'memory', 'time', 'bound', 'energy'],
      r.gpu.layers.map((g) => [
        g.name,
        g.kind,
        fmt(g.cost.flops, ''),
        fmt(g.cost.bytes, 'B'),
        fmt(g.cost.compute_s, 's'),
        fmt(g.cost.memory_s, 's'),
        fmt(g.cost.time_s, 's'),
        g.cost.bound,
        fmt(g.cost.energy_j, 'J'),
      ]),
    ),
  );
  for (const u of r.gpu.utilisation)
    out.push(
      `  ${u.gpu}: layers share its cores and memory, busy ${fmt(u.busy_s, 's')} per image; utilisation over the period: ${pct(u.compute)} of peak FLOP/s, ${pct(u.memory)} of memory bandwidth`,
    );
  return out;
}

/** Time, energy and endurance of each training experiment on the chip. */
function trainingLines(r: SimReport): string[] {
  const out: string[] = [];
  for (const t of r.training) {
    out.push('');
    out.push(
      `Training ${t.experiment} (${t.epochs} epochs, batch ${t.batch}, ${t.samples_per_epoch} samples/epoch: ${t.samples_source})`,
    );
    out.push(
      `  per sample            forward ${fmt(t.per_sample.forward_s, 's')} / ${fmt(t.per_sample.forward_j, 'J')}, backward ${fmt(t.per_sample.backward_s, 's')} / ${fmt(t.per_sample.backward_j, 'J')}, gradient ${fmt(t.per_sample.gradient_s, 's')} / ${fmt(t.per_sample.gradient_j, 'J')}, NoC ${fmt(t.per_sample.noc_s, 's')} / ${fmt(t.per_sample.noc_j, 'J')}`,
    );
    out.push(
      `  per update            ${Number(t.per_update.cells_written.toPrecision(6))} cells written (${t.writes_source}), ${fmt(t.per_update.write_energy_j, 'J')}, ${fmt(t.per_update.write_latency_s, 's')}`,
    );
    out.push(
      `  epoch                 ${fmt(t.epoch_time_s, 's')}, ${fmt(t.epoch_energy_j, 'J')} (leakage ${fmt(t.epoch_static_j, 'J')}); total ${fmt(t.total_time_s, 's')}, ${fmt(t.total_energy_j, 'J')}`,
    );
    out.push(
      `  endurance             ${Number(t.writes_per_cell_per_epoch.toPrecision(6))} writes/cell/epoch; ${t.endurance > 0 ? `${t.endurance.toExponential(1)} writes ⇒ ${t.epochs_to_endurance.toExponential(3)} epochs to wear-out` : 'device endurance unknown'}`,
    );
  }
  return out;
}

/** The GNN's sparse partition: the block-size sweep, each layer's placement and DropLayer's savings. */
function gnnLines(r: SimReport): string[] {
  const out: string[] = [];
  if (!r.gnn) return out;
  const g = r.gnn;
  out.push('');
  out.push(
    `GNN sparse partition: ${g.graph.name}, ${g.graph.nodes} nodes, ${g.graph.edges} edges, ${g.graph.nnz} non-zeros in A+I (density ${pct(g.graph.density)}); bandwidth ${g.graph.bandwidth} → ${g.graph.bandwidth_rcm} after RCM`,
  );
  if (g.sweep.length > 0)
    out.push(
      table(
        [
          'block',
          'non-zero blocks',
          'after RCM',
          'of',
          'utilization',
          'ADC bits',
          'array area',
          'periph. area',
          'area',
          'area (RCM)',
          'power',
          'power (RCM)',
        ],
        g.sweep.map((w) => [
          w.block,
          w.nonzero_blocks,
          w.nonzero_blocks_rcm,
          w.dense_blocks,
          pct(w.utilization),
          w.adc_bits,
          mm2(w.array_area_m2),
          mm2(w.peripheral_area_m2),
          mm2(w.area_m2),
          mm2(w.area_rcm_m2),
          fmt(w.power_w, 'W'),
          fmt(w.power_rcm_w, 'W'),
        ]),
      ),
    );
  for (const a of g.layers)
    out.push(
      `  ${a.layer}: block ${a.block}, reorder ${a.reorder}, ${a.skip_zero_blocks ? 'zero blocks skipped' : 'all blocks stored'}: ${a.blocks} blocks, ${a.crossbars} crossbars on ${a.tiles} ${a.target} tiles, utilization ${pct(a.utilization)}`,
    );
  for (const d of g.droplayer)
    out.push(
      `  DropLayer ${d.layer} (${d.experiment}: dropout ${d.dropout}, DropEdge ${d.dropedge}): V→E ${fmt(d.base_bits, 'b')} → ${fmt(d.both_bits, 'b')} (dropout alone ${fmt(d.dropout_bits, 'b')}, DropEdge alone ${fmt(d.dropedge_bits, 'b')}), ${d.reduction.toFixed(2)}× less` +
        (d.noc
          ? `; NoC ${fmt(d.noc.energy_j, 'J')} → ${fmt(d.noc.energy_dropped_j, 'J')}, ${fmt(d.noc.latency_s, 's')} → ${fmt(d.noc.latency_dropped_s, 's')}`
          : ''),
    );
  return out;
}

/** The warnings of the simulation, if any. */
function warningLines(r: SimReport): string[] {
  const out: string[] = [];
  if (r.warnings.length === 0) return out;
  out.push('');
  out.push('Warnings');
  for (const w of r.warnings) out.push(`  - ${w}`);
  return out;
}
