import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { compile } from '@pim/compiler';
import {
  simulate,
  SimError,
  mvmCost,
  tileModel,
  crossbarPeakOps,
  gpuCost,
  transposedMvm,
  objectivesOf,
  overlappedLatency,
  rowsFraction,
  type SimReport,
} from '@pim/runtime/sim';
import { compiledFixture, compiledText, heteroProgram, isaacProgram, toyProgram } from './fixtures/compiled.js';

/** |a − b| ≤ rel·|b| (the models are exact arithmetic; 1e-9 only absorbs float rounding). */
function near(a: number, b: number, rel = 1e-9, what = ''): void {
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b) + 1e-30, `${what} ${a} ≠ ${b} (rel ${rel})`);
}

describe('sim: crossbar MVM model (toy chip, hand arithmetic)', () => {
  const arch = toyProgram().architectures[0]!;
  const t = tileModel(arch, arch.tile_types[0]!, []);

  it('derives 0.5 ADC per crossbar and the DAC power from the component tree', () => {
    assert.equal(t.adcsPerCrossbar, 0.5); // 1 ADC per IMA / 2 crossbars
    near(t.dacPower, 1e-6);
    assert.equal(t.dacsPerCrossbar, 8);
  });

  it('times an MVM by the slower of array read and column conversion', () => {
    // K=12, N=3, S=2: 6 columns; 2 row tiles × 1 column tile. Conversion 6 / (0.5 × 1 GS/s) = 12 ns > read 5 ns.
    const c = mvmCost(t, 12, 3, 2, 4);
    assert.equal(c.rowTiles, 2);
    assert.equal(c.colTiles, 1);
    assert.equal(c.cycles, 4); // ⌈4 input bits / 1-bit DAC⌉
    near(c.conversion_s, 12e-9);
    near(c.step_s, 12e-9);
    near(c.mvm_s, 48e-9); // 4 cycles × 12 ns
    near(c.shift_add_s, 2e-9); // ⌈log2 2⌉ + 1 cycles at 1 GHz
    // A 2-column layer converts in 4 ns: the 5 ns array read sets the step instead.
    near(mvmCost(t, 8, 1, 2, 4).step_s, 5e-9);
  });

  it('charges ADC, crossbar and DAC energy per event', () => {
    const c = mvmCost(t, 12, 3, 2, 4);
    near(c.adc_j, 48e-12); // 4 cycles × 2 row tiles × 6 columns × 1 pJ
    near(c.crossbar_j, 9e-12); // 4 cycles × 2 pJ × (12·6)/(8·8) of the cells
    near(c.dac_j, 0.576e-12); // 4 cycles × 1 column tile × 12 rows × 1 µW × 12 ns
  });

  it('peak: rows × cols/S MACs × 2 ops per MVM time', () => {
    // 8 × 8/2 = 32 MACs = 64 ops per 4 × 16 ns (8 columns / 0.5 GS/s) → 1 GOPS per crossbar.
    near(crossbarPeakOps(t, 4, 4), 1e9);
  });
});

describe('sim: peak when a weight spans crossbars (cols < slices; fixtures/narrow.pim)', () => {
  const ir = compiledFixture('narrow');
  // 8-bit weights on 2-bit cells: S = 4. An MVM: 8 input cycles × 100 ns read (2 columns convert in 2 ns).
  it('128×2 crossbars: 2 · 128 · 2/4 = 128 ops per 800 ns each, 8 crossbars → 1.28 GOPS ≥ effective', () => {
    const r = simulate(ir, { mapping: 'on_narrow' });
    near(r.summary.peak_ops_per_s, (8 * 128) / 800e-9);
    // K = 16 → N = 3: 2 · 48 ops per 800 ns MVM = 120 MOPS on 6 of the 8 crossbars.
    near(r.summary.effective_ops_per_s, 96 / 800e-9);
    assert.ok(r.summary.effective_ops_per_s <= r.summary.peak_ops_per_s);
    assert.ok(r.summary.ops_per_w > 0);
  });
  it('1×1 crossbars: a quarter of a weight each, 192 of them → 48 weights · 2 ops per 800 ns = effective', () => {
    const r = simulate(ir, { mapping: 'on_unit' });
    near(r.summary.peak_ops_per_s, 96 / 800e-9);
    // the layer fills every crossbar: effective = peak
    near(r.summary.effective_ops_per_s, r.summary.peak_ops_per_s);
    assert.ok(r.summary.ops_per_w > 0);
  });
});

