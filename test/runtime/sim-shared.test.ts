// Shared resources: ADCs shared by several crossbars convert the columns of all of them each step; the
// GPU partition is one resource whose layers share its cores and memory bandwidth, so no mapping runs
// above the GPU's peak, and the report says how much of it is used.
import assert from 'node:assert/strict';
import { simulate, formatSummary, mvmCost, tileModel, transposedMvm, crossbarPeakOps } from '@pim/runtime/sim';
import { compiledFixture, compiledText, toyProgram } from './fixtures/compiled.js';

/** fixtures/all-gpu.pim: samples/hetero-vgg.pim with one more mapping, every layer of VGG-11 on the GPU tier. */
const allGpu = () => simulate(compiledFixture('all-gpu'), { mapping: 'vgg11_all_gpu' });

describe('sim: the GPU is a shared resource', () => {
  const r = allGpu();
  it('an all-GPU VGG-11 runs at ≤ 100% of the GPU peak (its layers take turns on the cores)', () => {
    assert.ok(r.gpu);
    const busy = r.gpu.layers.reduce((s, l) => s + l.cost.time_s, 0);
    assert.ok(
      Math.abs(r.summary.period_s - busy) <= 1e-9 * busy,
      `period ${r.summary.period_s} s vs Σ GPU layer times ${busy} s`,
    );
    assert.equal(r.summary.bottleneck, 'gpu sm');
    assert.ok(
      r.summary.effective_ops_per_s <= r.summary.peak_gpu_flops,
      `${r.summary.effective_ops_per_s} ops/s above the ${r.summary.peak_gpu_flops} FLOP/s peak`,
    );
  });
  it('utilisation of peak FLOP/s and memory bandwidth is reported, each ≤ 100%', () => {
    const u = r.gpu!.utilisation.find((x) => x.gpu === 'sm')!;
    const flops = r.gpu!.layers.reduce((s, l) => s + l.cost.flops, 0);
    const g = r.chip.gpus.find((x) => x.name === 'sm')!;
    assert.ok(Math.abs(u.compute - flops / (r.summary.period_s * g.peak_flops * g.count)) < 1e-12);
    assert.ok(u.compute > 0 && u.compute <= 1 && u.memory > 0 && u.memory <= 1, JSON.stringify(u));
    assert.match(formatSummary(r), /sm: layers share its cores and memory, busy .* of peak FLOP\/s/);
  });
});

describe('sim: ADCs shared by several crossbars (hand-computed)', () => {
  // The toy tile: IMAs of 2 crossbars of 8×8 sharing ONE ADC at 1 GS/s; array read 5 ns; 1-bit DACs, 4-bit inputs.
  const arch = toyProgram().architectures[0]!;
  const t = tileModel(arch, arch.tile_types[0]!, []);
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.abs(b), `${a} ≠ ${b}`);
  it('two column tiles (8 + 4 columns) on one ADC: 12 columns per step, not 2 × 8', () => {
    // K = 8, N = 6, S = 2: 12 columns → column tiles of 8 and 4 columns, both on the one ADC: 12 ns.
    const c = mvmCost(t, 8, 6, 2, 4);
    assert.equal(c.crossbars, 2);
    near(c.conversion_s, 12e-9);
    near(c.step_s, 12e-9);
    near(c.mvm_s, 4 * 12e-9);
    // Two copies: groups (8 + 4) and (8 + 4): still 12 ns.
    near(mvmCost(t, 8, 6, 2, 4, 2).conversion_s, 12e-9);
  });
  it('copies that share an ADC serialise: 8,8,4 | 8,8,4 columns pair up as (8+8), (4+8), (8+4)', () => {
    // K = 8, N = 10, S = 2: 20 columns → tiles of 8, 8, 4; one copy: (8+8) then (4) → 16 ns.
    near(mvmCost(t, 8, 10, 2, 4).conversion_s, 16e-9);
    near(mvmCost(t, 8, 10, 2, 4, 2).conversion_s, 16e-9);
  });
  it('one crossbar alone on its ADC: its own columns only; the read sets the step when they convert faster', () => {
    // 6 columns / 1 GS/s = 6 ns > 5 ns read.
    near(mvmCost(t, 8, 3, 2, 4).step_s, 6e-9);
    // 2 columns: 2 ns < 5 ns read.
    const c = mvmCost(t, 8, 1, 2, 4);
    near(c.conversion_s, 2e-9);
    near(c.step_s, 5e-9);
  });
});

