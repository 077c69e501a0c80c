import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { IrProgram } from '@pim/ir';
import {
  DataError,
  evaluate,
  initTf,
  ProgressReporter,
  risingLoss,
  runCommand,
  tf,
  train,
  trainCommand,
  TrainConfigError,
  TrainDivergedError,
  type EpochMetrics,
} from '@pim/runtime/train';
import { compiledFixture, compiledText, heteroProgram, type Override } from './fixtures/compiled.js';

/** test/runtime/fixtures/trainer.pim, compiled (each experiment a test trains by name). */
const trainer = (overrides: Override[] = []): IrProgram => compiledFixture('trainer', overrides);

const strip = (ms: EpochMetrics[]): Omit<EpochMetrics, 'seconds' | 'step_ms' | 'step_cpu_ms'>[] =>
  ms.map(({ seconds: _s, step_ms: _t, step_cpu_ms: _c, ...rest }) => rest);

describe('train: hardware-aware trainer', () => {
  it('a short run on crossbars (faults, noise, 8-bit ADC) lowers the loss and writes cells', async () => {
    const r = await train(trainer(), 't');
    assert.equal(r.epochs.length, 3);
    assert.ok(r.epochs[2]!.loss < r.epochs[0]!.loss, `loss ${r.epochs.map((e) => e.loss)}`);
    assert.ok(r.final.test_accuracy > 0.4, `accuracy ${r.final.test_accuracy}`);
    assert.ok(r.epochs.every((e) => e.writes > 0));
    assert.ok(r.epochs[2]!.total_writes > r.epochs[1]!.total_writes);
    assert.equal(r.final.worn_cells, 0);
  });

  it('same seed ⇒ identical metrics; another seed ⇒ different ones', async () => {
    const ir = trainer();
    const a = await train(ir, 'seeded');
    const b = await train(ir, 'seeded');
    const c = await train(ir, 'seeded', { seed: 8 });
    assert.deepEqual(strip(a.epochs), strip(b.epochs));
    assert.notDeepEqual(strip(a.epochs), strip(c.epochs));
  });

  it('the tensors a training holds do not grow from epoch to epoch, and it leaves none behind', async () => {
    // Each step's clipped weights once stayed alive as handles, one a crossbar layer (24 more an epoch for
    // cnn_all's 3 layers and 8 steps, the weights' data with them), and so did the initial weights and a
    // graph's labels. (Adam: tfjs's momentum optimizer keeps its learning-rate scalar past its dispose.)
    for (const [name, epochs] of [
      ['all_kinds', 3],
      ['sa1', 3],
    ] as const) {
      await initTf();
      const before = tf.memory().numTensors;
      const held: number[] = [];
      await train(trainer(), name, { epochs, onEpoch: () => held.push(tf.memory().numTensors) });
      assert.deepEqual(held, [held[0], held[0], held[0]], `${name}: ${held.join(', ')} tensors after each epoch`);
      assert.equal(tf.memory().numTensors, before, name);
    }
  });

  it('endurance: cells written past their endurance wear out and are counted', async () => {
    // The same chip with cells that survive 3 writes: the exploration's override of one device attribute.
    const r = await train(trainer([{ path: 'reram2b.endurance', value: 3 }]), 'twice');
    assert.ok(r.final.worn_cells > 0);
    assert.ok(r.epochs[1]!.worn_cells >= r.epochs[0]!.worn_cells);
    // A worn cell took endurance + 1 writes (the one that failed) and is never written again.
    assert.equal(r.final.max_cell_writes, 4);
  });

  it('GCN with DropLayer on crossbars learns a synthetic graph and reports the traffic kept', async () => {
    const r = await train(trainer(), 'g');
    assert.ok(r.final.test_accuracy > 0.5, `accuracy ${r.final.test_accuracy}`);
    assert.ok(r.final.val_accuracy !== null);
    assert.ok(r.final.traffic_fraction < 0.75 && r.final.traffic_fraction > 0.4, `traffic ${r.final.traffic_fraction}`);
    assert.ok(r.epochs[39]!.loss < r.epochs[0]!.loss);
  });

  it('GCN with Â on crossbars: ideal cells learn as with Â exact; stuck-at-one cells in Â cost accuracy', async () => {
    // xmap puts Â on crossbars in 64×64 blocks, empty blocks skipped. The language gives every gcn on crossbars
    // an adjacency policy (its weights' tile by default), so gmap's is dropped for the exact-Â baseline.
    const ir = trainer();
    ir.mappings.find((m) => m.name === 'gmap')!.adjacency = [];
    const [exact, ideal, sa1, sa1Exact] = [
      await train(ir, 'exact'),
      await train(ir, 'ideal'),
      await train(ir, 'sa1'),
      await train(ir, 'sa1_exact'),
    ];
    // 16-bit Â on ideal cells is Â to 1 part in 2^15: the same predictions up to a node or two.
    assert.ok(
      Math.abs(ideal.final.test_accuracy - exact.final.test_accuracy) <= 0.02,
      `${ideal.final.test_accuracy} vs ${exact.final.test_accuracy}`,
    );
    // The same weight-layer faults either way: what differs is Â's stuck cells (spurious edges).
    assert.ok(
      sa1.final.test_accuracy < sa1Exact.final.test_accuracy - 0.05,
      `stuck-at-one Â ${sa1.final.test_accuracy} vs Â exact ${sa1Exact.final.test_accuracy}`,
    );
  });

  it('checkpoints are written atomically and a run experiment evaluates them under faults', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pim-ckpt-'));
    try {
      const ir = trainer();
      const r = await train(ir, 'twice', { checkpoint: dir });
      assert.ok(r.checkpoint && existsSync(r.checkpoint));
      assert.deepEqual(readdirSync(dir), ['twice.ckpt.json']); // no temp files left behind
      assert.equal(JSON.parse(readFileSync(r.checkpoint, 'utf8')).epoch, 2);
      const same = await evaluate(ir, 'deploy', { checkpoint: dir });
      assert.equal(same.test_accuracy, r.final.test_accuracy);
      const broken = await evaluate(ir, 'deploy_faulty', { checkpoint: r.checkpoint });
      assert.ok(broken.stuck_cells > 0);
      assert.ok(broken.test_accuracy < same.test_accuracy, `${broken.test_accuracy} vs ${same.test_accuracy}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fine-tuning (init) starts from a checkpoint: with a zero learning rate it keeps the trained accuracy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pim-init-'));
    const out = mkdtempSync(join(tmpdir(), 'pim-init-'));
    try {
      const first = await train(trainer(), 'short', { checkpoint: dir });
      // The language states a learning rate > 0; a zero one (set on the compiled IR) keeps the weights as loaded.
      const frozen = trainer();
      frozen.experiments.find((e) => e.name === 'short')!.optimizer!.lr = 0;
      const tuned = await train(frozen, 'short', { init: dir, checkpoint: out });
      assert.equal(tuned.final.test_accuracy, first.final.test_accuracy);
      assert.deepEqual(
        JSON.parse(readFileSync(tuned.checkpoint!, 'utf8')).variables,
        JSON.parse(readFileSync(first.checkpoint!, 'utf8')).variables,
      );
      // Without init the same frozen run keeps its random weights.
      const fresh = await train(frozen, 'short');
      assert.ok(fresh.final.test_accuracy < first.final.test_accuracy - 0.2, `${fresh.final.test_accuracy}`);
      // A checkpoint of another model is refused with the tensor counts.
      const gcn = mkdtempSync(join(tmpdir(), 'pim-init-'));
      try {
        await train(trainer(), 'exact', { checkpoint: gcn, epochs: 1 });
        await assert.rejects(
          train(trainer(), 'short', { init: join(gcn, 'exact.ckpt.json') }),
          /exact\.ckpt\.json: tensor 0 has shape \[\d+,\d+\], the model needs \[9,4\]/,
        );
        await assert.rejects(train(trainer(), 'short', { init: gcn }), /no checkpoint of model 'cnn'/);
      } finally {
        rmSync(gcn, { recursive: true, force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('train() validates its IR like simulate: experiments: null and batch: 0 are rejected with their JSON paths', async () => {
    const ir = trainer();
    await assert.rejects(
      train({ ...ir, experiments: null } as unknown as IrProgram, 'short'),
      /invalid pim IR .*experiments/,
    );
    const zero = { ...ir, experiments: ir.experiments.map((e) => ({ ...e, batch: 0 })) };
    await assert.rejects(train(zero, 'short'), /invalid pim IR .*batch/);
  });

  it("weights outside the crossbar numerics' 2 to 24 bits: a TrainConfigError naming the limit, before any training", async () => {
    for (const bits of [1, 32]) {
      const ir = trainer();
      // IR from elsewhere: the compiler refuses this experiment (PIM5006).
      ir.mappings = ir.mappings.map((m) => (m.name === 'cnn_map' ? { ...m, weight_bits: bits } : m));
      await assert.rejects(
        train(ir, 'short'),
        (e: unknown) =>
          e instanceof TrainConfigError &&
          e.message.includes(`${bits}-bit weights`) &&
          e.message.includes('support 2 to 24 bits'),
      );
    }
  });

  it('a checkpoint is never replaced silently: train refuses without overwrite, keeps the file, replaces it with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pim-keep-'));
    try {
      const ir = trainer();
      const first = await train(ir, 'short', { checkpoint: dir });
      const before = readFileSync(first.checkpoint!, 'utf8');
      await assert.rejects(
        train(ir, 'short', { checkpoint: dir }),
        /already holds a checkpoint of epoch 1; pass --overwrite/,
      );
      assert.equal(readFileSync(first.checkpoint!, 'utf8'), before);
      await train(ir, 'short', { checkpoint: dir, overwrite: true, seed: 99 });
      assert.notEqual(readFileSync(first.checkpoint!, 'utf8'), before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('normalization placement keeps every / every other / no batchnorm layer (on the GPU partition)', async () => {
    // fixtures/trainer.pim's cnn_bn: conv, batchnorm, relu twice, then avgpool, flatten, linear, softmax.
    const ir = trainer();
    const dir = mkdtempSync(join(tmpdir(), 'pim-norm-'));
    try {
      const counts: number[] = [];
      for (const normalization of ['all', 'alternate', 'none'] as const) {
        const r = await train(ir, `norm_${normalization}`, { checkpoint: dir, overwrite: true });
        assert.ok(Number.isFinite(r.final.loss));
        counts.push(JSON.parse(readFileSync(r.checkpoint!, 'utf8')).variables.length);
      }
      // 3 weight layers × (w, b) + 2 per kept batchnorm.
      assert.deepEqual(counts, [10, 8, 6]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("accepts the compiler's attribute forms (kernel/stride/size pairs, 4-sided padding, eps, bias: false)", async () => {
    // fixtures/trainer.pim's cnn_forms, as the compiler writes it: pairs, 4-sided padding, eps, bias: false.
    const ir = trainer();
    const dir = mkdtempSync(join(tmpdir(), 'pim-attr-'));
    try {
      const r = await train(ir, 'forms', { checkpoint: dir });
      assert.ok(r.epochs[1]!.loss < r.epochs[0]!.loss);
      // c1.w, bn1 γ and β, f1.w, f1.b: no bias for c1.
      assert.equal(JSON.parse(readFileSync(r.checkpoint!, 'utf8')).variables.length, 5);
      // The language states padding as one number or [h, w], always symmetric; the IR's 4-sided form can
      // say more, and an uneven padding from elsewhere is refused.
      const bad = trainer();
      bad.models.find((m) => m.name === 'cnn_forms')!.layers[0]!.attributes['padding'] = [0, 1, 0, 1];
      await assert.rejects(train(bad, 'forms'), /layer 'c1': padding \[0,1,0,1\] is not supported/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every remaining layer kind trains: residual add, sigmoid, tanh, avgpool, dropout, softmax', async () => {
    const r = await train(trainer(), 'all_kinds');
    assert.ok(r.epochs[2]!.loss < r.epochs[0]!.loss, `loss ${r.epochs.map((e) => e.loss)}`);
    assert.ok(r.final.test_accuracy > 0.4, `accuracy ${r.final.test_accuracy}`);
    // The compiler rejects a residual from a layer that is not an earlier one; IR from elsewhere reaches the trainer's check.
    const bad = trainer();
    bad.models.find((m) => m.name === 'cnn_all')!.layers.find((l) => l.name === 'res')!.from = 'nowhere';
    await assert.rejects(train(bad, 'all_kinds'), /layer 'res': residual source 'nowhere' is not an earlier layer/);
  });

  it('a missing data file is a DataError naming it', async () => {
    const ir = heteroProgram();
    ir.datasets.find((d) => d.name === 'cora')!.path = join(tmpdir(), 'pim-no-such-dir', 'cora');
    await assert.rejects(
      train(ir, 'gcn_train'),
      (e: unknown) =>
        e instanceof DataError && e.message.includes(join(tmpdir(), 'pim-no-such-dir', 'cora', 'nodes.tsv')),
    );
  });

  it('pimc train/run commands: JSON metrics, checkpoint, clear errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pim-cli-'));
    try {
      // The commands take the first train and run experiments: the fixture's one-epoch run and its deployment.
      const ir = trainer();
      ir.experiments = ir.experiments.filter((e) => e.name === 'short' || e.name === 'deploy');
      const out: string[] = [];
      const err: string[] = [];
      const json = join(dir, 'm.json');
      assert.equal(
        await trainCommand(
          ir,
          { seed: 7, json, checkpoint: dir },
          (s) => out.push(s),
          (s) => err.push(s),
        ),
        0,
      );
      const m = JSON.parse(readFileSync(json, 'utf8'));
      assert.ok(m.final.test_accuracy >= 0 && m.final.test_accuracy <= 1);
      assert.equal(m.epochs.length, 1);
      assert.match(out[0]!, /^short: 1 epochs, loss [\d.]+, test accuracy [\d.]+%/);
      assert.match(err[0]!, /^short: epoch 1\/1 {2}loss [\d.]+ {2}acc [\d.]+% {2}ETA 0s$/);
      assert.equal(
        await runCommand(
          ir,
          { checkpoint: dir },
          (s) => out.push(s),
          (s) => err.push(s),
        ),
        0,
      );
      assert.match(out[out.length - 1]!, /^deploy: test accuracy [\d.]+%/);
      assert.equal(
        await trainCommand(
          ir,
          { train: 'nope' },
          (s) => out.push(s),
          (s) => err.push(s),
        ),
        1,
      );
      assert.match(err[err.length - 1]!, /no train experiment 'nope' in the IR \(known: short\)/);
      // --init: fine-tuning from the checkpoint just written, into another folder; a missing one is a clear error.
      const tuned = mkdtempSync(join(dir, 'tuned-'));
      const before = out.length;
      assert.equal(
        await trainCommand(
          ir,
          { seed: 7, checkpoint: tuned, init: dir },
          (s) => out.push(s),
          (s) => err.push(s),
        ),
        0,
      );
      assert.ok(
        out.slice(before).some((l) => /^short: 1 epochs, loss [\d.]+, test accuracy [\d.]+%/.test(l)),
        out.slice(before).join('\n'),
      );
      assert.ok(existsSync(join(tuned, 'short.ckpt.json')));
      assert.equal(
        await trainCommand(
          ir,
          { init: join(dir, 'missing') },
          (s) => out.push(s),
          (s) => err.push(s),
        ),
        1,
      );
      assert.match(err.at(-1)!, /^error: checkpoint '.*missing' does not exist$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** A log (not a TTY) or a terminal 200 columns wide, and what was written to it. */
  const sinkOf = (isTTY: boolean) => {
    const written: string[] = [];
    const out = { write: (s: string) => (written.push(s), true), isTTY, columns: 200 };
    return { written, out: out as unknown as NodeJS.WritableStream };
  };

  it('progress: plain lines when not a TTY, with epoch, loss, accuracy and ETA', () => {
    const log = sinkOf(false);
    new ProgressReporter(log.out, 'lenet').update({ epoch: 1, epochs: 4, loss: 0.5, accuracy: 0.875, elapsed: 10 });
    assert.deepEqual(log.written, ['lenet: epoch 1/4  loss 0.5000  acc 87.5%  ETA 30s\n']);
    const { written: tty, out: term } = sinkOf(true);
    new ProgressReporter(term, 'x').update({ epoch: 2, epochs: 4, loss: 1, elapsed: 60 });
    assert.match(tty[0]!, /^\rx \[#{12}-{12}\] epoch 2\/4 {2}loss 1\.0000 {2}ETA 1m00s/);
  });

  it('progress within an epoch: on a TTY, the bar advanced by steps at most four times a second; nothing in logs', () => {
    const log = sinkOf(false);
    new ProgressReporter(log.out, 'vgg').step({ epoch: 1, epochs: 2, step: 5, steps: 10, elapsed: 3 });
    assert.deepEqual(log.written, []);
    const { written: tty, out: term } = sinkOf(true);
    const p = new ProgressReporter(term, 'vgg');
    p.step({ epoch: 2, epochs: 2, step: 5, steps: 10, elapsed: 75 });
    p.step({ epoch: 2, epochs: 2, step: 6, steps: 10, elapsed: 75.1 });
    assert.equal(tty.length, 1, 'a second step within 250 ms is not drawn');
    assert.match(tty[0]!, /^\rvgg \[#{18}-{6}\] epoch 2\/2 {2}step 5\/10 {2}1m15s/);
  });
});

/**
 * A small MLP on 200 MNIST digits (non-negative pixels: unsigned inputs to the first layer) compiled from text: `parts` replace the activation, the mapping's
 * precisions, the data set's samples, the batch and the training's settings, to reach one behaviour each.
 */
function smallProgram(
  parts: { activation?: string; mapping?: string; samples?: number; train?: string; adc?: string; batch?: number } = {},
): IrProgram {
  return compiledText(`device cell { bits_per_cell: 2 }
architecture chip {
  tile t[2] { ima[2] { crossbar[4] { rows: 128, cols: 128, cell: cell }
    adc[4] { ${parts.adc ?? 'resolution: 8 bit'} } dac[512] { resolution: 1 bit } } }
}
dataset digits { source: builtin, set: "mnist", samples: ${parts.samples ?? 200} }
model mlp { input: tensor[1, 28, 28], flatten, linear h { out: 16 }, ${parts.activation ?? 'relu'}, linear out { out: 10 } }
mapping m { model: mlp, architecture: chip, ${parts.mapping ?? 'weights: fixed(8 bit), inputs: fixed(8 bit)'}, place linear on t }
train tr { mapping: m, dataset: digits, batch: ${parts.batch ?? 16}, seed: 1, ${parts.train ?? 'epochs: 1, optimizer: momentum { lr: 0.05, momentum: 0.9 }'} }
`);
}

/**
 * A 2-layer GCN on Planetoid Citeseer (3,327 nodes, 3,703 features), its weights on 128×128 crossbars and Â
 * on 16×16 ones in RCM order with empty blocks skipped (as samples/gnn-cora.pim maps Cora), one full-graph
 * step an epoch; `faults` goes into the training.
 */
function citeseerGcn(faults: string): IrProgram {
  // The data set's path is written relative to this file's folder in the IR: the training gets it as dataRoot.
  const file = '/citeseer/gcn.pim';
  const text = `device cell { bits_per_cell: 2, r_on: 100 kOhm, r_off: 1 MOhm }
architecture chip {
  weight_bits: 16 bit
  input_bits: 16 bit
  partition dense { tile w[16] { ima[8] { crossbar[8] { rows: 128, cols: 128, cell: cell }
    adc[8] { resolution: 8 bit } dac[1024] { resolution: 1 bit } } } }
  partition sparse { tile a[64] { ima[8] { crossbar[64] { rows: 16, cols: 16, cell: cell }
    adc[16] { resolution: 6 bit } dac[1024] { resolution: 1 bit } } } }
}
dataset citeseer { source: planetoid, set: "citeseer", path: ${JSON.stringify(resolve('data/citeseer'))} }
model gcn {
  input: graph { dataset: citeseer }
  dropout { rate: 0.5 }
  gcn g1 { out: 16 }
  relu
  dropout { rate: 0.5 }
  gcn g2 { out: 6 }
}
mapping m {
  model: gcn, architecture: chip, weights: fixed(16 bit)
  place gcn.weights on dense
  place gcn.adjacency on sparse { block: 16, skip_zero_blocks: true, reorder: rcm }
}
train tr { mapping: m, dataset: citeseer, epochs: 3, batch: 3327, seed: 1, optimizer: adam { lr: 0.01, weight_decay: 5e-4 } ${faults} }
`;
  return compiledText(text, { path: file });
}

describe('train: a Citeseer GCN with 3% stuck cells', () => {
  it("starts where the fault-free chip does and its loss falls: Â's stuck cells add edges of an edge's weight, in the mapped blocks only", async () => {
    // Â once took 8 cells of 16-bit fixed point an entry (a stuck top cell an edge of 1.5× Â's largest) in
    // the graph's own order (7,604 blocks, not RCM's 1,596): spurious edges were 19× Â's row sums and the
    // loss went 3.82, 10.9, 5.69 (the fault-free chip: 1.80, 1.79, 1.79).
    const warnings: string[] = [];
    const opts = { warn: (w: string) => warnings.push(w), dataRoot: '/citeseer' };
    const clean = await train(citeseerGcn(''), 'tr', opts);
    const faulty = await train(citeseerGcn('faults { stuck_at_zero: 1.5 %, stuck_at_one: 1.5 % }'), 'tr', opts);
    const losses = faulty.epochs.map((e) => e.loss);
    assert.ok(losses[0]! < 1.05 * clean.epochs[0]!.loss, `first loss ${losses[0]} vs ${clean.epochs[0]!.loss}`);
    assert.ok(
      losses.every((l, i) => i === 0 || l <= losses[i - 1]!),
      `losses ${losses.join(', ')}`,
    );
    assert.deepEqual(warnings, []);
  });
});

describe('train: a loss that runs away while finite is said to diverge', () => {
  const of = (losses: number[]) => losses.map((loss, i) => ({ epoch: i + 1, loss }) as EpochMetrics);
  it('more than doubling in each of two epochs in a row, to above where it began: a warning naming the losses', () => {
    assert.match(
      risingLoss('gcn', of([3.1364, 14.6992, 64.02]))!,
      /^training 'gcn' is diverging: its loss rose 3\.14, 14\.7, 64 over epochs 1–3; a lower learning rate/,
    );
    assert.ok(risingLoss('t', of([1, 0.5, 1.1, 2.5])), 'from a dip, once above the start');
  });
  it('a falling, flat or once-spiking loss, or one still below where it began: nothing', () => {
    for (const losses of [
      [3, 2, 1],
      [1, 1, 1],
      [1, 3, 2, 5],
      [2.3, 2.4, 2.5],
      [8, 0.1, 0.3, 0.7],
      [1, 2],
    ])
      assert.equal(risingLoss('t', of(losses)), undefined, losses.join(', '));
  });
});

describe('train: trainings that cannot give a meaningful result stop with an error', () => {
  it('a model with nothing to learn is a TrainConfigError, not an error of tfjs', async () => {
    // The compiler refuses such a training (PIM5007), so the IR is a valid one with its weight layer's kind
    // and weights taken away, as a library caller could hand over.
    const ir = smallProgram({ train: 'hardware: false, epochs: 1' });
    for (const m of ir.models)
      for (const l of m.layers) {
        if (l.weights === undefined) continue;
        delete l.weights;
        l.kind = 'relu';
      }
    await assert.rejects(train(ir, 'tr'), (e: unknown) => {
      assert.ok(e instanceof TrainConfigError, String(e));
      assert.match(e.message, /^training 'tr': model '\w+' has no layer with parameters to learn$/);
      return true;
    });
  });

  it('a loss that becomes NaN stops the training at that epoch: a TrainDivergedError, exit 1 from pimc train', async () => {
    // Ideal numerics and a learning rate of 1e30: the first update makes the logits overflow.
    const ir = smallProgram({ train: 'hardware: false, epochs: 2, optimizer: sgd { lr: 1e30 }' });
    await assert.rejects(train(ir, 'tr'), (e: unknown) => {
      assert.ok(e instanceof TrainDivergedError, String(e));
      assert.equal(e.epoch, 1);
      assert.ok(!Number.isFinite(e.loss));
      assert.match(
        e.message,
        /^experiment 'tr': training diverged in epoch 1 \(the loss became (NaN|-?Infinity) at step \d+\)/,
      );
      return true;
    });
    const out: string[] = [];
    const err: string[] = [];
    assert.equal(
      await trainCommand(
        ir,
        {},
        (s) => out.push(s),
        (s) => err.push(s),
      ),
      1,
    );
    assert.deepEqual(out, []);
    assert.match(err.at(-1)!, /^error: experiment 'tr': training diverged in epoch 1 \(the loss became /);
  });

  it('signed inputs (after a tanh) at 1 input bit are a TrainConfigError naming the layer, before any update', async () => {
    const ir = smallProgram({ activation: 'tanh', mapping: 'weights: fixed(8 bit), inputs: fixed(1 bit)' });
    await assert.rejects(train(ir, 'tr'), (e: unknown) => {
      assert.ok(e instanceof TrainConfigError, String(e));
      assert.match(e.message, /^layer 'out': its inputs are signed .* at least 2 input bits; the mapping gives 1/);
      return true;
    });
    // Unsigned inputs (after a ReLU) stream in one pass of 1 bit: they train.
    const relu = await train(smallProgram({ mapping: 'weights: fixed(8 bit), inputs: fixed(1 bit)' }), 'tr');
    assert.ok(Number.isFinite(relu.final.loss));
    // Two bits are the least a signed input can stream with.
    const two = smallProgram({ activation: 'tanh', mapping: 'weights: fixed(8 bit), inputs: fixed(2 bit)' });
    assert.ok(Number.isFinite((await train(two, 'tr')).final.loss));
  });

  it('a calibrated ADC whose every range is 0 (a percentile on the zero sums) is a TrainConfigError naming the layer', async () => {
    const calibrated = (pct: string) =>
      smallProgram({ adc: 'resolution: 4 bit', train: `epochs: 1, adc_range: calibrated, adc_percentile: ${pct}` });
    await assert.rejects(train(calibrated('5 %'), 'tr'), (e: unknown) => {
      assert.ok(e instanceof TrainConfigError, String(e));
      assert.match(e.message, /^layer '(h|out)': every calibrated ADC range is 0: at adc_percentile 5% /);
      return true;
    });
    const r = await train(calibrated('99.9 %'), 'tr');
    assert.ok(Object.values(r.adc_ranges!).every((ranges) => ranges.some((x) => x > 0)));
  });

  it("a data set's samples of 0 (IR from elsewhere: the compiler refuses it) is no split, not the whole of MNIST", async () => {
    const ir = smallProgram();
    ir.datasets[0]!.attributes['samples'] = 0;
    await assert.rejects(train(ir, 'tr'), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.match(e.message, /its train split has no samples/);
      return true;
    });
  });
});

describe('train: warnings at the start of a training that runs but not as the program suggests', () => {
  it('weights of 3 bits whose initial values all quantize to 0: a warning naming each layer and a clip', async () => {
    const seen: string[] = [];
    const r = await train(smallProgram({ mapping: 'weights: fixed(3 bit), inputs: fixed(8 bit)' }), 'tr', {
      warn: (m) => seen.push(m),
    });
    assert.deepEqual(seen, r.warnings);
    assert.equal(seen.length, 2, seen.join('\n'));
    assert.match(
      seen[0]!,
      /^layer 'h': 100\.0% of its initial weights quantize to 0 at 3-bit weights .* mitigate \{ clip: 0\.087 \}/,
    );
    assert.match(seen[1]!, /^layer 'out': 100\.0% of its initial weights quantize to 0 at 3-bit weights/);
    // pimc train: on stderr, and in the JSON with the rest of the result.
    const err: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'pim-warn-'));
    try {
      const json = join(dir, 'r.json');
      const ir = smallProgram({ mapping: 'weights: fixed(3 bit), inputs: fixed(8 bit)' });
      assert.equal(
        await trainCommand(
          ir,
          { json },
          () => {},
          (m) => err.push(m),
        ),
        0,
      );
      assert.ok(
        err.some((l) => l.startsWith("warning: layer 'h': 100.0% of its initial weights")),
        err.join('\n'),
      );
      assert.equal((JSON.parse(readFileSync(json, 'utf8')) as { warnings: string[] }).warnings.length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The clip narrows the range: the hidden layer's weights are no longer 0.
    const clipped = await train(
      smallProgram({
        mapping: 'weights: fixed(3 bit), inputs: fixed(8 bit)',
        train: 'epochs: 1, mitigate { clip: 0.087 }',
      }),
      'tr',
      { warn: () => {} },
    );
    assert.ok(!clipped.warnings?.some((w) => w.startsWith("layer 'h'")), String(clipped.warnings));
    // 8-bit weights: nothing to warn of, and no `warnings` in the result.
    assert.equal((await train(smallProgram(), 'tr')).warnings, undefined);
  });
});

describe('train: a batch larger than the training split', () => {
  it('warns with both numbers, and trains on the whole split as one batch', async () => {
    const seen: string[] = [];
    const r = await train(smallProgram({ batch: 100000 }), 'tr', { warn: (m) => seen.push(m) });
    assert.deepEqual(seen, [
      "batch 100000 is larger than the training split's 160 samples: every step takes the whole split as one batch of 160",
    ]);
    assert.deepEqual(r.warnings, seen);
    assert.ok(Number.isFinite(r.final.loss));
    // A batch the split holds: no warning.
    assert.equal((await train(smallProgram({ batch: 160 }), 'tr')).warnings, undefined);
  });
});

describe('train: accuracy of the approximate lossy path is said to be so', () => {
  it('a lossy calibrated ADC on the default path: the result and the summary say pimc run deploys exactly', async () => {
    const lossy = smallProgram({
      adc: 'resolution: 4 bit',
      train: 'epochs: 1, adc_range: calibrated, calibration_samples: 1',
    });
    const r = await train(lossy, 'tr');
    assert.deepEqual(r.approximate?.layers, ['h', 'out']);
    assert.match(
      r.approximate!.note,
      /^test accuracy of the approximate lossy path .* pimc run deploys the chip exactly/,
    );
    const out: string[] = [];
    assert.equal(
      await trainCommand(
        lossy,
        {},
        (s) => out.push(s),
        () => {},
      ),
      0,
    );
    assert.match(out[1]!, /^note: test accuracy of the approximate lossy path/);
    // Exact paths, or an ADC that loses nothing: no note.
    assert.equal((await train(lossy, 'tr', { path: 'auto' })).approximate, undefined);
    assert.equal((await train(smallProgram(), 'tr')).approximate, undefined);
  });
});
