// `npm run bench thermal`: the steady solve of a 64 × 64 grid of a 4-tier stack (goal ≤ 100 ms on one core).
import * as os from 'node:os';
import { DEFAULT_PACKAGE, solveSteady, type ThermalLayer, type ThermalStack } from '@pim/runtime/thermal';
import { median } from './median.js';

/** Four 8 mm × 8 mm tiers of 8 × 8 tiles with uneven power, bonds between them, TIM under the last. */
export function benchStack(): ThermalStack {
  const side = 0.008;
  const layers: ThermalLayer[] = [];
  for (let t = 0; t < 4; t++) {
    const blocks = [];
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 8; j++)
        blocks.push({
          name: `t${t}_${i}_${j}`,
          x: j * 0.001,
          y: i * 0.001,
          w: 0.001,
          h: 0.001,
          power: 0.1 + ((i * 7 + j * 3 + t) % 5) * 0.1,
        });
    layers.push({ name: `tier${t}`, thickness: 150e-6, conductivity: 100, blocks });
    layers.push({ name: t < 3 ? `bond${t}` : 'tim', thickness: 20e-6, conductivity: 4, blocks: [] });
  }
  return { width: side, height: side, layers, package: DEFAULT_PACKAGE };
}

export async function benchThermal(): Promise<Record<string, number | string>> {
  const stack = benchStack();
  const c0 = process.cpuUsage();
  solveSteady(stack); // the first solve in a process also compiles the solver
  const cold = process.cpuUsage(c0);
  for (let k = 0; k < 2; k++) solveSteady(stack); // warm the JIT (its optimizing tier needs a few calls)
  const wall: number[] = [];
  const cpu: number[] = [];
  let iterations = 0;
  for (let k = 0; k < 7; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    iterations = solveSteady(stack).iterations;
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return {
    'solve 64×64 × 4 tiers (8 layers + spreader + sink), wall ms (median of 7)': median(wall),
    'same, CPU ms (median)': median(cpu),
    'same, best wall ms': Math.min(...wall),
    'first solve in the process (cold JIT), CPU ms': (cold.user + cold.system) / 1000,
    'goal ms': 100,
    'PCG iterations (multigrid V-cycle, relative residual 1e-9)': iterations,
    unknowns: 10 * 64 * 64 + 12,
    'load average (1 min) while measuring': os.loadavg()[0],
  };
}
