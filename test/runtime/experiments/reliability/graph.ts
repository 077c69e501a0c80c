// k. GCN on Cora with the normalized adjacency Â on crossbars: faulty and noisy like the weights.

import { train } from '@pim/runtime/train';
import type { ExperimentSettings } from '../../fixtures/compiled.js';
import { gcnProgram, log, pct, sign, type Ctx, type Section } from './common.js';

/** Cora's 2-layer GCN on crossbars, with Â's blocks on the same crossbar tiles (128×128, empty ones skipped) or exact. */
const coraOnCrossbars = (c: Ctx, adjacency: boolean, extra: ExperimentSettings) =>
  // 100 epochs (Kipf & Welling train 200): five 2708-node trainings with Â in JS are what this section can afford.
  gcnProgram(false, { epochs: Math.min(100, c.z.gcnEpochs), ...extra }, adjacency);

export async function section_k(c: Ctx): Promise<Section> {
  // The fault rates of samples/reliability.pim's 2-bit cell.
  const faults = { stuck_at_zero: 0.001, stuck_at_one: 0.0005 };
  const configs = [
    { label: 'weights on crossbars, Â exact (digital)', adjacency: false, extra: {} },
    {
      label: 'weights on crossbars with 0.1% SA0 + 0.05% SA1, 5% spread, 2% write noise; Â exact (digital)',
      adjacency: false,
      extra: { faults, noise: { temperature_k: 0, variation: 0.02, spread: 0.05 } },
    },
    {
      label: 'Â on crossbars too (binary A + I, 2-bit cells), the same faults and noise',
      adjacency: true,
      extra: { faults, noise: { temperature_k: 0, variation: 0.02, spread: 0.05 } },
    },
    {
      label: 'the same + thermal noise at 400 K (design bandwidth 600 MHz)',
      adjacency: true,
      extra: { faults, noise: { temperature_k: 400, variation: 0.02, spread: 0.05 } },
    },
    {
      label: 'Â on crossbars, 0.5% SA0 + 0.5% SA1, 5% spread, 2% write noise',
      adjacency: true,
      extra: {
        faults: { stuck_at_zero: 0.005, stuck_at_one: 0.005 },
        noise: { temperature_k: 0, variation: 0.02, spread: 0.05 },
      },
    },
  ];
  const acc: number[] = [];
  const table = [
    [`configuration (Cora, 2-layer GCN, ${c.z.gcnEpochs >= 200 ? 100 : c.z.gcnEpochs} epochs)`, 'test accuracy'],
  ];
  for (const cfg of configs) {
    const r = await train(coraOnCrossbars(c, cfg.adjacency, cfg.extra), 'cora');
    acc.push(r.final.test_accuracy);
    log(`k. ${cfg.label}: ${pct(r.final.test_accuracy)}`);
    table.push([cfg.label, pct(r.final.test_accuracy)]);
  }
  return {
    title: 'k. GCN on Cora with Â on noisy crossbars',
    claim:
      'Adjacency blocks mapped to crossbars go through the same numerics as the weights: quantized, faulty and noisy (Kipf & Welling: 81.5% with exact arithmetic).',
    table,
    verdict: `Faults, spread and write noise change test accuracy by ${sign(100 * (acc[1]! - acc[0]!))} points on the weights alone and by ${sign(100 * (acc[2]! - acc[0]!))} with Â on crossbars too (${sign(100 * (acc[3]! - acc[0]!))} with thermal noise as well; ${sign(100 * (acc[4]! - acc[0]!))} at 0.5% + 0.5% stuck cells), against ${pct(acc[0]!)} with ideal cells and Â exact.`,
    note: `Â = D^−½(A+I)D^−½ as the simulator costs it: A + I binary, one 2-bit cell an entry at G_on, D^−½ applied digitally; 128×128 blocks holding an edge, in the graph's node order; features streamed as 16-bit fixed point; faults and noise apply to the weight layers too. A stuck-at-one cell where A + I is zero is a spurious edge of the weight D_i^−½·D_k^−½ a real one would have; a stuck-at-zero cell on an edge drops it. Until 2026-12-06 Â itself was stored, 16-bit on eight 2-bit cells an entry (a stuck top cell an edge of 1.5× Â's largest entry): the third row read 36.7%, and the last 7% (chance). Data: data/cora (Planetoid split).`,
  };
}
