// One definition of a write (runtime/src/numerics/writes.ts) for the trainer's cells and the simulator's
// training cost: hand-computed cases on one weight, and the simulator's write energy from the trainer's
// measured counts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IrProgram } from '@pim/compiler';
import { measuredLayerWrites, simulate, simulateCommand, type MeasuredWrites } from '@pim/runtime/sim';
import {
  checkpointWrites,
  CrossbarLayer,
  initTf,
  readCheckpoint,
  tf,
  train,
  type CrossbarParams,
} from '@pim/runtime/train';
import { compiledText } from './fixtures/compiled.js';
import { IDEAL_CROSSBAR } from './fixtures/crossbar.js';

// 4-bit weights on 2-bit cells with range 7: q = round(w), so the digits below are hand-computable.
const ONE_WEIGHT: CrossbarParams = { ...IDEAL_CROSSBAR, weightBits: 4, weightRange: 7 };

/** Cells written by programming q = 5, 6, −6, −6 into one weight, and the cells' write counts after. */
function writesOf(p: CrossbarParams): { written: number[]; counts: number[] } {
  const xb = new CrossbarLayer(1, 1, p, 1);
  try {
    const written = [5, 6, -6, -6].map((q) => {
      const w = tf.tensor2d([[q]]);
      const n = xb.program(w).written;
      w.dispose();
      return n;
    });
    return { written, counts: Array.from(xb.writeCounts()) };
  } finally {
    xb.dispose();
  }
}

const PROGRAM = `
device cell2b { bits_per_cell: 2, r_on: 100 kOhm, r_off: 1 MOhm, write_energy: 0.1 pJ, write_latency: 50 ns, endurance: 1e6 }
architecture chip {
  clock: 1.2 GHz
  tile t[8] { ima[4] { crossbar[8] { rows: 128, cols: 128, cell: cell2b }, adc[8] { resolution: 8 bit } } }
}
dataset blobs { source: synthetic, shape: tensor[1, 8, 8], classes: 4, samples: 256, seed: 3 }
model mlp { input: tensor[1, 8, 8], flatten, linear f1 { out: 16 }, relu, linear f2 { out: 4 } }
mapping m { model: mlp, architecture: chip, weights: fixed(8 bit), encoding: differential, place linear on t }
train fit { mapping: m, dataset: blobs, epochs: 2, batch: 32, seed: 2, optimizer: momentum { lr: 0.05 } }
`;

