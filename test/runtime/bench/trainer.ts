// Trainer benchmarks (wired into `npm run bench`): LeNet-5 batch-64 step time with ideal numerics vs on
// ISAAC-like crossbars with every non-ideality on (goal ≤ 2× and ≤ 80 ms); a step with a lossy 6-bit ADC
// (differential cells, calibrated range) on the approximate lossy path (training's default) against the fast
// path (goal ≤ 5×), the exact bit-serial path's ratio beside it, and the approximation's accuracy error
// against bit-serial on the same chip and digits;
// and a 200-epoch Cora GCN on crossbars (goal ≤ 15 s). Speed goals are measured here, never asserted in
// tests; the machine's load is printed beside them (it is shared).

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { IrProgram } from '@pim/ir';
import { evaluate, loadMnist, train, type MvmPath } from '@pim/runtime/train';
import { compiledFixture, experimentFrom, type ExperimentSettings } from '../fixtures/compiled.js';
import { gcnProgram } from '../experiments/reliability/common.js';

const HW: ExperimentSettings = {
  faults: { stuck_at_zero: 0.01, stuck_at_one: 0.005 },
  noise: { temperature_k: 300, frequency_hz: 5e8, variation: 0.02 },
  mitigate: { noise_aware: true },
};

/** LeNet-5 of test/runtime/fixtures/digits.pim on its ISAAC-like chip (2-bit cells, 8-bit ADC, 16-bit weights). */
function lenetProgram(ideal: boolean, mapping = 'lenet5_map'): IrProgram {
  const ir = compiledFixture('digits');
  const sgd = { name: 'sgd' as const, lr: 0.05, momentum: 0.9, weight_decay: 0, beta1: 0.9, beta2: 0.999 };
  const settings = { name: 'lenet', mapping, epochs: 2, optimizer: sgd, ...(ideal ? {} : HW), numerics: { ideal } };
  ir.experiments = [experimentFrom(ir, 'exp', settings)];
  return ir;
}

const STEPS = 12;

/** One training's step costs over its second epoch: wall and CPU ms per step, and CPU per step with the epoch's overheads. */
interface StepTime {
  /** Wall ms of the steps alone (what the goal is about on an idle machine). */
  wall: number;
  /** Process CPU ms of the steps alone: robust when other processes share the cores (tfjs-wasm runs on one thread here). */
  cpu: number;
  /** Process CPU ms of the whole epoch per step: the steps plus the epoch's ADC calibration and 64-digit test. */
  epochCpu: number;
}

/** LeNet-5 step time over the second epoch (12 steps of 64 MNIST digits). */
async function lenetStep(ideal: boolean, ir = lenetProgram(ideal), path?: MvmPath): Promise<StepTime> {
  const marks: NodeJS.CpuUsage[] = [];
  const r = await train(ir, 'lenet', {
    ...(path ? { path } : {}),
    trainLimit: 64 * STEPS,
    testLimit: 64,
    onEpoch: () => void marks.push(process.cpuUsage()),
  });
  const epochCpu = (marks[1]!.user - marks[0]!.user + marks[1]!.system - marks[0]!.system) / 1000 / STEPS;
  return { wall: r.epochs[1]!.step_ms, cpu: r.epochs[1]!.step_cpu_ms, epochCpu };
}

/** LeNet-5 on 2-bit cells with a 6-bit ADC: differential cells, calibrated range; no other non-ideality. */
function lossyProgram(adcBits: number): IrProgram {
  const ir = lenetProgram(false, 'lenet5_mapd');
  ir.experiments[0]!.numerics = { ideal: false, activation_bits: 16, adc_bits: adcBits, adc_range: 'calibrated' };
  delete ir.experiments[0]!.noise;
  delete ir.experiments[0]!.faults;
  ir.experiments.push({ ...ir.experiments[0]!, name: 'deploy', kind: 'run' });
  return ir;
}

