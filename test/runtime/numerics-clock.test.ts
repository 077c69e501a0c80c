// The clock reaches accuracy: without a stated read frequency, the thermal noise bandwidth is the design's
// (min(clock, ADC rate) / 2), so two designs that differ only in their clock compute differently.
import assert from 'node:assert/strict';
import { readNoiseBandwidth, train } from '@pim/runtime/train';
import { compiledText } from './fixtures/compiled.js';

const PROGRAM = `
device cell8b { bits_per_cell: 8, r_on: 100 kOhm, r_off: 1 MOhm }
architecture chip {
  clock: 1.2 GHz
  tile t[8] { ima[4] { crossbar[8] { rows: 128, cols: 128, cell: cell8b }, adc[8] { resolution: 16 bit, rate: 1.28 GHz } } }
}
dataset blobs { source: synthetic, shape: tensor[1, 8, 8], classes: 4, samples: 640, seed: 3 }
model mlp { input: tensor[1, 8, 8], flatten, linear f1 { out: 16 }, relu, linear f2 { out: 4 } }
mapping m { model: mlp, architecture: chip, weights: fixed(16 bit), place linear on t }
train hot { mapping: m, dataset: blobs, epochs: 2, batch: 32, seed: 2, optimizer: momentum { lr: 0.05 }, noise { temperature: 400 K } }
`;

describe('numerics: the clock reaches accuracy through the noise bandwidth', () => {
  it('two designs differing only in clock (1.2 GHz vs 0.3 GHz) get different accuracy', async () => {
    const accuracy: number[] = [];
    for (const clock of [1.2e9, 0.3e9]) {
      const ir = compiledText(PROGRAM, { overrides: [{ path: 'chip.clock', value: clock }] });
      assert.equal(ir.experiments[0]!.noise!.frequency_hz, undefined);
      const r = await train(ir, 'hot', { path: 'fast' });
      accuracy.push(r.final.test_accuracy);
    }
    // 8-bit cells at 400 K: Δf of 600 MHz vs 150 MHz (σ halves) — the slow clock reads markedly cleaner.
    assert.equal(readNoiseBandwidth(1.2e9, 1.28e9), 4 * readNoiseBandwidth(0.3e9, 1.28e9));
    assert.notEqual(accuracy[0], accuracy[1]);
    assert.ok(accuracy[1]! > accuracy[0]!, `accuracy at 0.3 GHz ${accuracy[1]} vs 1.2 GHz ${accuracy[0]}`);
  });
});
