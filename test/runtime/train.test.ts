import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IrDataset, IrProgram } from '@pim/compiler';
import {
  DataError,
  evaluate,
  ProgressReporter,
  runCommand,
  train,
  trainCommand,
  type EpochMetrics,
} from '@pim/runtime/train';
import * as B from './fixtures/ir-builders.js';

const BLOBS: IrDataset = {
  name: 'blobs',
  source: 'synthetic',
  kind: 'image',
  shape: [1, 12, 12],
  classes: 4,
  attributes: { train: 256, test: 128, seed: 1 },
};
const GRAPH: IrDataset = {
  name: 'sgraph',
  source: 'synthetic',
  kind: 'graph',
  shape: [60],
  classes: 4,
  attributes: { nodes: 400, features: 60, degree: 4, seed: 2 },
};

const CNN: B.LayerSpec[] = [
  { kind: 'conv', name: 'c1', out: 4, kernel: 3, padding: 1 },
  { kind: 'relu' },
  { kind: 'maxpool', size: 2 },
  { kind: 'flatten' },
  { kind: 'linear', name: 'f1', out: 4 },
];

function cnnProgram(
  exp: B.ExperimentSpec,
  layers = CNN,
  dev = B.device('reram2b', { bitsPerCell: 2 }),
  extra: IrProgram['experiments'] = [],
): IrProgram {
  const arch = B.architecture('isaac', { device: dev, adcBits: 8 });
  const m = B.model('cnn', { kind: 'tensor', shape: [1, 12, 12], classes: 4, dataset: 'blobs' }, layers);
  const map = B.mapping('cnn_map', m, arch);
  const e = B.experiment('t', 'cnn_map', 'blobs', { epochs: 3, batch: 32, seed: 7, ...exp });
  return B.program({
    devices: [dev],
    architectures: [arch],
    models: [m],
    datasets: [BLOBS],
    mappings: [map],
    experiments: [e, ...extra],
  });
}

const strip = (ms: EpochMetrics[]): Omit<EpochMetrics, 'seconds' | 'step_ms'>[] =>
  ms.map(({ seconds: _s, step_ms: _t, ...rest }) => rest);