describe('sim: inference pipeline and energy (toy chip)', () => {
  let r: SimReport;
  before(() => {
    r = simulate(toyProgram());
  });

  it('stage time = ⌈mvms / replication⌉ × MVM time', () => {
    const a = r.layers.find((l) => l.name === 'a')!;
    assert.equal(a.crossbars, 6); // 2 per copy × 3 copies
    assert.equal(a.tiles, 3);
    near(a.time_s, 192e-9); // ⌈10/3⌉ = 4 × 48 ns
    near(a.latency_s, 194e-9); // + 2 ns shift-and-add tail
    assert.equal(a.bound, 'adc');
    const b = r.layers.find((l) => l.name === 'b')!;
    // b is one crossbar alone on its ADC (its IMA's other crossbar is empty): 6 columns / 1 GS/s = 6 ns steps.
    near(b.time_s, 24e-9);
  });

  it('per-layer energy is the MVM energy times MVMs', () => {
    near(r.layers.find((l) => l.name === 'a')!.energy_j, 10 * 57.576e-12); // (48 + 9 + 0.576) pJ × 10
    near(r.layers.find((l) => l.name === 'b')!.energy_j, 28.644e-12); // 24 + 4.5 + 0.144 pJ (DACs: 4 cycles × 6 rows × 1 µW × 6 ns)
    // maxpool reads 30 elements on 1 unit per tile × 3 tiles: 10 ns; 30 × 1 mW / 1 GHz = 30 pJ.
    const pool = r.layers.find((l) => l.name === 'pool')!;
    near(pool.time_s, 10e-9);
    near(pool.energy_j, 30e-12);
  });

  it('pipeline: period = slowest stage; latency = Σ stage latencies + NoC', () => {
    near(r.summary.period_s, 192e-9);
    assert.equal(r.summary.bottleneck, 'stage a');
    near(r.stages[0]!.latency_s, 204e-9); // 194 + 10 + 0
    // NoC (see noc.test.ts for the routing): input 2 + 18 ns, a→b 2 + 3 ns (a's 3 tiles send 24 bits into
    // b's one tile, whose ejection port takes 8 bits per ns), output 1 + 1.5 ns = 27.5 ns.
    near(r.noc!.declared.latency_s, 27.5e-9);
    assert.equal(r.noc!.declared.groups.find((g) => g.group === '→b')!.bound, 'ejection');
    near(r.summary.latency_s, 204e-9 + 26e-9 + 27.5e-9);
    near(r.summary.throughput_per_s, 1 / 192e-9);
  });

  it('energy per image = compute + NoC + idle', () => {
    near(r.energy.compute_j, 575.76e-12 + 30e-12 + 28.644e-12);
    near(r.energy.noc_j, 260e-12); // 260 bit-hops × 1 pJ
    // idle: a has 3 tiles × 192 ns − 480 ns busy = 96 ns; b's crossbar is half its tile, but the whole tile
    // leaks: 1 tile × 192 − 0.5 × 24 ns busy = 180 ns; × 2.816 mW × 10%.
    near(r.energy.idle_j, (96e-9 + 180e-9) * 2.816e-3 * 0.1);
    near(r.energy.static_power_w, 4 * 0.2816e-3); // all 4 tiles mapped (3 for a, 1 for b)
    near(r.summary.energy_per_inference_j, 634.404e-12 + 260e-12 + 77.7216e-12);
    const sum = r.components.reduce((s, c) => s + c.energy_j, 0);
    near(sum, r.summary.energy_per_inference_j, 1e-12, 'components sum');
  });

  it('a starved eDRAM buffer bounds the stage', () => {
    const ir = toyProgram();
    // (12 + 3) inputs/outputs × 4 bits × 10 MVMs = 600 bits over 3 tiles at 1 Gb/s each = 200 ns > 192 ns.
    ir.architectures[0]!.tile_types[0]!.buffer_bandwidth_bps = 1e9;
    const a = simulate(ir).layers.find((l) => l.name === 'a')!;
    near(a.time_s, 200e-9);
    assert.equal(a.bound, 'buffer');
  });

  it('idle energy follows the idle fraction option', () => {
    const z = simulate(toyProgram(), { idleFraction: 0 });
    assert.equal(z.energy.idle_j, 0);
    near(z.summary.energy_per_inference_j, r.summary.energy_per_inference_j - r.energy.idle_j, 1e-12);
  });

  it('chip peak and efficiency', () => {
    near(r.summary.peak_ops_per_s, 8e9); // 8 crossbars × 1 GOPS
    near(r.summary.ops_per_s_per_m2, 8e9 / r.summary.area_m2);
  });

  it('exposes the exploration objectives in SI units', () => {
    const o = objectivesOf(r);
    assert.equal(o.energy, r.summary.energy_per_inference_j);
    near(o.edp, r.summary.energy_per_inference_j * r.summary.latency_s);
    near(o.throughput, 1 / 192e-9);
    assert.equal(o.area, r.summary.area_m2);
  });

  it('is deterministic', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(simulate(toyProgram()))), JSON.parse(JSON.stringify(r)));
  });
});