describe('sim: ADCs shared in whole groups (adc[3] on 8 crossbars; fixtures/adc3.pim, hand-computed)', () => {
  // Groups of 3, 3 and 2 crossbars, one ADC each at 1 GS/s; 8 columns per crossbar; array read 5 ns.
  const ir = compiledFixture('adc3');
  const arch = ir.architectures[0]!;
  const t = tileModel(arch, arch.tile_types[0]!, []);
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.abs(b), `${a} ≠ ${b}`);
  it('the busiest ADC converts 3 crossbars × 8 columns = 24 ns per step, not 8/3 × 8 = 21.3 ns', () => {
    assert.deepEqual(
      t.adcGroups.map((g) => [g.size, g.adcs]),
      [
        [3, 1],
        [3, 1],
        [2, 1],
      ],
    );
    const c = mvmCost(t, 8, 32, 2, 4); // 64 columns: 8 full crossbars, one IMA
    near(c.conversion_s, 24e-9);
    near(c.mvm_s, 4 * 24e-9);
    // 5 crossbars (40 columns): groups (8+8+8) and (8+8): still 24 ns.
    near(mvmCost(t, 8, 20, 2, 4).conversion_s, 24e-9);
    // 2 crossbars: both in the first group, 16 ns.
    near(mvmCost(t, 8, 8, 2, 4).conversion_s, 16e-9);
  });
  it('the layer, the peak and the backward MVM take the busiest group too', () => {
    const r = simulate(ir, { mapping: 'wide_on_shared3' });
    near(r.layers.find((l) => l.name === 'fc')!.time_s, 96e-9);
    // 2 · 8 · 8/2 = 64 ops per 4 × 24 ns per crossbar, 16 crossbars.
    near(crossbarPeakOps(t, 4, 4), 64 / 96e-9);
    near(r.summary.peak_ops_per_s, (16 * 64) / 96e-9);
    // backward: S = 2 passes × 4 cycles × (8 rows × 3 crossbars / 1 GS/s).
    near(transposedMvm(t, 8, 32, 2, 4).mvm_s, 2 * 4 * 24e-9);
  });
});

describe('sim: a tile whose IMAs hold different numbers of crossbars (hand-computed)', () => {
  // IMAs of 4 and 3 crossbars, one ADC at 1.28 GS/s each: 3.5 crossbars a unit on average, and the ADC
  // groups of an IMA of 4 (adcGroups takes whole crossbars), so IMAs of 4 crossbars are what the copies
  // fill. 128 × 128 crossbars, read in 100 ns.
  const arch = compiledText(`device d { bits_per_cell: 2, r_on: 100 kOhm, r_off: 1 MOhm, read_latency: 100 ns }
architecture mixed {
  clock: 1 GHz
  tile t[4] {
    ima big { crossbar[4] { rows: 128, cols: 128, cell: d } adc[1] { resolution: 8 bit, rate: 1.28 GHz } }
    ima small { crossbar[3] { rows: 128, cols: 128, cell: d } adc[1] { resolution: 8 bit, rate: 1.28 GHz } }
  }
}
`).architectures[0]!;
  const t = tileModel(arch, arch.tile_types[0]!, []);
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.abs(b), `${a} ≠ ${b}`);
  it('an ADC converts only the columns a layer uses: 4 crossbars × 64 columns = 200 ns, not 4 × 128', () => {
    assert.equal(arch.tile_types[0]!.crossbars_per_unit, 3.5);
    // K = 360, N = 8, S = 8: 3 row tiles of 64 columns each a copy; 4 copies fill 12 crossbars, 3 IMAs.
    near(mvmCost(t, 360, 8, 8, 8, 4).conversion_s, (4 * 64) / 1.28e9);
    // K = 36, N = 40, S = 8: column tiles of 128, 128 and 64 columns; 5 copies: IMAs of 128 + 128 + 64 + 128.
    near(mvmCost(t, 36, 40, 8, 8, 5).conversion_s, 448 / 1.28e9);
  });
});