/** Test accuracy of the lossy chip on the same digits, exact (every partial sum converted) and approximate. */
async function approximationError(digits: number): Promise<{ exact: number; approx: number; fast: number }> {
  const ir = lossyProgram(6);
  const dir = mkdtempSync(join(tmpdir(), 'pim-bench-'));
  try {
    // Trained far enough (2 × 32 steps) that the comparison is between working classifiers, not near chance.
    await train(ir, 'lenet', { trainLimit: 2048, testLimit: 64, checkpoint: dir, epochs: 2 });
    const data = { kind: 'tensor' as const, set: loadMnist({ trainLimit: 256, testLimit: digits }) };
    const at = async (path: MvmPath): Promise<number> =>
      (await evaluate(ir, 'deploy', { checkpoint: dir, data, path })).test_accuracy;
    return { exact: await at('bitserial'), approx: await at('approx'), fast: await at('fast') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A lossy 6-bit ADC: the same LeNet-5 step on the fast path (lossless ADC), the approximate lossy path
 * (training's default) and the exact bit-serial one; then the approximation's accuracy against the exact
 * path on the same chip and digits. The headline comes first: what lossy training costs against the goal.
 */
export async function benchLossyStep(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  out['trainer.machine.loadavg_1min'] = loadavg()[0]!;
  const fast = await lenetStep(false, lossyProgram(24));
  const approx = await lenetStep(false, lossyProgram(6), 'approx');
  const exact = await lenetStep(false, lossyProgram(6), 'auto');
  const err = await approximationError(200);
  const head = 'trainer.lossy_6bit_step';
  out[`${head}.approx_vs_fast_cpu (training default, goal ≤ 5)`] = approx.cpu / fast.cpu;
  out[`${head}.bitserial_vs_fast_cpu (exact reference)`] = exact.cpu / fast.cpu;
  out[`${head}.approx_minus_bitserial_accuracy_points (200 digits)`] = 100 * (err.approx - err.exact);
  const paths = { fast_lossless_adc: fast, approx_6bit_adc: approx, bitserial_6bit_adc: exact };
  for (const [name, t] of Object.entries(paths)) {
    out[`trainer.lenet5_step_cpu_ms.${name}`] = t.cpu;
    out[`trainer.lenet5_step_ms.${name}`] = t.wall;
    out[`trainer.lenet5_epoch_cpu_ms_per_step.${name} (with calibration and test)`] = t.epochCpu;
  }
  out['trainer.lenet5_step_wall.approx_vs_fast'] = approx.wall / fast.wall;
  out['trainer.lenet5_step_wall.bitserial_vs_fast'] = exact.wall / fast.wall;
  out['trainer.lenet5_6bit_adc.accuracy_bitserial_200_digits'] = err.exact;
  out['trainer.lenet5_6bit_adc.accuracy_approx_200_digits'] = err.approx;
  out['trainer.lenet5_6bit_adc.accuracy_lossless_200_digits'] = err.fast;
  out['trainer.machine.loadavg_1min_after_lossy'] = loadavg()[0]!;
  return out;
}

export async function benchTrainer(): Promise<Record<string, number>> {
  const out: Record<string, number> = { 'trainer.machine.cpus': cpus().length, ...(await benchLossyStep()) };
  const ideal = await lenetStep(true);
  const hw = await lenetStep(false);
  out['trainer.lenet5_step_ms.ideal'] = ideal.wall;
  out['trainer.lenet5_step_ms.hardware_aware'] = hw.wall;
  out['trainer.lenet5_step.ratio'] = hw.wall / ideal.wall;
  out['trainer.lenet5_step_cpu_ms.ideal'] = ideal.cpu;
  out['trainer.lenet5_step_cpu_ms.hardware_aware'] = hw.cpu;
  if (existsSync(resolve('data/cora'))) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await train(gcnProgram(false), 'cora');
    const c = process.cpuUsage(c0);
    out['trainer.cora_gcn_200_epochs_s.crossbar'] = (performance.now() - t0) / 1000;
    out['trainer.cora_gcn_200_epochs_cpu_s.crossbar'] = (c.user + c.system) / 1e6;
    out['trainer.cora_gcn.test_accuracy.crossbar'] = r.final.test_accuracy;
  }
  return out;
}