describe('sim: a mapped tile leaks whole (fixtures/static.pim: ISAAC LeNet-5 once and twice on one tile)', () => {
  const ir = compiledFixture('static');
  const arch = ir.architectures.find((a) => a.name === 'isaac')!;
  const leak = tileModel(arch, arch.tile_types[0]!, []).staticPower;
  for (const [mapping, crossbars] of [
    ['lenet_once', 42],
    ['lenet_twice', 84],
  ] as const)
    it(`${mapping}: ${crossbars} of 96 crossbars, static power = the tile's whole leakage`, () => {
      const r = simulate(ir, { mapping });
      assert.equal(r.summary.crossbars_used, crossbars);
      assert.equal(r.summary.tiles_used, 1);
      near(r.energy.static_power_w, leak);
      // busy tile-seconds: MVMs × 1.6 µs × crossbars per copy / 96 (c1 784 × 1, c2 100 × 2, f1 32, f2 6, f3 1).
      near(r.energy.idle_j, (r.summary.period_s - (1.6e-6 * (784 + 200 + 32 + 6 + 1)) / 96) * leak);
    });
});

describe('sim: latency with layers overlapping within an image', () => {
  const L = (
    index: number,
    name: string,
    kind: string,
    attributes: Record<string, number | number[]>,
    input_shape: number[],
    output_shape: number[],
  ) => ({ index, name, kind, attributes, input_shape, output_shape, macs: 0, params: 0, mvms: 0 });
  const c1 = L(0, 'c1', 'conv', { kernel: [3, 3], padding: [1, 1, 1, 1] }, [1, 8, 8], [4, 8, 8]);
  const pool = L(1, 'pool', 'maxpool', { size: [2, 2], stride: [2, 2] }, [4, 8, 8], [4, 4, 4]);
  const c2 = L(2, 'c2', 'conv', { kernel: 3, padding: 0 }, [4, 4, 4], [8, 2, 2]);
  const model = {
    name: 'm',
    input: { kind: 'tensor' as const, shape: [1, 8, 8] },
    layers: [c1, pool, c2],
    output_shape: [8, 2, 2],
    totals: { macs: 0, params: 0, weight_layers: 2 },
  };
  it('a conv needs kernel − padding rows of its input, through the pooling in between', () => {
    // c2's first output row reads 3 rows of the pooled map = (3 − 1)·2 + 2 = 6 of c1's 8 rows.
    assert.equal(rowsFraction(c2, [pool], c1), 0.75);
  });
  it('starts the consumer early and ends it one output row after the producer', () => {
    const stages = [
      { name: 'c1', layers: ['c1', 'pool'], period_s: 80e-9, latency_s: 80e-9 },
      { name: 'c2', layers: ['c2'], period_s: 20e-9, latency_s: 20e-9 },
    ];
    // c2 starts at 0.75 × 80 = 60 ns; ends at max(60 + 20, 80 + 20/2 rows) = 90 ns (vs 100 ns one after the other).
    near(overlappedLatency(model, stages), 90e-9);
  });
  it('never exceeds the layer-after-layer latency', () => {
    for (const p of [isaacProgram(), heteroProgram()])
      for (const m of p.mappings) {
        const r = simulate(p, { mapping: m.name, detail: false });
        assert.ok(r.summary.latency_overlapped_s <= r.summary.latency_s * (1 + 1e-12), m.name);
      }
  });
});

