// Benchmark of the analytic simulator: evaluations per second of LeNet-5 and VGG-16 on ISAAC (goal
// ≥ 10,000/s for LeNet-5 on one core), a VGG-8 estimate against NeuroSim's ≈ 5 minutes, and a cold
// `pimc simulate` of VGG-16. Rates are per CPU second (process.cpuUsage), so other load on the machine
// does not count against us; wall-clock rates are reported beside them.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IrProgram } from '@pim/ir';
import { simulate } from '@pim/runtime/sim';
import { isaacProgram } from '../fixtures/compiled.js';

/** NeuroSim (DNN+NeuroSim V2) takes about 5 minutes for one VGG-8 inference estimate. */
export const NEUROSIM_VGG8_S = 300;

function pick(ir: IrProgram, re: RegExp): string | undefined {
  return ir.mappings.find((m) => re.test(m.model))?.name;
}

function rate(ir: IrProgram, mapping: string, detail: boolean, seconds: number): { cpu: number; wall: number } {
  for (let i = 0; i < 50; i++) simulate(ir, { mapping, detail });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    simulate(ir, { mapping, detail });
    n++;
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { cpu: n / ((c.user + c.system) / 1e6), wall: n / wall };
}

export async function benchSimulator(
  ir?: IrProgram,
  log: (s: string) => void = console.log,
): Promise<Record<string, number>> {
  const ref = isaacProgram();
  const prog = ir ?? ref;
  const out: Record<string, number> = {};
  const lenet = pick(prog, /lenet/i);
  const vgg16 = pick(prog, /vgg16|vgg_16|vgg-16/i);
  if (lenet) {
    const fast = rate(prog, lenet, false, 2);
    const full = rate(prog, lenet, true, 1);
    out['lenet5_evals_per_cpu_s'] = fast.cpu;
    out['lenet5_evals_per_wall_s'] = fast.wall;
    out['lenet5_full_reports_per_cpu_s'] = full.cpu;
    log(
      `simulator: LeNet-5 on ISAAC (${lenet}): ${fast.cpu.toFixed(0)} evaluations per CPU second (${fast.wall.toFixed(0)}/s wall; goal ≥ 10,000); ${full.cpu.toFixed(0)}/s with full reports`,
    );
  }
  if (vgg16) {
    const fast = rate(prog, vgg16, false, 2);
    out['vgg16_evals_per_cpu_s'] = fast.cpu;
    out['vgg16_evals_per_wall_s'] = fast.wall;
    log(
      `simulator: VGG-16 on ISAAC (${vgg16}): ${fast.cpu.toFixed(0)} evaluations per CPU second (${fast.wall.toFixed(0)}/s wall)`,
    );
  }
  // VGG-8 against NeuroSim: one full estimate (detailed report, NoC 2D and 3D) from a cold IR object.
  const t0 = performance.now();
  simulate(isaacProgram(), { mapping: 'vgg8_on_isaac' });
  const vgg8s = (performance.now() - t0) / 1000;
  out['vgg8_estimate_s'] = vgg8s;
  out['neurosim_ratio'] = NEUROSIM_VGG8_S / vgg8s;
  log(
    `simulator: VGG-8 estimate ${(vgg8s * 1e3).toFixed(1)} ms vs NeuroSim ≈ ${NEUROSIM_VGG8_S} s → ${(NEUROSIM_VGG8_S / vgg8s).toExponential(2)}× faster`,
  );
  // Cold `pimc simulate samples/isaac.pim` for VGG-16 (compiler + simulator in a fresh process; goal < 1 s).
  const pimc = resolve('cli/bin/pimc.js');
  const sample = resolve('samples/isaac.pim');
  if (existsSync(pimc) && existsSync(sample)) {
    const mapping = (() => {
      try {
        return /mapping\s+(\w*vgg16\w*)/.exec(
          execFileSync('grep', ['-o', 'mapping [a-z0-9_]*vgg16[a-z0-9_]*', sample], { encoding: 'utf8' }),
        )?.[1];
      } catch {
        return undefined;
      }
    })();
    const t1 = performance.now();
    try {
      execFileSync(process.execPath, [pimc, 'simulate', sample, ...(mapping ? ['--mapping', mapping] : [])], {
        stdio: 'ignore',
      });
      const cold = (performance.now() - t1) / 1000;
      out['cold_pimc_simulate_vgg16_s'] = cold;
      log(
        `simulator: cold pimc simulate samples/isaac.pim${mapping ? ` --mapping ${mapping}` : ''}: ${cold.toFixed(2)} s (goal < 1 s)`,
      );
    } catch (e) {
      log(`simulator: cold pimc simulate failed: ${(e as Error).message}`);
    }
  }
  return out;
}
