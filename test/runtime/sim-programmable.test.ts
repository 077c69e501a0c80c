// The simulator beyond ISAAC, on programs compiled from .pim: units that say what they execute, static
// (leakage) power as idle power, a stated parent power that the totals and breakdown agree with, and a
// concentrated mesh. Each expected figure is computed by hand in the comments.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compile } from '@pim/compiler';
import { simulate, tileModel } from '@pim/runtime/sim';
import { compiledText, compileText } from './fixtures/compiled.js';

const near = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} ≠ ${b}`);

/** One core: a 16-lane vector unit at 2 GHz total… see each test. */
const CHIP = (vpu: string, extra = '') => `
device d { bits_per_cell: 2, read_latency: 100 ns }
class core extends tile {}
class vector_unit extends component {
  lanes: count = 4
  executes: list(any) = [relu, maxpool]
  throughput: frequency = lanes * 1 GHz
  energy_per_op: energy = 0.5 pJ
  power: power = 1 mW
  leakage: power = 0.1 mW
}
architecture a {
  clock: 1 GHz
  weight_bits: 8 bit
  input_bits: 8 bit
  partition p {
    core c[2] {
      ${extra}
      ima { crossbar[4] { rows: 64, cols: 64, cell: d }, adc[4] { rate: 1 GHz, leakage: 0.05 mW }, dac[4 * 64] }
      ${vpu}
    }
  }
  noc { topology: cmesh, dims: [1, 1], concentration: 2 }
}
model m {
  input: tensor[64]
  linear f { out: 16 }
  relu
}
mapping mm { model: m, architecture: a, weights: fixed(8 bit), place linear on c }
`;

describe('sim: units that execute, leakage, stated figures, concentrated mesh (compiled from .pim)', () => {
  it('a vector unit that executes relu runs it at its throughput and energy per operation', () => {
    const r = simulate(compiledText(CHIP('vector_unit vpu { lanes: 8 }')));
    const relu = r.layers.find((l) => l.kind === 'relu')!;
    // 16 elements on one host tile's vpu: 8 lanes × 1 GHz → 2 ns; 16 × 0.5 pJ = 8 pJ.
    near(relu.time_s, 2e-9);
    near(relu.energy_j, 8e-12);
    assert.deepEqual(Object.keys(relu.energy_by_kind), ['vector_unit']);
    assert.ok(!r.warnings.some((w) => /relu/.test(w)), r.warnings.join('; '));
  });

  it('without such a unit the layer falls back (and says so)', () => {
    const r = simulate(compiledText(CHIP('')));
    assert.ok(
      r.warnings.some((w) => /no sigmoid unit .* for relu layers/.test(w)),
      r.warnings.join('; '),
    );
  });

  it("idle power is the mapped tiles' leakage: stated leakage, else a tenth of the own power", () => {
    const ir = compiledText(CHIP('vector_unit vpu { lanes: 8 }'));
    const tt = ir.architectures[0]!.tile_types[0]!;
    const ima = ir.architectures[0]!.root.children[0]!.children[0]!.children.find((c) => c.kind === 'ima')!;
    // IMA: 4 ADCs stated 0.05 mW each; crossbars and DACs a tenth of their own power.
    const xbar = ima.children.find((c) => c.kind === 'crossbar')!;
    const dac = ima.children.find((c) => c.kind === 'dac')!;
    near(ima.static_power_w!, 4 * 0.05e-3 + 0.1 * (4 * xbar.own_power_w + 256 * dac.own_power_w));
    // Tile: the IMA and the vector unit's stated 0.1 mW.
    near(tt.static_power_w!, ima.static_power_w! + 0.1e-3);
    const r = simulate(ir);
    const t = tileModel(ir.architectures[0]!, tt, []);
    near(t.staticPower, tt.static_power_w!);
    // One layer on 1 of a tile's 4 crossbars: the whole tile leaks (its router, buffer and bus cannot be
    // gated crossbar by crossbar); idle = (1 tile × period − 0.25 tile × busy) × leakage.
    const f = r.layers.find((l) => l.name === 'f')!;
    near(r.energy.static_power_w, tt.static_power_w!);
    near(r.energy.idle_j, (r.summary.period_s - 0.25 * f.mvm_s) * tt.static_power_w!);
  });

  it('a stated tile power: the totals and the breakdown by kind both equal it', () => {
    const p = compileText(
      CHIP('vector_unit vpu { lanes: 8 }').replace('core c[2] {', 'core c[2] {\n      power: 20 mW'),
    );
    const arch = p.ir!.architectures[0]!;
    assert.ok(
      p.diagnostics.some((d) => d.code === 'PIM4250'),
      'a warning says the stated figure and its parts disagree',
    );
    near(arch.tile_types[0]!.power_w, 20e-3);
    near(arch.totals.power_w, 2 * 20e-3);
    const byKind = arch.breakdown.reduce((s, b) => s + b.power_w, 0);
    near(byKind, arch.totals.power_w);
    // The parts' energies follow: the ADC's energy per conversion is scaled like its power.
    const adc = arch.tile_types[0]!.adc!;
    near(adc.energy_per_conversion_j * adc.rate_hz, adc.power_w, 1e-6);
  });

  it('a concentrated mesh puts its stated number of tiles on each router', () => {
    const r = simulate(compiledText(CHIP('vector_unit vpu { lanes: 8 }')));
    assert.equal(r.noc!.declared.topology, 'cmesh');
    assert.deepEqual(r.noc!.declared.concentration, [2]);
  });

  it('samples/programmable.pim compiles without a diagnostic and simulates', () => {
    const file = resolve('samples/programmable.pim');
    const p = compile(file);
    assert.deepEqual(
      p.diagnostics.map((d) => d.message),
      [],
    );
    const r = simulate(p.ir!);
    assert.ok(
      r.layers
        .filter((l) => l.kind === 'relu' || l.kind === 'maxpool')
        .every((l) => l.energy_by_kind['vector_unit']! > 0),
    );
    assert.match(readFileSync(file, 'utf8'), /topology: cmesh/);
    assert.equal(r.noc!.declared.concentration[0], 4);
  });
});