describe('sim: residual connections', () => {
  it('an add receives its second operand from the `from` layer’s tiles', () => {
    // test/runtime/fixtures/residual.pim: x → a2 (linear 6→6, its own tile) → b2 (linear 6→6) → add { from: a2 }.
    const r = simulate(compiledFixture('residual'), { mapping: 'resmap' });
    const g = r.noc!.declared.groups.find((x) => x.group === 'a2⇢sum');
    assert.ok(g, `groups: ${r.noc!.declared.groups.map((x) => x.group).join(', ')}`);
    assert.equal(g.bits, 6 * 4); // 6 values × 4-bit activations
  });
});

describe('sim: PipeLayer training cost (toy chip)', () => {
  it('forward, transposed backward, gradient and weight writes', () => {
    const t = simulate(toyProgram()).training[0]!;
    assert.equal(t.samples_per_epoch, 100);
    assert.equal(t.steps_per_epoch, 10);
    const b = t.layers.find((l) => l.name === 'b')!;
    // Backward on the same crossbars, S = 2 passes × 4 cycles × max(5 ns, 6 rows / 0.5 GS/s = 12 ns) = 96 ns.
    near(b.backward_s, 96e-9);
    near(b.backward_j, 52.788e-12); // 4.5 + 48 + 0.288 pJ
    assert.equal(t.layers.find((l) => l.name === 'a')!.backward_s, 0); // first weight layer: no δ for the input
    near(t.per_update.cells_written, 12 * 6 * 3 + 6 * 6);
    near(t.per_update.write_energy_j, 252e-12); // 252 cells × 1 pJ
    near(t.per_update.write_latency_s, 80e-9); // 8 rows of a's crossbars × 10 ns
    near(t.period_s, 384e-9); // stage a: 192 fwd + 192 grad
    // Fill: the phases (548 ns) and the sample's NoC transfers forward and back (2 × 27.5 ns).
    near(t.per_sample.noc_s, 55e-9);
    near(t.batch_time_s, 9 * 384e-9 + 548e-9 + 55e-9 + 80e-9);
    near(t.epoch_time_s, 10 * t.batch_time_s);
    assert.equal(t.writes_per_cell_per_epoch, 10);
    assert.equal(t.epochs_to_endurance, 100); // 1000 writes / 10 per epoch
    // The mapped tiles leak all epoch: 4 whole tiles × 0.2816 mW (a tenth of 2.816 mW) × the epoch's time.
    near(t.epoch_static_j, 4 * 0.2816e-3 * t.epoch_time_s);
    near(t.epoch_energy_j, 100 * (634.404e-12 + 82.788e-12 + 604.404e-12 + 520e-12) + 10 * 252e-12 + t.epoch_static_j);
    near(t.total_energy_j, 2 * t.epoch_energy_j);
  });

  it("the trainer's measured writes replace every cell at every update (numerics/writes.ts)", () => {
    const analytic = simulate(toyProgram()).training[0]!;
    // a: 72 cells per copy, 180 writes in 10 updates (18 per update, ×3 replicas = 54), its busiest cell 5;
    // b: 36 cells, 72 writes (7.2 per update), busiest 3.
    const t = simulate(toyProgram(), {
      measuredWrites: {
        [analytic.experiment]: {
          a: { cells: 12 * 6, updates: 10, writes: 180, max_cell_writes: 5 },
          b: { cells: 6 * 6, updates: 10, writes: 72, max_cell_writes: 3 },
        },
      },
    }).training[0]!;
    assert.equal(t.writes_source, 'measured by the trainer');
    near(t.per_update.cells_written, 54 + 7.2);
    near(t.per_update.write_energy_j, 61.2e-12); // 1 pJ per write
    near(t.per_update.write_latency_s, analytic.per_update.write_latency_s);
    // a's busiest cell wears first: 0.5 writes per update × 10 updates per epoch; 1000 writes last 200 epochs.
    near(t.writes_per_cell_per_epoch, 5);
    near(t.epochs_to_endurance, 200);
    near(analytic.epoch_energy_j - t.epoch_energy_j, 10 * (252e-12 - 61.2e-12));
  });

  it('transposedMvm converts rows, not columns', () => {
    const arch = toyProgram().architectures[0]!;
    const tm = tileModel(arch, arch.tile_types[0]!, []);
    // K = 2 rows: conversion 2 / 0.5 GS/s = 4 ns < read 5 ns → 5 ns steps; 2 slices × 4 cycles × 5 ns.
    near(transposedMvm(tm, 2, 3, 2, 4).mvm_s, 40e-9);
  });
});

