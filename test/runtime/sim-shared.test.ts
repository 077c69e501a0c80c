// Shared resources: ADCs shared by several crossbars convert the columns of all of them each step; the
// GPU partition is one resource whose layers share its cores and memory bandwidth, so no mapping runs
// above the GPU's peak, and the report says how much of it is used.
import assert from 'node:assert/strict';
import { simulate, formatSummary, mvmCost, tileModel } from '@pim/runtime/sim';
import { compiledFixture, toyProgram } from './fixtures/compiled.js';

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
