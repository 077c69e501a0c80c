// Devices as the simulator sees them. Times in cycles reach it as seconds: a device's read and write
// latencies stated in cycles become seconds at the clock of the architecture (or partition) whose
// crossbars use the device, so 100 cycles at 1 GHz simulate exactly as 100 ns, and the same cycles at
// another clock take another time. A device's technology selects the write figures it does not state.
import assert from 'node:assert/strict';
import { simulate, type SimReport } from '@pim/runtime/sim';
import { compiledText } from './fixtures/compiled.js';

/**
 * A chip whose crossbar reads set the MVM step: 32-column arrays with one ADC per crossbar at 1.28 GS/s
 * convert in 25 ns, below any read latency used here, so the step is the read.
 */
function program(device: string, clock: string, partitionClock?: string): string {
  const tile = `tile t[4] {
      edram buffer { capacity: 64 KB }
      ima[2] {
        crossbar[4] { rows: 32, cols: 32, cell: cell }
        adc[4] { resolution: 8 bit, rate: 1.28 GHz }
        dac[4 * 32]
        shift_add
      }
      maxpool
      sigmoid
    }`;
  const body = partitionClock ? `partition p { clock: ${partitionClock}\n    ${tile}\n  }` : tile;
  return `device cell { ${device} }
architecture chip {
  clock: ${clock}, weight_bits: 8 bit, input_bits: 8 bit
  ${body}
}
dataset digits { source: synthetic, shape: tensor[1, 8, 8], classes: 10, samples: 200 }
model m { input: tensor[1, 8, 8], flatten, linear f1 { out: 32 }, relu, linear f2 { out: 10 } }
mapping mp { model: m, architecture: chip, place linear on t }
train tr { mapping: mp, dataset: digits, epochs: 1, batch: 20 }
`;
}

function run(read: string, write: string, clock: string, partitionClock?: string): SimReport {
  const device = `bits_per_cell: 2, read_latency: ${read}, write_latency: ${write}`;
  return simulate(compiledText(program(device, clock, partitionClock)), { mapping: 'mp' });
}

const layer = (r: SimReport, name: string) => r.layers.find((l) => l.name === name)!;

describe('sim: device latencies in cycles', () => {
  const seconds = run('100 ns', '50 ns', '1 GHz');
  const cycles = run('100 cycles', '50 cycles', '1 GHz');

  it('100 cycles at 1 GHz simulate exactly as 100 ns (inference and training)', () => {
    assert.equal(layer(seconds, 'f1').read_s, 100e-9);
    assert.equal(layer(cycles, 'f1').read_s, 100e-9);
    assert.equal(layer(cycles, 'f1').bound, 'read');
    assert.equal(cycles.summary.latency_s, seconds.summary.latency_s);
    assert.equal(cycles.summary.energy_per_inference_j, seconds.summary.energy_per_inference_j);
    assert.equal(cycles.training[0]!.per_update.write_latency_s, seconds.training[0]!.per_update.write_latency_s);
    assert.equal(cycles.training[0]!.epoch_time_s, seconds.training[0]!.epoch_time_s);
  });

  it('the same cycles at 500 MHz take twice the time; a partition clock overrides the chip clock', () => {
    const slow = run('100 cycles', '50 cycles', '500 MHz');
    // Read: 100 cycles / 500 MHz = 200 ns; 8-bit inputs on 1-bit DACs: 8 steps → 1.6 µs per MVM.
    assert.equal(layer(slow, 'f1').read_s, 200e-9);
    assert.equal(layer(slow, 'f1').mvm_s, 8 * 200e-9);
    // Writes: rows programmed one at a time (f1 uses 32 rows of its crossbars) × 50 cycles / 500 MHz.
    assert.equal(slow.training[0]!.per_update.write_latency_s, 32 * 100e-9);
    assert.equal(cycles.training[0]!.per_update.write_latency_s, 32 * 50e-9);
    assert.ok(slow.summary.latency_s > cycles.summary.latency_s);
    // The chip at 1 GHz with the tiles in a 500 MHz partition: the tiles' cycles count the partition's clock.
    const part = run('100 cycles', '50 cycles', '1 GHz', '500 MHz');
    assert.equal(layer(part, 'f1').read_s, 200e-9);
    assert.equal(part.training[0]!.per_update.write_latency_s, 32 * 100e-9);
    // ... and so do the digital units beside the crossbars (one element per unit per clock).
    const relu = layer(part, 'relu_2');
    assert.ok(Math.abs(relu.time_s / layer(slow, 'relu_2').time_s - 1) < 1e-12, `${relu.time_s}`);
    assert.ok(Math.abs(relu.time_s / layer(cycles, 'relu_2').time_s - 2) < 1e-12, `${relu.time_s}`);
  });

  it('a device stated in seconds is not affected by the clock', () => {
    const slow = run('100 ns', '50 ns', '500 MHz');
    assert.equal(layer(slow, 'f1').read_s, 100e-9);
    assert.equal(slow.training[0]!.per_update.write_latency_s, 32 * 50e-9);
  });
});