describe('sim: GPU roofline', () => {
  const gpu = {
    name: 'g',
    path: 'a.g',
    partition: 'gpu',
    count: 2,
    peak_flops: 1e12,
    memory_bandwidth_bps: 8e11,
    power_w: 10,
    area_m2: 1e-6,
  };
  const bn = {
    index: 0,
    name: 'bn',
    kind: 'batchnorm',
    attributes: {},
    input_shape: [4, 10, 10],
    output_shape: [4, 10, 10],
    macs: 0,
    params: 8,
    mvms: 0,
  };
  it('batchnorm inference is memory bound', () => {
    // 400 elements: 2 FLOPs each = 800 FLOPs / 2 TFLOPS = 0.4 ns; (400+400+8)·4 B = 3232 B · 8 / 1.6 Tb/s = 16.16 ns.
    const c = gpuCost(gpu, bn, 'inference');
    assert.equal(c.flops, 800);
    assert.equal(c.bytes, 3232);
    near(c.time_s, 16.16e-9);
    assert.equal(c.bound, 'memory');
    near(c.energy_j, 16.16e-9 * 20);
  });
  it('a large linear layer is compute bound', () => {
    const fc = {
      index: 0,
      name: 'fc',
      kind: 'linear',
      attributes: {},
      input_shape: [1000],
      output_shape: [1000],
      macs: 1e6,
      params: 1e6,
      mvms: 1,
      weights: { rows: 1000, cols: 1000 },
    };
    // 2e6 FLOPs / 2e12 = 1 µs; (2000 + 1e6)·4 B·8 / 1.6e12 = 20.01 µs: still memory bound at batch 1 …
    assert.equal(gpuCost(gpu, fc).bound, 'memory');
    // … but with 10× the peak bandwidth compute dominates.
    assert.equal(gpuCost({ ...gpu, memory_bandwidth_bps: 8e13 }, fc).bound, 'compute');
  });
  it('heterogeneous VGG-11-BN puts BN on the GPU partition and moves activations to it', () => {
    const r = simulate(heteroProgram(), { mapping: 'vgg_on_hetero' });
    assert.ok(r.gpu);
    const bnLayers = r.gpu.layers.filter((l) => l.kind === 'batchnorm');
    assert.equal(bnLayers.length, 8);
    // Each conv's output crosses to the GPU for its BN (bn_i's input), and comes back for the next weight
    // layer (c2 … c8 and fc1, whose inputs leave the GPU after relu/maxpool/flatten), at 16 bits.
    const ls = heteroProgram().models.find((m) => m.name === 'vgg11')!.layers;
    const back = ['c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'fc1'];
    const expected = ls
      .filter((l) => l.kind === 'batchnorm' || back.includes(l.name))
      .reduce((s, l) => s + l.input_shape.reduce((a, b) => a * b, 1) * 16, 0);
    assert.equal(r.gpu.transfer_bits, expected);
    assert.ok(r.gpu.transfer_latency_s > 0);
    assert.ok(r.layers.filter((l) => l.kind === 'batchnorm').every((l) => l.engine === 'gpu'));
    // BN training on the GPU: forward + backward roofline time per sample is counted.
    assert.ok(r.training.find((t) => t.experiment === 'vgg_train')!.gpu_time_per_sample_s > 0);
  });
});

describe('sim: ISAAC reproduced (samples/isaac.pim, ISAAC’s published table, compiled)', () => {
  const ir = isaacProgram();
  const r = simulate(ir, { mapping: 'lenet_on_isaac' });
  it('peak 41.3 TOPS ±2%: 16,128 crossbars × 4,096 ops / 1.6 µs', () => {
    near(r.summary.peak_ops_per_s, (16128 * 4096) / 1.6e-6, 1e-9);
    near(r.summary.peak_ops_per_s, 41.3e12, 0.02);
  });
  it('computational efficiency 479 GOPS/s/mm² ±2% (ours 484: the published figure is printed beside it)', () => {
    near(r.summary.ops_per_s_per_m2, 479e9 / 1e-6, 0.02);
    assert.equal(r.summary.published?.ops_per_s_per_m2, 479e9 / 1e-6);
  });
  it('area 85.4 mm² and power 65.8 W from the component table', () => {
    near(r.summary.area_m2, 85.4e-6, 0.002);
    near(r.summary.power_w, 65.8, 0.002);
  });
  it('a 128-column crossbar with one 1.28 GS/s ADC takes 100 ns per input bit, 1.6 µs per 16-bit MVM', () => {
    const f1 = r.layers.find((l) => l.name === 'f1')!;
    near(f1.step_s, 100e-9, 1e-6);
    near(f1.mvm_s, 1.6e-6, 1e-6);
  });
  it('VGG-16 (ImageNet) does not fit one chip: the sample maps it on 8 chips joined by HyperTransport', () => {
    const rv = simulate(ir, { mapping: 'vgg16_on_isaac', detail: false });
    assert.equal(rv.chips, 8);
    near(rv.summary.peak_ops_per_s, rv.chips * r.summary.peak_ops_per_s, 1e-9);
    assert.ok(rv.noc!.declared.offchip_bits > 0, 'layers on different chips talk over the off-chip links');
    assert.equal(rv.summary.published, undefined); // ISAAC's figures are per chip
  });
});

describe('sim: differential weights (the compiler’s IR of test/compiler/cases/valid-numerics.pim)', () => {
  it('simulates a differential mapping: each 16-bit weight takes 2 × ⌈15/2⌉ = 16 columns against offset’s 8', () => {
    const p = compile(resolve('test/compiler/cases/valid-numerics.pim'));
    assert.ok(p.ir, p.diagnostics.map((d) => d.message).join('; '));
    const offset = simulate(p.ir, { mapping: 'offset_map' });
    const differential = simulate(p.ir, { mapping: 'diff_map' });
    const slices = (m: string): number[] =>
      p.ir!.mappings.find((x) => x.name === m)!.placements.flatMap((pl) => (pl.crossbar ? [pl.crossbar.slices] : []));
    assert.deepEqual(slices('offset_map'), [8, 8]);
    assert.deepEqual(slices('diff_map'), [16, 16]);
    assert.ok(differential.summary.crossbars_used > offset.summary.crossbars_used);
    assert.ok(differential.summary.energy_per_inference_j > offset.summary.energy_per_inference_j);
  });
});

describe('sim: bad or inconsistent IR is rejected with a clear error', () => {
  const expectError = (ir: unknown, re: RegExp, mapping?: string): void => {
    assert.throws(
      () => simulate(ir as never, mapping ? { mapping } : {}),
      (e: unknown) => e instanceof SimError && re.test(e.message),
    );
  };
  it('not an IR at all', () => {
    expectError(42, /not an object/);
    expectError({ ir_version: '2.0.0', architectures: [], models: [], mappings: [] }, /unsupported IR version 2\.0\.0/);
  });
  it('unknown mapping names the ones there are', () =>
    expectError(toyProgram(), /no mapping named 'nope' \(have: toymap\)/, 'nope'));
  it('a placement naming a missing layer', () => {
    const ir = toyProgram();
    ir.mappings[0]!.placements[0]!.layer = 'ghost';
    expectError(ir, /placements\[0\] \(layer ghost\): names layer 'ghost', which model 'toynet' does not have/);
  });
  it('a placement on a missing tile type', () => {
    const ir = toyProgram();
    ir.mappings[0]!.placements[3]!.target = 'nowhere';
    expectError(ir, /names tile type 'nowhere', which architecture 'toy' does not have \(have: tile\)/);
  });
  it('too few crossbars for the weight matrix', () => {
    const ir = toyProgram();
    ir.mappings[0]!.placements[0]!.crossbar!.crossbars = 1;
    expectError(ir, /needs 2×1 = 2/);
  });
  it('wrong slice count', () => {
    const ir = toyProgram();
    ir.mappings[0]!.placements[0]!.crossbar!.slices = 4;
    expectError(ir, /4-bit weights on 2-bit cells need ⌈4\/2⌉ = 2/);
  });
  it('more crossbars than the chip has', () => {
    const ir = toyProgram();
    const p = ir.mappings[0]!.placements[0]!.crossbar!;
    p.replication = 4;
    p.crossbars_total = 8;
    p.tiles = 4;
    expectError(ir, /uses 9 crossbars of tile type 'tile' .* but the architecture has 8/);
  });
  it('a weight layer without a placement', () => {
    const ir = toyProgram();
    ir.mappings[0]!.placements.splice(3, 1);
    expectError(ir, /layer 'b' \(linear\) has weights but no placement/);
  });
  it('a missing model or architecture', () => {
    const ir = toyProgram();
    ir.mappings[0]!.model = 'm2';
    expectError(ir, /names model 'm2', which the IR does not have/);
    const ir2 = toyProgram();
    ir2.mappings[0]!.architecture = 'a2';
    expectError(ir2, /names architecture 'a2'/);
  });
  it('a non-positive clock or ADC rate', () => {
    const ir = toyProgram();
    ir.architectures[0]!.clock_hz = 0;
    expectError(ir, /clock_hz: must be a positive frequency/);
    const ir2 = toyProgram();
    ir2.architectures[0]!.tile_types[0]!.adc!.rate_hz = 0;
    expectError(ir2, /no ADC with a positive rate to read their columns/);
    // A tile whose compute unit has crossbars and no adc at all (a training converts losslessly there).
    const noAdc = compiledText(`device r { bits_per_cell: 2, r_on: 100 kOhm, r_off: 1 MOhm }
architecture a {
  tile t[4] { ima[1] { crossbar[4] { rows: 128, cols: 128, cell: r } } }
  noc { topology: mesh, dims: [2, 2] }
}
model m { input: tensor[64], linear f { out: 10 } }
mapping mp { model: m, architecture: a, place linear on t }`);
    expectError(noAdc, /tile_types\[t\]: its crossbars have no ADC .* give the tile's compute unit an 'adc'/, 'mp');
  });
  it('a bad NoC', () => {
    const ir = toyProgram();
    ir.architectures[0]!.noc!.dims = [2];
    expectError(ir, /a mesh needs 2 positive integer dimensions \(got \[2\]\)/);
  });
  it('an adjacency policy on a non-gcn layer', () => {
    const ir = toyProgram();
    ir.mappings[0]!.adjacency = [
      { layer: 'a', partition: 'chip', target: 'tile', block: 4, skip_zero_blocks: true, reorder: 'none' },
    ];
    expectError(ir, /layer 'a' is a conv; only gcn layers have an adjacency/);
  });
});
