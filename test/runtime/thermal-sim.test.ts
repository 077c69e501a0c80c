// The loop design → power map → temperatures → noise, on samples/thermal-3d.pim (a GPU tier and two
// ReRAM tiers, the GPU at either end), on a small 2D chip and on multi-chip designs compiled from source.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compile, type IrProgram } from '@pim/compiler';
import { simulate, formatSummary, chartSpecs, renderSpecToSvg, objectivesOf } from '@pim/runtime/sim';
import { temperaturesFor } from '@pim/runtime/train';
import { explore, problemFor } from '@pim/runtime/explore';
import { compiledText, compileText } from './fixtures/compiled.js';

const SAMPLE = resolve('samples/thermal-3d.pim');

function compiled(file: string): IrProgram {
  const p = compile(file);
  assert.ok(p.ir, `${file}: ${p.diagnostics.map((d) => d.message).join('; ')}`);
  return p.ir;
}

describe('thermal: the simulator’s power map and temperatures (samples/thermal-3d.pim)', function () {
  this.timeout(120000);
  const ir = compiled(SAMPLE);
  const far = simulate(ir, { mapping: 'cnn_gpu_far' });
  const near = simulate(ir, { mapping: 'cnn_gpu_near' });

  it('the power map is the report’s energy at its throughput: dynamic = layers + NoC, static = idle', () => {
    for (const r of [far, near]) {
      const t = r.thermal!;
      const period = r.summary.period_s;
      const dynamic = (r.energy.compute_j + r.energy.buffer_j + r.energy.noc_j) / period;
      assert.ok(Math.abs(t.dynamic_power_w / dynamic - 1) < 1e-9, `${t.dynamic_power_w} W vs ${dynamic} W`);
      assert.ok(Math.abs(t.static_power_w / (r.energy.idle_j / period) - 1) < 1e-9);
      const perTier = t.tiers.reduce((s, q) => s + q.power_w, 0);
      assert.ok(Math.abs(perTier / t.power_w - 1) < 1e-9, 'every watt lands on a tier');
      // not the stated peak power: the chip's total is far above what the mapping draws
      assert.ok(t.power_w < r.summary.power_w);
    }
  });

  it('three tiers; the GPU tier and the network’s ReRAM tier are hotter with the GPU far from the sink; all above ambient', () => {
    const tier = (r: typeof far, p: string) => r.thermal!.tiers.find((q) => q.partitions.includes(p))!;
    assert.equal(far.thermal!.tiers.length, 3);
    assert.ok(tier(far, 'gpu').mean_k > tier(near, 'gpu').mean_k, 'GPU tier hotter far from the sink');
    // the middle tier: the GPU's heat crosses it only when the GPU is above it
    assert.ok(
      tier(far, 'reram').mean_k > tier(near, 'reram').mean_k + 10,
      `ReRAM tier ${tier(far, 'reram').mean_k} K vs ${tier(near, 'reram').mean_k} K`,
    );
    for (const r of [far, near])
      for (const q of r.thermal!.tiers) assert.ok(q.mean_k > r.thermal!.ambient_k && q.peak_k >= q.mean_k);
    assert.equal(tier(far, 'gpu').position, 0);
    assert.equal(tier(near, 'gpu').position, 2);
    assert.equal(tier(far, 'reram').position, 1);
  });

  it('every tile and GPU core has a temperature; every crossbar layer one from its tiles', () => {
    const t = far.thermal!;
    assert.equal(t.tiles.filter((u) => u.kind === 'tile').length, 128);
    assert.equal(t.tiles.filter((u) => u.kind === 'gpu').length, 64);
    const xbarLayers = far.layers.filter((l) => l.engine === 'crossbar').map((l) => l.name);
    assert.deepEqual(
      t.layers.map((l) => l.layer),
      xbarLayers,
    );
    for (const l of t.layers) assert.ok(l.min_k <= l.mean_k && l.mean_k <= l.max_k && l.min_k > t.ambient_k);
  });

  it('pimc simulate’s text prints peak and mean per tier; the HTML has a heat map per tier that renders', async () => {
    const text = formatSummary(far);
    assert.match(text, /Temperature \(steady state/);
    assert.match(text, /gpu\s+farthest from the sink/);
    assert.match(text, /reram_spare\s+next to the sink/);
    const chart = chartSpecs(far).find((c) => c.id === 'thermal');
    assert.ok(chart, 'a thermal chart');
    const svg = await renderSpecToSvg(chart.spec);
    assert.match(svg, /^<svg/);
    assert.ok((svg.match(/<path/g) ?? []).length > 2, 'cells drawn');
  });

  it('an experiment without a stated temperature takes the thermal model’s per layer; a stated one overrides and says so', () => {
    const byName = (n: string) => ir.experiments.find((e) => e.name === n)!;
    const model = temperaturesFor(ir, byName('on_gpu_near'))!;
    assert.equal(model.source, 'thermal model');
    assert.deepEqual(
      model.layers.map((l) => l.temperature_k),
      near.thermal!.layers.map((l) => l.mean_k),
    );
    const stated = temperaturesFor(ir, byName('at_300k'))!;
    assert.equal(stated.source, 'stated');
    assert.match(stated.note, /300 K, stated by 'at_300k' \(overrides the thermal model of 'gpu_far'\)/);
  });
});

describe('thermal: exploration (peak_temperature, tier order as a vary)', function () {
  this.timeout(120000);
  it('the sample’s tier_order exploration varies sink_side; peak_temperature follows the design', () => {
    const ir = compiled(SAMPLE);
    const ex = ir.explorations.find((e) => e.name === 'tier_order')!;
    assert.deepEqual(ex.parameters[0]!.values, ['first', 'last']);
    assert.ok(ex.objectives.some((o) => o.name === 'peak_temperature'));
    const peaks = (['first', 'last'] as const).map((v) => {
      const p = compile(SAMPLE, { overrides: [{ path: 'gpu_far.thermal.sink_side', value: v }] });
      assert.ok(p.ir);
      assert.equal(p.ir.architectures.find((a) => a.name === 'gpu_far')!.thermal!.sink_side, v);
      return objectivesOf(simulate(p.ir, { mapping: 'cnn_gpu_far', detail: false })).peak_temperature;
    });
    assert.ok(peaks.every((k) => Number.isFinite(k) && k > 318.15));
    // the GPU carries most of the power: next to the sink ('first') the chip runs cooler
    assert.ok(peaks[0]! < peaks[1]!, `peaks ${peaks.join(', ')} K`);
  });
});

describe('thermal: design parameters an exploration varies reach the training’s temperatures', function () {
  this.timeout(120000);
  it('the tier order and the GPU’s power, as overrides, move each crossbar layer’s temperature (trainer.ts reads temperaturesFor)', () => {
    const temps = (overrides: { path: string; value: string | number }[]) => {
      const p = compile(SAMPLE, { overrides });
      assert.ok(p.ir);
      const t = temperaturesFor(
        p.ir,
        p.ir.experiments.find((e) => e.name === 'cnn_train')!,
      )!;
      assert.equal(t.source, 'thermal model');
      return t.layers.map((l) => l.temperature_k);
    };
    const far = temps([{ path: 'gpu_far.thermal.sink_side', value: 'last' }]);
    const near = temps([{ path: 'gpu_far.thermal.sink_side', value: 'first' }]);
    const lowPower = temps([{ path: 'gpu_far.gpu.sm.power', value: 0.2 }]);
    far.forEach((t, i) => {
      assert.ok(t > near[i]! + 10, `layer ${i}: ${t} K far vs ${near[i]} K near`);
      assert.ok(t > lowPower[i]! + 10, `layer ${i}: ${t} K at 0.86 W vs ${lowPower[i]} K at 0.2 W per GPU block`);
    });
  });
});

describe('thermal: peak_temperature as a limit of an exploration', function () {
  this.timeout(120000);
  it('a design hotter than the limit is infeasible before any training; the cooler order is kept', async () => {
    const peakOf = (v: 'first' | 'last') => {
      const p = compile(SAMPLE, { overrides: [{ path: 'gpu_far.thermal.sink_side', value: v }] });
      return objectivesOf(simulate(p.ir!, { mapping: 'cnn_gpu_far', detail: false })).peak_temperature;
    };
    const [cool, hot] = [peakOf('first'), peakOf('last')];
    assert.ok(cool < hot, `${cool} K, ${hot} K`);
    // The sample with an exploration appended, compiled as the sample.
    const text =
      readFileSync(SAMPLE, 'utf8') +
      `explore bounded {\n  evaluate: on_gpu_far\n  vary gpu_far.thermal.sink_side in [first, last]\n` +
      `  minimize power\n  limits { peak_temperature: ${((cool + hot) / 2).toFixed(3)} K }\n  method: grid\n}\n`;
    const ir = compiledText(text, { path: SAMPLE });
    const ex = ir.explorations.find((e) => e.name === 'bounded')!;
    assert.equal(ex.limits?.[0]?.name, 'peak_temperature');
    const problem = await problemFor(ir, ex, {
      source: SAMPLE,
      compile: (overrides) => compileText(text, { path: SAMPLE, overrides }).ir ?? 'does not compile',
    });
    const [first, last] = problem.space.enumerate().map((pt) => problem.hardware(pt));
    assert.ok(!('infeasible' in first!), 'the GPU next to the sink stays under the limit');
    assert.match(
      String((last as { infeasible?: string }).infeasible),
      /peak_temperature [\d.]+ K is over its limit of [\d.]+ K/,
    );
    const result = await explore(problem, 'grid');
    assert.equal(result.infeasible.length, 1);
    assert.equal(result.evaluations.length, 1);
  });
});

describe('thermal: a 2D chip compiled from source', () => {
  it('one die; the hot tiles are the mapped ones; a stated die size is used', () => {
    const r = simulate(
      compiledText(`device r { bits_per_cell: 2, r_on: 100 kOhm, r_off: 1 MOhm }
architecture chip {
  tile t[16] { edram buffer { capacity: 64 KB } ima[4] { crossbar[8] { rows: 128, cols: 128, cell: r } adc[8] { resolution: 8 bit } dac[8 * 128] { resolution: 1 bit } } }
  noc { topology: mesh, dims: [4, 4] }
  thermal { grid: 16, die_width: 6 mm, die_height: 6 mm }
}
model m {
  input: tensor[256]
  linear a { out: 128 }
  relu
  linear b { out: 10 }
}
mapping mm { model: m, architecture: chip, weights: fixed(16 bit), place linear on t }
`),
      { mapping: 'mm' },
    );
    const t = r.thermal!;
    assert.equal(t.tiers.length, 1);
    assert.equal(t.die_source, 'stated');
    assert.equal(t.die_width_m, 0.006);
    assert.equal(t.tiers[0]!.cells.length, 16 * 16);
    const mapped = t.tiles.filter(
      (u) => u.site_power_w > t.tiles.reduce((m, v) => Math.min(m, v.site_power_w), Infinity),
    );
    const idle = t.tiles.filter((u) => !mapped.includes(u));
    assert.ok(mapped.length > 0 && idle.length > 0);
    const hottestIdle = Math.max(...idle.map((u) => u.temperature_k));
    const hottestMapped = Math.max(...mapped.map((u) => u.temperature_k));
    assert.ok(hottestMapped > hottestIdle, 'the tiles that work are the hot ones');
  });

  it('a peak above 398.15 K (125 °C, the usual maximum junction temperature) is a warning in the report and its text', () => {
    const source = (convection: string) => `architecture g {
  partition gpu { gpu sm[4] { peak: 1 TFLOPS, memory_bandwidth: 200 GB/s, power: 5 W, area: 16 mm2 } }
  noc { topology: mesh, dims: [2, 2] }
  thermal { grid: 16, convection: ${convection} }
}
model m { input: tensor[64], linear f { out: 10 } }
mapping mp { model: m, architecture: g, place linear on gpu }
`;
    const run = (convection: string) => simulate(compiledText(source(convection)), { mapping: 'mp' });
    // The same chip behind a poor heat sink (20 K/W) and the default one (0.1 K/W).
    const hot = run('20 K/W');
    const cool = run('0.1 K/W');
    assert.ok(
      hot.thermal!.peak_k > 398.15 && cool.thermal!.peak_k < 398.15,
      `${hot.thermal!.peak_k} ${cool.thermal!.peak_k}`,
    );
    const warning = hot.warnings.find((w) => w.includes('maximum junction temperature'));
    assert.ok(warning, hot.warnings.join('\n'));
    assert.match(warning, /peak temperature \d+\.\d K .* above 398\.15 K \(125 °C\)/);
    assert.ok(formatSummary(hot).includes(warning));
    assert.ok(!cool.warnings.some((w) => w.includes('junction')), cool.warnings.join('\n'));
  });
});

describe('thermal: a multi-chip architecture (every chip solved, each distinct one once)', function () {
  this.timeout(120000);
  it("each chip's die holds that chip's units: two chips of the toy get the die of one, not one die for both", () => {
    const toy = resolve('test/runtime/fixtures/toy.pim');
    const ir = compiledText(`import "${toy}"
architecture toy2 extends toy { chips: 2, link l[1] { bandwidth: 6.4 GB/s, power: 1 W, area: 1 mm2 }, thermal { grid: 8 } }
architecture toy1 extends toy { link l[1] { bandwidth: 6.4 GB/s, power: 1 W, area: 1 mm2 }, thermal { grid: 8 } }
mapping m2 { model: toynet, architecture: toy2, place conv, linear on tile }
mapping m1 { model: toynet, architecture: toy1, place conv, linear on tile }
`);
    const [one, two] = [simulate(ir, { mapping: 'm1' }).thermal!, simulate(ir, { mapping: 'm2' }).thermal!];
    assert.equal(two.die_source, 'areas');
    assert.ok(
      Math.abs(two.die_width_m * two.die_height_m - one.die_width_m * one.die_height_m) < 1e-9 * one.die_width_m ** 2,
    );
  });

  const XBAR = 'ima[1] { crossbar[4] { rows: 128, cols: 128, cell: r } adc[4] { resolution: 8 bit } }';
  // The cool partition's 4 tiles (2 a chip × 2 chips) fill the first chip's 2 × 2 mesh; the hot one's
  // 2 tiles and 2 GPU cores the second's. Layer a runs on the first chip's crossbars, b on the second's,
  // g on the GPU cores beside them.
  const HETERO = `device r { bits_per_cell: 2, r_on: 100 kOhm, r_off: 1 MOhm }
architecture duo {
  chips: 2
  link l[1] { bandwidth: 6.4 GB/s, power: 1 W, area: 1 mm2 }
  partition cool { tile c[2] { ${XBAR} } }
  partition hot {
    tile h[1] { ${XBAR} }
    gpu sm[1] { peak: 1 TFLOPS, memory_bandwidth: 20 GB/s, power: 20 W, area: 4 mm2 }
  }
  noc { topology: mesh, dims: [2, 2] }
  thermal { grid: 8 }
}
model m { input: tensor[64], linear a { out: 64 }, relu, linear b { out: 64 }, relu, linear g { out: 10 } }
mapping mp { model: m, architecture: duo, place a on c, place b on h, place g on sm }
dataset d { source: synthetic, shape: tensor[64], classes: 10, samples: 100 }
train tr { mapping: mp, dataset: d, epochs: 1, noise { frequency: 1 GHz } }
`;

  it('the second chip, holding the GPU cores, is the hotter; the headline is its, and the text names it', () => {
    const ir = compiledText(HETERO);
    const r = simulate(ir, { mapping: 'mp' });
    const t = r.thermal!;
    assert.ok(t.chips, 'a multi-chip report lists its chips');
    assert.equal(t.chips.hottest, 1);
    const peakOf = (chip: number) => t.chips!.solved.find((s) => s.chips.includes(chip))!.peak_k;
    assert.equal(t.chips.solved.length, 2, 'two different chips, two solves');
    assert.ok(peakOf(1) > peakOf(0) + 5, `chip 1 ${peakOf(1)} K, chip 0 ${peakOf(0)} K`);
    assert.equal(t.peak_k, peakOf(1));
    // The headline's tiers are the second chip's: its power and its peak.
    const chip1Watts = t.chips.solved.find((s) => s.chips.includes(1))!.power_w;
    assert.ok(Math.abs(t.tiers[0]!.power_w / chip1Watts - 1) < 1e-12);
    assert.equal(Math.max(...t.tiers.map((q) => q.peak_k)), t.peak_k);
    // Every chip's units are in the power map: it is the report's energy at its throughput.
    const period = r.summary.period_s;
    const dynamic = (r.energy.compute_j + r.energy.buffer_j + r.energy.noc_j) / period;
    assert.ok(Math.abs(t.dynamic_power_w / dynamic - 1) < 1e-9, `${t.dynamic_power_w} W vs ${dynamic} W`);
    assert.ok(Math.abs(t.static_power_w / (r.energy.idle_j / period) - 1) < 1e-9);
    const perChip = t.chips.solved.reduce((s, c) => s + c.power_w * c.chips.length, 0);
    assert.ok(Math.abs(perChip / t.power_w - 1) < 1e-9, 'every watt lands on a chip');
    assert.deepEqual(
      [...new Set(t.tiles.map((u) => `${u.kind} ${u.name} chip ${u.chip}`))],
      ['tile c chip 0', 'tile h chip 1', 'gpu sm chip 1'],
    );
    assert.match(formatSummary(r), /chips {2,}2, a package each; the hottest is chip 1 \(peak [\d.]+ K at [\d.]+ W\)/);
    assert.match(chartSpecs(r).find((c) => c.id === 'thermal')!.title, /of chip 1, the hottest/);
  });

  it('a peak above the junction limit on a multi-chip design is warned with the chip it is on', () => {
    // The same two chips behind a poor heat sink (20 K/W a package): chip 1's 20 W of GPU cores pass 125 °C.
    const r = simulate(compiledText(HETERO.replace('thermal { grid: 8 }', 'thermal { grid: 8, convection: 20 K/W }')), {
      mapping: 'mp',
      detail: false,
    });
    assert.equal(r.thermal!.chips!.hottest, 1);
    const warning = r.warnings.find((w) => w.includes('maximum junction temperature'));
    assert.ok(warning, r.warnings.join('\n'));
    assert.match(warning, /peak temperature \d+\.\d K on chip 1 \(/);
  });

  it("a crossbar layer on the second chip takes its tiles' temperature there, in the report and the trainer", () => {
    const ir = compiledText(HETERO);
    const t = simulate(ir, { mapping: 'mp', detail: false }).thermal!;
    const tilesOf = (name: string) => t.tiles.filter((u) => u.name === name);
    const layer = (name: string) => t.layers.find((l) => l.layer === name)!;
    assert.ok(layer('b'), "layer b's temperature is reported");
    // b's one tile is h #0 on chip 1; a's is c #0 on chip 0.
    assert.equal(tilesOf('h')[0]!.chip, 1);
    assert.equal(layer('b').mean_k, tilesOf('h').find((u) => u.index === 0)!.temperature_k);
    assert.equal(layer('a').mean_k, tilesOf('c').find((u) => u.index === 0)!.temperature_k);
    const chip0Peak = t.chips!.solved.find((s) => s.chips.includes(0))!.peak_k;
    assert.ok(layer('b').mean_k > chip0Peak + 1, `b ${layer('b').mean_k} K, chip 0's peak ${chip0Peak} K`);
    const used = temperaturesFor(
      ir,
      ir.experiments.find((e) => e.name === 'tr')!,
    )!;
    assert.equal(used.source, 'thermal model');
    assert.deepEqual(
      used.layers.map((l) => [l.layer, l.temperature_k]),
      [
        ['a', layer('a').mean_k],
        ['b', layer('b').mean_k],
      ],
    );
  });

  it('identical chips are solved once; their units share its temperatures', () => {
    // 4 GPU cores, 2 a chip; the GPU layer runs on all four, so both chips draw the same on every site.
    const r = simulate(
      compiledText(`architecture twin {
  chips: 2
  link l[1] { bandwidth: 6.4 GB/s, power: 1 W, area: 1 mm2 }
  partition p { gpu sm[2] { peak: 1 TFLOPS, memory_bandwidth: 20 GB/s, power: 5 W, area: 4 mm2 } }
  noc { topology: mesh, dims: [2, 1] }
  thermal { grid: 8 }
}
model m { input: tensor[64], linear g { out: 10 } }
mapping mp { model: m, architecture: twin, place linear on p }
`),
      { mapping: 'mp', detail: false },
    );
    const t = r.thermal!;
    assert.equal(t.chips!.solved.length, 1);
    assert.deepEqual(t.chips!.solved[0]!.chips, [0, 1]);
    assert.equal(t.solver.iterations, t.chips!.solved[0]!.iterations);
    const at = (chip: number) =>
      t.tiles.filter((u) => u.chip === chip).map((u) => [u.x, u.y, u.temperature_k, u.site_power_w]);
    assert.equal(at(0).length, 2);
    assert.deepEqual(at(1), at(0));
    assert.ok(t.tiles.every((u) => u.temperature_k > t.ambient_k));
    assert.ok(!/hottest is chip 1/.test(formatSummary(r)));
    assert.match(formatSummary(r), /the hottest is chip 0 \(peak [\d.]+ K at [\d.]+ W; chip 1 the same\)/);
  });

  it("the text's chip line stays short however many chips: runs as ranges, the first 8 other solves", () => {
    // 12 chips of 2 × 2 × 3 routers; 12 tile types of one tile a chip, each of the 12 its chip's units
    // (the fill puts a type's 12 tiles on one chip). Layer k runs on type k's first tile, so chip k draws
    // layer k's power (each layer of its own size): 12 chips of 12 power maps.
    const types = Array.from({ length: 12 }, (_, k) => k);
    const text = (chips: number, layers: number[]) => `device r { bits_per_cell: 2, r_on: 100 kOhm, r_off: 1 MOhm }
architecture many {
  chips: ${chips}
  link l[1] { bandwidth: 6.4 GB/s, power: 1 W, area: 1 mm2 }
${types.map((k) => `  tile t${k}[1] { ${XBAR} }`).join('\n')}
  noc { topology: mesh3d, dims: [2, 2, 3] }
  thermal { grid: 8 }
}
model m { input: tensor[64], ${layers.map((k) => `linear l${k} { out: ${16 * (k + 1)} }`).join(', relu, ')} }
mapping mp { model: m, architecture: many, ${layers.map((k) => `place l${k} on t${k}`).join(', ')} }
`;
    const line = (chips: number, layers: number[]) => {
      const r = simulate(compiledText(text(chips, layers)), { mapping: 'mp', detail: false });
      return {
        r,
        line: formatSummary(r)
          .split('\n')
          .find((l) => /^ {2}chips /.test(l))!,
      };
    };
    // One layer: chip 0 holds it, chips 1–11 are alike.
    const one = line(12, [0]);
    assert.deepEqual(
      one.r.thermal!.chips!.solved.map((s) => s.chips.length),
      [1, 11],
    );
    assert.match(
      one.line,
      /the hottest is chip 0 \(peak [\d.]+ K at [\d.]+ \w?W\), its tiers below; chips 1–11: peak [\d.]+ K at 0 W each$/,
    );
    // Twelve layers: 12 solves, the hottest and 8 others listed, the 3 more counted.
    const twelve = line(12, types);
    const solved = twelve.r.thermal!.chips!.solved;
    assert.equal(solved.length, 12);
    assert.equal(twelve.line.match(/; chip \d+: peak/g)!.length, 8);
    assert.match(twelve.line, /; 3 more, each chips of one power map \(thermal\.chips\.solved in the JSON\)$/);
    assert.ok(twelve.line.length < 600, `${twelve.line.length} characters`);
  });

  it("on a stack of several chips each tier names the partitions whose units it holds, not the NoC's tiers list", () => {
    // tiers: [q, p] places partitions only on a one-chip stack; on 2 chips the units fill chip after chip,
    // tier after tier: p's two big cores on tier 0 of chip 0, then q's small ones.
    const r = simulate(
      compiledText(`architecture a {
  chips: 2
  link l[1] { bandwidth: 6.4 GB/s, power: 1 W, area: 1 mm2 }
  partition p { gpu big[1] { peak: 1 TFLOPS, memory_bandwidth: 200 GB/s, power: 10 W, area: 20 mm2 } }
  partition q { gpu small[3] { peak: 1 TFLOPS, memory_bandwidth: 200 GB/s, power: 1 W, area: 1 mm2 } }
  noc { topology: mesh3d, dims: [2, 1, 2], tiers: [q, p] }
  thermal { grid: 8 }
}
model m { input: tensor[64], linear f { out: 10 }, relu, linear g { out: 10 } }
mapping mp { model: m, architecture: a, place f on p, place g on q }
`),
      { mapping: 'mp', detail: false },
    );
    const t = r.thermal!;
    assert.equal(t.chips!.hottest, 0);
    const held = (tier: number) => [
      ...new Set(t.tiles.filter((u) => u.chip === 0 && u.tier === tier).map((u) => u.name)),
    ];
    assert.deepEqual([held(0), held(1)], [['big'], ['small']]);
    assert.deepEqual(
      t.tiers.map((q) => q.partitions),
      [['p'], ['q']],
    );
    assert.match(formatSummary(r), /^0 +p +farthest from the sink/m);
  });

  it('a one-chip report has no chip list, and every unit is on chip 0', () => {
    const t = simulate(compiled(SAMPLE), { mapping: 'cnn_gpu_far', detail: false }).thermal!;
    assert.equal(t.chips, undefined);
    assert.ok(t.tiles.every((u) => u.chip === 0));
    assert.ok(!/^ {2}chips /m.test(formatSummary(simulate(compiled(SAMPLE), { mapping: 'cnn_gpu_far' }))));
  });
});