describe("sim: a design point's clock (an override of the program's)", () => {
  const text = program('bits_per_cell: 2, read_latency: 100 ns, write_latency: 50 ns', '1 GHz');
  const base = simulate(compiledText(text), { mapping: 'mp' });
  const fast = simulate(compiledText(text, { overrides: [{ path: 'chip.clock', value: 2e9 }] }), { mapping: 'mp' });

  it('the digital units do the same work in half the time, their dynamic power doubled: energy per element nearly stays', () => {
    const [b, f] = [layer(base, 'relu_2'), layer(fast, 'relu_2')];
    assert.ok(Math.abs(f.time_s / b.time_s - 0.5) < 1e-12, `${f.time_s} vs ${b.time_s}`);
    // A unit's energy per element is its power over the clock. The sigmoid's power is the library's
    // (ISAAC's P at 1.2 GHz): its leakage, a tenth of P, stays, its dynamic 0.9 P follows the clock, so
    // the energy is (0.1 P / f + 0.9 P / 1.2 GHz): (0.05 + 0.75) / (0.1 + 0.75) of the energy at 1 GHz.
    assert.ok(Math.abs(f.energy_j / b.energy_j - 0.8 / 0.85) < 1e-12, `${f.energy_j} vs ${b.energy_j}`);
    assert.ok(fast.summary.power_w > base.summary.power_w);
    // Leakage does not follow the clock.
    assert.equal(fast.energy.static_power_w, base.energy.static_power_w);
  });

  it('a program that states 2 GHz draws what the design point at 2 GHz draws: the library defaults hold at 1.2 GHz', () => {
    const stated = simulate(compiledText(program('bits_per_cell: 2, read_latency: 100 ns', '2 GHz')), {
      mapping: 'mp',
    });
    const close = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) <= 1e-12 * b, `${what}: ${a} vs ${b}`);
    close(layer(stated, 'relu_2').energy_j, layer(fast, 'relu_2').energy_j, 'relu energy');
    close(stated.summary.power_w, fast.summary.power_w, 'chip power');
    close(stated.energy.static_power_w, base.energy.static_power_w, 'leakage');
  });

  it("a power the program states holds at the program's clock: at 2 GHz the unit's energy per element is halved", () => {
    const withPower = (clock: string) =>
      simulate(
        compiledText(
          program('bits_per_cell: 2, read_latency: 100 ns', clock).replace('sigmoid\n', 'sigmoid { power: 0.26 mW }\n'),
        ),
        { mapping: 'mp' },
      );
    const [one, two] = [withPower('1 GHz'), withPower('2 GHz')];
    // At 1 GHz: 0.26 mW over one element per cycle.
    const perElement = layer(one, 'relu_2').energy_by_kind['sigmoid']! / layer(one, 'relu_2').mvms;
    assert.ok(Math.abs(perElement / 0.26e-12 - 1) < 1e-12, `${perElement}`);
    const ratio = layer(two, 'relu_2').energy_j / layer(one, 'relu_2').energy_j;
    assert.ok(Math.abs(ratio - 0.5) < 1e-12, `${ratio}`);
  });
});

describe('sim: device technologies', () => {
  const withTech = (t: string) => simulate(compiledText(program(`technology: ${t}`, '1 GHz')), { mapping: 'mp' });
  const reram = withTech('reram');
  const pcm = withTech('pcm');

  it("PCM's published writes (50 ns, ~1e-11 J/bit) against ReRAM's (< 10 ns, ~1e-13 J/bit), same reads", () => {
    const [r, p] = [reram.training[0]!, pcm.training[0]!];
    // Both 2 bits per cell: the same cells written per update; f1 programs its 32 rows one at a time.
    assert.equal(p.per_update.cells_written, r.per_update.cells_written);
    assert.equal(r.per_update.write_latency_s, 32 * 10e-9);
    assert.equal(p.per_update.write_latency_s, 32 * 50e-9);
    const ratio = p.per_update.write_energy_j / r.per_update.write_energy_j;
    assert.ok(Math.abs(ratio - 100) < 1e-9, `energy ratio ${ratio}`);
    assert.ok(p.epoch_time_s > r.epoch_time_s);
    // Reads are the analog MVM's 100 ns array read for every technology: inference is unchanged.
    assert.equal(pcm.summary.latency_s, reram.summary.latency_s);
  });

  it('a single-bit technology (SRAM) needs twice the slices of a 2-bit one for the same weights', () => {
    const sram = withTech('sram');
    const f1 = (r: SimReport) => r.layers.find((l) => l.name === 'f1')!;
    assert.equal(f1(sram).crossbars, 2 * f1(reram).crossbars);
  });
});
