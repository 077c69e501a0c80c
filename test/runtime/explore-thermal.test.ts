// samples/explore.pim's `rram_space` takes each design's temperature from its power: the architecture
// has a `thermal` block and the evaluation's `noise` states no temperature, so what a training sees
// (trainingHardware, also the key under which explore:table shares runs) carries the thermal model's
// per-layer temperatures, and they follow the design.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { compile, type IrProgram } from '@pim/compiler';
import { simulate } from '@pim/runtime/sim';
import { temperaturesFor, trainingHardware } from '@pim/runtime/train';

const SAMPLE = resolve('samples/explore.pim');

/** A design with 64-row crossbars of 1-bit cells: many crossbars, so the ADCs' power shows in the heat. */
function design(adcBits: number, clockHz = 1e9): IrProgram {
  const p = compile(SAMPLE, {
    overrides: [
      { path: 'rram8_thermal.t.ima.crossbar.rows', value: 64 },
      { path: 'cell8b.bits_per_cell', value: 1 },
      { path: 'rram8_thermal.t.ima.adc.resolution', value: adcBits },
      { path: 'rram8_thermal.clock', value: clockHz },
    ],
  });
  assert.ok(p.ir, p.diagnostics.map((d) => d.message).join('; '));
  return p.ir;
}

describe('explore: rram_space’s temperature follows from the design’s power', function () {
  this.timeout(120000);
  const exp = (ir: IrProgram) => ir.experiments.find((e) => e.name === 'explore_eval')!;

  it('the training sees the thermal model’s temperature of each crossbar layer', () => {
    const ir = design(8);
    const t = temperaturesFor(ir, exp(ir))!;
    assert.equal(t.source, 'thermal model');
    const { layers } = trainingHardware(ir, exp(ir));
    const seen = layers.filter((l) => l.crossbar).map((l) => l.crossbar!.temperatureK);
    assert.equal(seen.length, 2);
    assert.deepEqual(
      seen,
      t.layers.map((l) => l.temperature_k),
    );
    for (const k of seen) assert.ok(k > 318.15 && k < 400, `${k} K: above the package's ambient, not the old 400 K`);
  });

  it('a 12-bit ADC design runs hotter than a 6-bit one, and its training sees a different hardware', () => {
    const [lo, hi] = [design(6), design(12)];
    const mean = (ir: IrProgram) => {
      const ls = temperaturesFor(ir, exp(ir))!.layers;
      return ls.reduce((a, l) => a + l.temperature_k, 0) / ls.length;
    };
    assert.ok(mean(hi) > mean(lo) + 1, `${mean(hi)} K vs ${mean(lo)} K`);
    const temps = (ir: IrProgram) =>
      trainingHardware(ir, exp(ir))
        .layers.filter((l) => l.crossbar)
        .map((l) => l.crossbar!.temperatureK);
    assert.notDeepEqual(temps(hi), temps(lo));
  });

  it('a simulation the caller already made is used, not repeated (explore:table simulates each design once)', () => {
    const [lo, hi] = [design(6), design(12)];
    const report = (ir: IrProgram) => simulate(ir, { mapping: exp(ir).mapping, detail: false });
    assert.deepEqual(trainingHardware(lo, exp(lo), undefined, report(lo)), trainingHardware(lo, exp(lo)));
    // Given the hotter design's report, the 6-bit design's layers take that report's temperatures.
    const given = temperaturesFor(lo, exp(lo), undefined, report(hi))!.layers.map((l) => l.temperature_k);
    assert.deepEqual(
      given,
      temperaturesFor(hi, exp(hi))!.layers.map((l) => l.temperature_k),
    );
  });
});