describe('train: hardware-aware trainer', () => {
  it('a short run on crossbars (faults, noise, 8-bit ADC) lowers the loss and writes cells', async () => {
    const ir = cnnProgram({
      faults: { stuck_at_zero: 0.01, stuck_at_one: 0.005 },
      noise: { temperature_k: 300, frequency_hz: 5e8 },
    });
    const r = await train(ir, 't');
    assert.equal(r.epochs.length, 3);
    assert.ok(r.epochs[2]!.loss < r.epochs[0]!.loss, `loss ${r.epochs.map((e) => e.loss)}`);
    assert.ok(r.final.test_accuracy > 0.4, `accuracy ${r.final.test_accuracy}`);
    assert.ok(r.epochs.every((e) => e.writes > 0));
    assert.ok(r.epochs[2]!.total_writes > r.epochs[1]!.total_writes);
    assert.equal(r.final.worn_cells, 0);
  });

  it('same seed ⇒ identical metrics; another seed ⇒ different ones', async () => {
    const ir = cnnProgram({
      epochs: 2,
      faults: { stuck_at_zero: 0.01, stuck_at_one: 0.01 },
      noise: { temperature_k: 400, frequency_hz: 1e9 },
      mitigate: { noise_aware: true },
    });
    const a = await train(ir, 't');
    const b = await train(ir, 't');
    const c = await train(ir, 't', { seed: 8 });
    assert.deepEqual(strip(a.epochs), strip(b.epochs));
    assert.notDeepEqual(strip(a.epochs), strip(c.epochs));
  });

  it('endurance: cells written past their endurance wear out and are counted', async () => {
    const ir = cnnProgram({ epochs: 2 }, CNN, B.device('weak', { bitsPerCell: 2, endurance: 3 }));
    const r = await train(ir, 't');
    assert.ok(r.final.worn_cells > 0);
    assert.ok(r.epochs[1]!.worn_cells >= r.epochs[0]!.worn_cells);
    // A worn cell took endurance + 1 writes (the one that failed) and is never written again.
    assert.equal(r.final.max_cell_writes, 4);
  });

  it('GCN with DropLayer on crossbars learns a synthetic graph and reports the traffic kept', async () => {
    const dev = B.device('reram2b');
    const arch = B.architecture('isaac', { device: dev, adcBits: 8 });
    const m = B.model('gcn2', { kind: 'graph', dataset: 'sgraph', nodes: 400, features: 60, classes: 4 }, B.gcn2(4));
    const map = B.mapping('gmap', m, arch);
    const e = B.experiment('g', 'gmap', 'sgraph', {
      epochs: 40,
      seed: 3,
      optimizer: { name: 'adam', lr: 0.02, momentum: 0, weight_decay: 5e-4, beta1: 0.9, beta2: 0.999 },
      droplayer: { dropout: 0.3, dropedge: 0.3 },
    });
    const ir = B.program({
      devices: [dev],
      architectures: [arch],
      models: [m],
      datasets: [GRAPH],
      mappings: [map],
      experiments: [e],
    });
    const r = await train(ir, 'g');
    assert.ok(r.final.test_accuracy > 0.5, `accuracy ${r.final.test_accuracy}`);
    assert.ok(r.final.val_accuracy !== null);
    assert.ok(r.final.traffic_fraction < 0.75 && r.final.traffic_fraction > 0.4, `traffic ${r.final.traffic_fraction}`);
    assert.ok(r.epochs[39]!.loss < r.epochs[0]!.loss);
  });

  it('GCN with Â on crossbars: ideal cells learn as with Â exact; stuck-at-one cells in Â cost accuracy', async () => {
    const dev = B.device('reram2b');
    const arch = B.architecture('isaac', { device: dev, adcBits: 8 });
    const m = B.model('gcn2', { kind: 'graph', dataset: 'sgraph', nodes: 400, features: 60, classes: 4 }, B.gcn2(4));
    const plain = B.mapping('gmap', m, arch);
    const onXbar = {
      ...B.mapping('xmap', m, arch),
      adjacency: ['g1', 'g2'].map((layer) => ({
        layer,
        partition: 'dense',
        target: 'rtile',
        block: 64,
        skip_zero_blocks: true,
        reorder: 'none' as const,
      })),
    };
    const opt = { name: 'adam' as const, lr: 0.02, momentum: 0, weight_decay: 5e-4, beta1: 0.9, beta2: 0.999 };
    const exps = [
      B.experiment('exact', 'gmap', 'sgraph', { epochs: 30, seed: 3, optimizer: opt }),
      B.experiment('ideal', 'xmap', 'sgraph', { epochs: 30, seed: 3, optimizer: opt }),
      B.experiment('sa1', 'xmap', 'sgraph', {
        epochs: 30,
        seed: 3,
        optimizer: opt,
        faults: { stuck_at_zero: 0, stuck_at_one: 0.01 },
      }),
      B.experiment('sa1_exact', 'gmap', 'sgraph', {
        epochs: 30,
        seed: 3,
        optimizer: opt,
        faults: { stuck_at_zero: 0, stuck_at_one: 0.01 },
      }),
    ];
    const ir = B.program({
      devices: [dev],
      architectures: [arch],
      models: [m],
      datasets: [GRAPH],
      mappings: [plain, onXbar],
      experiments: exps,
    });
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
      const clean = B.experiment('deploy', 'cnn_map', 'blobs', { kind: 'run', seed: 7 });
      const faulty = B.experiment('deploy_faulty', 'cnn_map', 'blobs', {
        kind: 'run',
        seed: 7,
        faults: { stuck_at_zero: 0.25, stuck_at_one: 0.25 },
      });
      const ir = cnnProgram({ epochs: 2 }, CNN, undefined, [clean, faulty]);
      const r = await train(ir, 't', { checkpoint: dir });
      assert.ok(r.checkpoint && existsSync(r.checkpoint));
      assert.deepEqual(readdirSync(dir), ['t.ckpt.json']); // no temp files left behind
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

  it('train() validates its IR like simulate: experiments: null and batch: 0 are rejected with their JSON paths', async () => {
    const ir = cnnProgram({ epochs: 1 });
    await assert.rejects(
      train({ ...ir, experiments: null } as unknown as IrProgram, 't'),
      /invalid pim IR .*experiments/,
    );
    const zero = { ...ir, experiments: ir.experiments.map((e) => ({ ...e, batch: 0 })) };
    await assert.rejects(train(zero, 't'), /invalid pim IR .*batch/);
  });

  it('a checkpoint is never replaced silently: train refuses without overwrite, keeps the file, replaces it with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pim-keep-'));
    try {
      const ir = cnnProgram({ epochs: 1 });
      const first = await train(ir, 't', { checkpoint: dir });
      const before = readFileSync(first.checkpoint!, 'utf8');
      await assert.rejects(
        train(ir, 't', { checkpoint: dir }),
        /already holds a checkpoint of epoch 1; pass --overwrite/,
      );
      assert.equal(readFileSync(first.checkpoint!, 'utf8'), before);
      await train(ir, 't', { checkpoint: dir, overwrite: true, seed: 99 });
      assert.notEqual(readFileSync(first.checkpoint!, 'utf8'), before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('normalization placement keeps every / every other / no batchnorm layer (on the GPU partition)', async () => {
    const layers: B.LayerSpec[] = [
      { kind: 'conv', name: 'c1', out: 4, kernel: 3, padding: 1 },
      { kind: 'batchnorm', name: 'bn1' },
      { kind: 'relu' },
      { kind: 'conv', name: 'c2', out: 4, kernel: 3, padding: 1 },
      { kind: 'batchnorm', name: 'bn2' },
      { kind: 'relu' },
      { kind: 'avgpool', size: 2 },
      { kind: 'flatten' },
      { kind: 'linear', name: 'f1', out: 4 },
      { kind: 'softmax' },
    ];
    const dir = mkdtempSync(join(tmpdir(), 'pim-norm-'));
    try {
      const counts: number[] = [];
      for (const normalization of ['all', 'alternate', 'none'] as const) {
        const r = await train(cnnProgram({ epochs: 1, mitigate: { noise_aware: false, normalization } }, layers), 't', {
          checkpoint: dir,
          overwrite: true,
        });
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
    const layers: B.LayerSpec[] = [
      {
        kind: 'conv',
        name: 'c1',
        out: 4,
        kernel: [3, 3],
        padding: [1, 1, 1, 1],
        stride: [1, 1],
        groups: 1,
        bias: false,
      },
      { kind: 'batchnorm', name: 'bn1', eps: 1e-5, momentum: 0.1 },
      { kind: 'relu' },
      { kind: 'maxpool', size: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0] },
      { kind: 'flatten' },
      { kind: 'linear', name: 'f1', out: 4, bias: true },
    ];
    const dir = mkdtempSync(join(tmpdir(), 'pim-attr-'));
    try {
      const r = await train(cnnProgram({ epochs: 2 }, layers), 't', { checkpoint: dir });
      assert.ok(r.epochs[1]!.loss < r.epochs[0]!.loss);
      // c1.w, bn1 γ and β, f1.w, f1.b: no bias for c1.
      assert.equal(JSON.parse(readFileSync(r.checkpoint!, 'utf8')).variables.length, 5);
      const bad = cnnProgram({ epochs: 1 }, [
        { kind: 'conv', name: 'c1', out: 4, kernel: [3, 3], padding: [0, 1, 0, 1] },
        { kind: 'flatten' },
        { kind: 'linear', out: 4 },
      ]);
      await assert.rejects(train(bad, 't'), /layer 'c1': padding \[0,1,0,1\] is not supported/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every remaining layer kind trains: residual add, sigmoid, tanh, avgpool, dropout, softmax', async () => {
    const layers: B.LayerSpec[] = [
      { kind: 'conv', name: 'c1', out: 4, kernel: 3, padding: 1 },
      { kind: 'tanh', name: 't1' },
      { kind: 'conv', name: 'c2', out: 4, kernel: 3, padding: 1 },
      { kind: 'add', name: 'res', from: 't1' },
      { kind: 'sigmoid' },
      { kind: 'avgpool', size: 2 },
      { kind: 'dropout', rate: 0.2 },
      { kind: 'flatten' },
      { kind: 'linear', name: 'f1', out: 4 },
      { kind: 'softmax' },
    ];
    const r = await train(
      cnnProgram(
        { epochs: 3, optimizer: { name: 'adam', lr: 0.01, momentum: 0, weight_decay: 1e-4, beta1: 0.9, beta2: 0.999 } },
        layers,
      ),
      't',
    );
    assert.ok(r.epochs[2]!.loss < r.epochs[0]!.loss, `loss ${r.epochs.map((e) => e.loss)}`);
    assert.ok(r.final.test_accuracy > 0.4, `accuracy ${r.final.test_accuracy}`);
    const bad = cnnProgram({ epochs: 1 }, [
      { kind: 'flatten' },
      { kind: 'add', name: 'a', from: 'nowhere' },
      { kind: 'linear', out: 4 },
    ]);
    await assert.rejects(train(bad, 't'), /layer 'a': residual source 'nowhere' is not an earlier layer/);
  });

  it('a missing data file is a DataError naming it', async () => {
    const dev = B.device('reram2b');
    const arch = B.architecture('isaac', { device: dev });
    const m = B.model('gcn2', { kind: 'graph', dataset: 'nope', nodes: 1, features: 1, classes: 2 }, B.gcn2(2));
    const ds = B.planetoidDataset('nope', join(tmpdir(), 'pim-no-such-dir', 'cora'), 2, 1);
    const ir = B.program({
      devices: [dev],
      architectures: [arch],
      models: [m],
      datasets: [ds],
      mappings: [B.mapping('gm', m, arch)],
      experiments: [B.experiment('g', 'gm', 'nope')],
    });
    await assert.rejects(
      train(ir, 'g'),
      (e: unknown) =>
        e instanceof DataError && e.message.includes(join(tmpdir(), 'pim-no-such-dir', 'cora', 'nodes.tsv')),
    );
  });

  it('pimc train/run commands: JSON metrics, checkpoint, clear errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pim-cli-'));
    try {
      const ir = cnnProgram({ epochs: 1 }, CNN, undefined, [
        B.experiment('deploy', 'cnn_map', 'blobs', { kind: 'run', seed: 7 }),
      ]);
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
      assert.match(out[0]!, /^t: 1 epochs, loss [\d.]+, test accuracy [\d.]+%/);
      assert.match(err[0]!, /^t: epoch 1\/1 {2}loss [\d.]+ {2}acc [\d.]+% {2}ETA 0s$/);
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
        await runCommand(
          ir,
          {},
          (s) => out.push(s),
          (s) => err.push(s),
        ),
        1,
      );
      assert.match(err[err.length - 1]!, /--checkpoint DIR is required/);
      assert.equal(
        await trainCommand(
          ir,
          { train: 'nope' },
          (s) => out.push(s),
          (s) => err.push(s),
        ),
        1,
      );
      assert.match(err[err.length - 1]!, /no train experiment 'nope' in the IR \(known: t\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('progress: plain lines when not a TTY, with epoch, loss, accuracy and ETA', () => {
    const lines: string[] = [];
    const sink = { write: (s: string) => (lines.push(s), true), isTTY: false } as unknown as NodeJS.WritableStream;
    const p = new ProgressReporter(sink, 'lenet');
    p.update({ epoch: 1, epochs: 4, loss: 0.5, accuracy: 0.875, elapsed: 10 });
    assert.deepEqual(lines, ['lenet: epoch 1/4  loss 0.5000  acc 87.5%  ETA 30s\n']);
    const tty: string[] = [];
    const term = {
      write: (s: string) => (tty.push(s), true),
      isTTY: true,
      columns: 200,
    } as unknown as NodeJS.WritableStream;
    new ProgressReporter(term, 'x').update({ epoch: 2, epochs: 4, loss: 1, elapsed: 60 });
    assert.match(tty[0]!, /^\rx \[#{12}-{12}\] epoch 2\/4 {2}loss 1\.0000 {2}ETA 1m00s/);
  });
});