describe('numerics: one definition of a write for the trainer and the simulator', () => {
  let dir = '';
  let ir: IrProgram;
  before(async () => {
    await initTf();
    dir = mkdtempSync(join(tmpdir(), 'pim-writes-'));
    ir = compiledText(PROGRAM);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a write is a healthy cell whose level changes: hand-computed digits, offset and differential', () => {
    // Offset: u = q + 8 in two base-4 digits (low, high): 13 = (1, 3), 14 = (2, 3), 2 = (2, 0).
    // First programming writes both cells; 5 → 6 the low one; 6 → −6 the high one; −6 → −6 none.
    const offset = writesOf(ONE_WEIGHT);
    assert.deepEqual(offset.written, [2, 1, 1, 0]);
    assert.deepEqual(offset.counts, [2, 2]);
    // Differential: G+ holds max(q, 0), G− max(−q, 0), each in ⌈3/2⌉ = 2 cells: 5 → G+ (1, 1), 6 → G+ (2, 1),
    // −6 → G+ (0, 0) and G− (2, 1). All four cells at first; one; both G+ and both G− cells; none.
    const diff = writesOf({ ...ONE_WEIGHT, encoding: 'differential' });
    assert.deepEqual(diff.written, [4, 1, 4, 0]);
    assert.deepEqual(diff.counts, [3, 2, 2, 2]);
    // The updates' writes: each count less the first programming; the most-written cell took 2 of 3 updates.
    assert.deepEqual(measuredLayerWrites(diff.counts, 3), { cells: 4, updates: 3, writes: 5, max_cell_writes: 2 });
    // A stuck cell is never written, not even at the first programming.
    const stuck = writesOf({ ...ONE_WEIGHT, stuckAtZero: 1 });
    assert.deepEqual(stuck.written, [0, 0, 0, 0]);
    assert.deepEqual(measuredLayerWrites(stuck.counts, 3), { cells: 2, updates: 3, writes: 0, max_cell_writes: 0 });
  });

  it('the simulator agrees with a measurement of every cell at every update, and follows real measurements', async () => {
    const analytic = simulate(ir).training[0]!;
    assert.equal(analytic.writes_source, 'analytic: every cell at every update');
    const layers = analytic.layers.filter((l) => l.cells_written > 0);
    assert.deepEqual(
      layers.map((l) => l.name),
      ['f1', 'f2'],
    );
    // Differential 8-bit weights on 2-bit cells: 2 × ⌈7/2⌉ = 8 cells per weight.
    assert.deepEqual(
      layers.map((l) => l.cells_written),
      [64 * 16 * 8, 16 * 4 * 8],
    );
    // Every cell written at each of 10 updates (counts 11: the first programming and 10 updates).
    const every: MeasuredWrites = Object.fromEntries(
      layers.map((l) => [l.name, measuredLayerWrites(new Float32Array(l.cells_written).fill(11), 10)]),
    );
    const same = simulate(ir, { measuredWrites: { fit: every } }).training[0]!;
    assert.deepEqual({ ...same, writes_source: analytic.writes_source }, analytic);
    assert.equal(same.writes_source, 'measured by the trainer');

    // The trainer's counts: the same cells per layer, fewer writes than every cell at every update.
    const r = await train(ir, 'fit', { checkpoint: dir });
    const ck = readCheckpoint(r.checkpoint!);
    // The simulator's epoch is the trainer's: 80% of 256 samples train, ⌈205 / 32⌉ = 7 updates per epoch.
    assert.equal(analytic.steps_per_epoch, 7);
    assert.equal(ck.updates, r.epochs.length * analytic.steps_per_epoch);
    const measured = checkpointWrites(ck, r.checkpoint!);
    const updateWrites = r.epochs.reduce((s, e) => s + e.writes, 0);
    assert.equal(
      Object.values(measured).reduce((s, m) => s + m.writes, 0),
      updateWrites,
      "the checkpoint's counts are the writes the trainer reported",
    );
    const sim = simulate(ir, { measuredWrites: { fit: measured } }).training[0]!;
    for (const l of layers) {
      const m = measured[l.name]!;
      assert.equal(m.cells, l.cells_written);
      const t = sim.layers.find((x) => x.name === l.name)!;
      assert.ok(Math.abs(t.cells_written - m.writes / m.updates) < 1e-9);
      assert.ok(Math.abs(t.write_j - t.cells_written * 0.1e-12) < 1e-24);
    }
    assert.ok(updateWrites > 0 && sim.per_update.cells_written < analytic.per_update.cells_written);
    assert.ok(sim.epoch_energy_j < analytic.epoch_energy_j, 'fewer writes, less training energy');
    assert.ok(sim.epochs_to_endurance > analytic.epochs_to_endurance, 'the most-written cell changes less often');
    // `pimc simulate --writes CHECKPOINT`: the same figures in the text summary.
    const lines: string[] = [];
    assert.equal(await simulateCommand(ir, { writes: r.checkpoint! }, (l) => void lines.push(l)), 0);
    assert.match(lines.join('\n'), /cells written \(measured by the trainer\)/);
    const errs: string[] = [];
    const missing = join(dir, 'none.ckpt.json');
    assert.equal(
      await simulateCommand(
        ir,
        { writes: missing },
        () => {},
        (l) => void errs.push(l),
      ),
      1,
    );
    assert.match(errs.join('\n'), /none\.ckpt\.json: cannot read checkpoint/);
    const saved = analytic.steps_per_epoch * (analytic.per_update.write_energy_j - sim.per_update.write_energy_j);
    assert.ok(Math.abs(analytic.epoch_energy_j - sim.epoch_energy_j - saved) < 1e-9 * analytic.epoch_energy_j);
  });

  it('measured writes that do not fit the mapping are rejected with the experiment and layer named', () => {
    const wrong = {
      f1: measuredLayerWrites(new Float32Array(7), 1),
      f2: measuredLayerWrites(new Float32Array(16 * 4 * 8), 1),
    };
    assert.throws(() => simulate(ir, { measuredWrites: { fit: wrong } }), /experiments\[fit\].*'f1'.*7 cells.*8192/);
    assert.throws(
      () => simulate(ir, { measuredWrites: { fit: { f2: wrong.f2 } } }),
      /experiments\[fit\].*no layer 'f1'/,
    );
    assert.throws(
      () => simulate(ir, { measuredWrites: { nope: {} } }),
      /experiments\[nope\].*not a training experiment/,
    );
  });
});
