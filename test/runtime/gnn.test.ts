import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { gnn, simulate, tileModel, SimError } from '@pim/runtime/sim';
import { compiledText, heteroProgram } from './fixtures/compiled.js';
import {
  AdjacencyCrossbar,
  initTf,
  layerHardware,
  loadPlanetoid,
  readoutPool,
  tf,
  train,
  TrainConfigError,
} from '@pim/runtime/train';
import { compile } from '@pim/compiler';

const {
  normalizedAdjacency,
  countBlocks,
  patternWithSelfLoops,
  reverseCuthillMcKee,
  inversePermutation,
  bandwidth,
  dropLayerTraffic,
  analyzeGraph,
  crossbarFigures,
} = gnn;

const CORA = resolve('data/cora');
const graph = (nodes: number, pairs: number[]) => ({ name: 'g', nodes, edges: Int32Array.from(pairs) });

describe('gnn: Â = D^-½ (A + I) D^-½', () => {
  it('a 3-node path, by hand', () => {
    // Degrees of A + I: 2, 3, 2. Â = [[1/2, 1/√6, 0], [1/√6, 1/3, 1/√6], [0, 1/√6, 1/2]].
    const a = normalizedAdjacency(graph(3, [0, 1, 1, 2]));
    assert.deepEqual([...a.rowPtr], [0, 2, 5, 7]);
    assert.deepEqual([...a.cols], [0, 1, 0, 1, 2, 1, 2]);
    const s6 = 1 / Math.sqrt(6);
    const want = [0.5, s6, s6, 1 / 3, s6, s6, 0.5];
    a.vals.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-15, `entry ${i}`));
  });

  it('rejects an edge outside the graph', () => {
    assert.throws(
      () => normalizedAdjacency(graph(3, [0, 5])),
      (e: unknown) => e instanceof SimError && /edge 0 \(0, 5\) names a node outside 0\.\.2/.test(e.message),
    );
  });

  it('Cora: 13,264 non-zeros; Â D^½ 1 = D^½ 1', () => {
    const g = loadPlanetoid(CORA);
    const a = normalizedAdjacency(g);
    assert.equal(a.rowPtr[g.nodes], 2 * 5278 + 2708);
    const sqrtD = new Float64Array(g.nodes);
    for (let i = 0; i < g.nodes; i++) sqrtD[i] = Math.sqrt(a.rowPtr[i + 1]! - a.rowPtr[i]!);
    for (let i = 0; i < g.nodes; i++) {
      let s = 0;
      for (let k = a.rowPtr[i]!; k < a.rowPtr[i + 1]!; k++) s += a.vals[k]! * sqrtD[a.cols[k]!]!;
      assert.ok(Math.abs(s - sqrtD[i]!) < 1e-9, `row ${i}`);
    }
  });
});

describe('gnn: blocks', () => {
  // 8 nodes, edges 0–7, 1–2, 4–5 (plus self loops).
  const g8 = graph(8, [0, 7, 1, 2, 4, 5]);
  const p8 = patternWithSelfLoops(g8);
  it('counts non-zero b×b blocks and the input rows each needs, by hand', () => {
    // b = 4: diagonal blocks (self loops) + (0,7) in block (0,1) + (7,0) in block (1,0) = 4 of 4.
    // Rows needed: 4 + 4 (self loops cover every column of the diagonal blocks) + 1 + 1 = 10.
    assert.deepEqual(countBlocks(8, p8.rowPtr, p8.cols, 4), {
      block: 4,
      grid: 2,
      nnz: 14,
      nonzero_blocks: 4,
      rows_needed: 10,
    });
    // b = 2: 4 diagonal + (0,7)/(7,0) → 2 + (1,2)/(2,1) → blocks (0,1),(1,0) → 2; (4,5) stays in block (2,2): 8 of 16.
    assert.equal(countBlocks(8, p8.rowPtr, p8.cols, 2).nonzero_blocks, 8);
  });

  it('a permutation moves non-zeros between blocks', () => {
    // Put 7 next to 0: pos swaps 1 and 7.
    const pos = Int32Array.from([0, 7, 2, 3, 4, 5, 6, 1]);
    // Now 0–1 (old 0–7) lies in diagonal block (0,0); old 1–2 becomes 7–2: blocks (1,0),(0,1). Still 4 at b=4, but at b=2 …
    const c = countBlocks(8, p8.rowPtr, p8.cols, 2, pos);
    // diagonal 4 + (7,2)/(2,7) → blocks (3,1),(1,3) → 2; (0,1) inside (0,0); (4,5) inside (2,2): 6.
    assert.equal(c.nonzero_blocks, 6);
  });

  it('agrees with a direct count on Cora for every block size', () => {
    const g = loadPlanetoid(CORA);
    const p = patternWithSelfLoops(g);
    for (const b of [4, 16, 128]) {
      const keys = new Set<number>();
      for (let i = 0; i < g.nodes; i++)
        for (let k = p.rowPtr[i]!; k < p.rowPtr[i + 1]!; k++)
          keys.add(Math.floor(i / b) * 10000 + Math.floor(p.cols[k]! / b));
      assert.equal(countBlocks(g.nodes, p.rowPtr, p.cols, b).nonzero_blocks, keys.size, `b = ${b}`);
    }
  });
});

describe('gnn: reverse Cuthill–McKee', () => {
  it('recovers bandwidth 1 for a scrambled path', () => {
    // Path 3–0–5–1–4–2 (labels scrambled).
    const g = graph(6, [3, 0, 0, 5, 5, 1, 1, 4, 4, 2]);
    const p = patternWithSelfLoops(g);
    assert.equal(bandwidth(6, p.rowPtr, p.cols), 5); // |3 − 2| … the worst edge is 5–0
    const order = reverseCuthillMcKee(6, p.rowPtr, p.cols);
    assert.deepEqual([...order].sort(), [0, 1, 2, 3, 4, 5]);
    assert.equal(bandwidth(6, p.rowPtr, p.cols, inversePermutation(order)), 1);
    // Starts from a lowest-degree end (2 or 3; ties by index → 2), and RCM reverses: 2 comes last.
    assert.deepEqual([...order], [3, 0, 5, 1, 4, 2]);
  });

  it('handles disconnected components and isolated nodes', () => {
    const g = graph(5, [0, 4, 1, 3]);
    const p = patternWithSelfLoops(g);
    const order = reverseCuthillMcKee(5, p.rowPtr, p.cols);
    assert.deepEqual([...order].sort(), [0, 1, 2, 3, 4]);
    assert.equal(bandwidth(5, p.rowPtr, p.cols, inversePermutation(order)), 1);
  });

  it('packs Cora into fewer blocks at every size', () => {
    const g = loadPlanetoid(CORA);
    const p = patternWithSelfLoops(g);
    const pos = inversePermutation(reverseCuthillMcKee(g.nodes, p.rowPtr, p.cols));
    assert.ok(bandwidth(g.nodes, p.rowPtr, p.cols, pos) < bandwidth(g.nodes, p.rowPtr, p.cols) / 2);
    for (const b of [4, 8, 16, 32, 64, 128]) {
      const nat = countBlocks(g.nodes, p.rowPtr, p.cols, b).nonzero_blocks;
      const rcm = countBlocks(g.nodes, p.rowPtr, p.cols, b, pos).nonzero_blocks;
      assert.ok(rcm < nat, `b=${b}: RCM ${rcm} vs natural ${nat}`);
    }
  });
});

describe('gnn: sparse partition sweep (the block-size trade-off)', () => {
  const arch = heteroProgram().architectures[0]!;
  const stile = tileModel(
    arch,
    arch.tile_types.find((t) => t.name === 'stile')!,
    [],
  );

  it('scales one crossbar’s figures from the tile’s design', () => {
    // The 16×16 tile itself: figures at b = 16 are the tile's crossbar plus its peripherals' share.
    const f = crossbarFigures(stile, 16);
    assert.ok(Math.abs(f.array_area_m2 - stile.tt.crossbar!.area_m2) < 1e-25);
    assert.equal(f.adc_bits, 8);
    // b = 32 needs one more ADC bit for an exact column sum (⌈log2(32·3·1+1)⌉ = 7 vs 6 at 16): ADC area × 2.
    const g = crossbarFigures(stile, 32);
    assert.equal(g.adc_bits, 9);
    assert.ok(Math.abs(g.array_area_m2 - 4 * f.array_area_m2) < 1e-25);
  });

  it('on Cora: blocks fall and utilization falls as b grows; peripherals dominate the area', () => {
    const g = loadPlanetoid(CORA);
    const r = analyzeGraph(g, { sweepTile: stile, policies: [], valueBits: 16 });
    assert.deepEqual(
      r.sweep.map((w) => w.block),
      [4, 8, 16, 32, 64, 128],
    );
    for (let i = 1; i < r.sweep.length; i++) {
      assert.ok(r.sweep[i]!.nonzero_blocks < r.sweep[i - 1]!.nonzero_blocks);
      assert.ok(r.sweep[i]!.utilization < r.sweep[i - 1]!.utilization);
      // Larger crossbars carry less peripheral per cell.
      assert.ok(r.sweep[i]!.peripheral_to_array < r.sweep[i - 1]!.peripheral_to_array);
    }
    for (const w of r.sweep) assert.ok(w.peripheral_area_m2 > 10 * w.array_area_m2, `b=${w.block}: peripheral ≫ array`);
    // Utilization = non-zeros / (blocks × b²).
    const w16 = r.sweep[2]!;
    assert.ok(Math.abs(w16.utilization - 13264 / (w16.nonzero_blocks * 256)) < 1e-15);
  });
});

describe('gnn: DropLayer traffic', () => {
  const g = graph(8, [0, 7, 1, 2, 4, 5]);
  const base = { block: 4, features: 10, valueBits: 16, seed: 3 };
  it('no dropping: no reduction', () => {
    const d = dropLayerTraffic(g, { ...base, dropout: 0, dropedge: 0 });
    assert.equal(d.base_bits, 10 * 10 * 16); // 10 rows needed (see blocks) × 10 features × 16 bits
    assert.equal(d.reduction, 1);
  });
  it('dropout p sends (1 − p) of the values', () => {
    assert.equal(dropLayerTraffic(g, { ...base, dropout: 0.5, dropedge: 0 }).reduction, 2);
  });
  it('DropEdge 1 leaves only self loops: one row per node', () => {
    const d = dropLayerTraffic(g, { ...base, dropout: 0, dropedge: 1 });
    assert.equal(d.edges_kept, 0);
    assert.equal(d.dropedge_bits, 8 * 10 * 16);
  });
  it('is seeded', () => {
    const c = loadPlanetoid(CORA);
    const a = dropLayerTraffic(c, { ...base, dropout: 0.5, dropedge: 0.3 });
    const b = dropLayerTraffic(c, { ...base, dropout: 0.5, dropedge: 0.3 });
    assert.deepEqual(a, b);
    assert.ok(a.edges_kept > 0.65 * 5278 && a.edges_kept < 0.75 * 5278);
    assert.ok(a.reduction > 2);
  });
});

describe('gnn: GCN on the heterogeneous chip (real Cora)', () => {
  it('adjacency on the sparse tier, dense weights on the dense tier, RCM and skipping per the mapping', () => {
    const r = simulate(heteroProgram(), { mapping: 'gcn_on_hetero' });
    const gr = r.gnn!;
    assert.equal(gr.graph.nodes, 2708);
    const plan = gr.layers.find((l) => l.layer === 'g1')!;
    const row16 = gr.sweep.find((w) => w.block === 16)!;
    assert.equal(plan.blocks, row16.nonzero_blocks_rcm); // skip_zero_blocks with RCM
    assert.equal(plan.crossbars, plan.blocks); // 16×16 blocks on 16×16 crossbars, binary A + I
    assert.equal(plan.tiles, Math.ceil(plan.crossbars / 512));
    const agg = r.layers.find((l) => l.name === 'g1.aggregate')!;
    assert.equal(agg.partition, 'sparse');
    assert.equal(r.layers.find((l) => l.name === 'g1')!.partition, 'dense');
    // 16 features: 16 MVMs on every block's crossbar, all in parallel.
    assert.ok(Math.abs(agg.time_s - 16 * agg.mvm_s) < 1e-15);
    assert.equal(gr.droplayer.length, 2);
    // DropLayer's bits on the NoC: energy scales with the bits the V→E flow keeps.
    const d = gr.droplayer[0]!;
    assert.ok(d.noc && d.noc.energy_j > 0);
    assert.ok(Math.abs(d.noc.energy_dropped_j - (d.noc.energy_j * d.both_bits) / d.base_bits) < 1e-12 * d.noc.energy_j);
    assert.ok(d.noc.latency_dropped_s < d.noc.latency_s);
    // Training with DropLayer: its forward and backward NoC energy use the thinned V→E flows.
    const t = r.training.find((x) => x.experiment === 'gcn_train')!;
    const saved = gr.droplayer.reduce((s, x) => s + x.noc!.energy_j - x.noc!.energy_dropped_j, 0);
    assert.ok(Math.abs(t.per_sample.noc_j - 2 * (r.energy.noc_j - saved)) < 1e-12 * r.energy.noc_j);
  });

  it("the trainer's chip holds Â as the simulator costs it: the mapping's blocks in its order (RCM), one cell per entry", () => {
    // samples/gnn-cora.pim: Â on 16×16 crossbars, 16×16 blocks in RCM order, empty blocks skipped.
    const sample = resolve('samples/gnn-cora.pim');
    const ir = compile(sample).ir!;
    const plan = simulate(ir, { mapping: 'gcn_on_hetero', dataRoot: dirname(sample) }).gnn!.layers.find(
      (l) => l.layer === 'g1',
    )!;
    assert.equal(plan.crossbars, plan.blocks); // 16×16 blocks of binary A + I on 16×16 crossbars
    const exp = ir.experiments.find((e) => e.name === 'gcn_crossbar_droplayer')!;
    const params = layerHardware(ir, exp).layers.find((l) => l.adjacency)!.adjacency!;
    assert.equal(params.reorder, 'rcm');
    const a = normalizedAdjacency(loadPlanetoid(CORA));
    const adj = { ...a, vals: Float32Array.from(a.vals) };
    // 1% of the cells stuck at G_on: the spurious edges are 1% of the zero places of the blocks the chip stores
    // (the 2,774 of Cora in RCM order; the graph's own order would store 7,432).
    const sa1 = 0.01;
    const xa = new AdjacencyCrossbar(adj, { ...params, stuckAtZero: 0, stuckAtOne: sa1 }, 1);
    assert.equal(xa.storedBlocks, plan.blocks);
    const nnz = a.rowPtr[a.n]!;
    const spurious = xa.cells.vals.length - nnz;
    const expected = (plan.blocks * 16 * 16 - nnz) * sa1;
    assert.ok(
      Math.abs(spurious - expected) < 5 * Math.sqrt(expected),
      `${spurious} spurious edges, expected ${expected}`,
    );
    assert.ok(
      xa.cells.vals.every((v) => v === 1),
      'every cell holds one edge (healthy, or stuck at G_on)',
    );
  });

  it('a graph that does not match the model is rejected', () => {
    assert.throws(
      () => simulate(heteroProgram(), { mapping: 'gcn_on_hetero', graph: graph(5, [0, 1]) }),
      (e: unknown) => e instanceof SimError && /declares 2708 nodes but the graph 'g' has 5/.test(e.message),
    );
  });

  it('training refuses a graph the model does not declare, before making its features dense', async () => {
    const ir = heteroProgram();
    const citeseer = loadPlanetoid(resolve('data/citeseer'));
    await assert.rejects(
      train(ir, 'gcn_train', { data: { kind: 'graph', graph: citeseer }, epochs: 1 }),
      /model 'gcn2' declares 2708 nodes, but the graph 'citeseer' of dataset 'cora' has 3327/,
    );
    const cora = loadPlanetoid(CORA);
    await assert.rejects(
      train(ir, 'gcn_train', { data: { kind: 'graph', graph: { ...cora, features: 3_000_001 } }, epochs: 1 }),
      /declares 1433 features, but the graph 'cora' of dataset 'cora' has 3000001/,
    );
    await assert.rejects(
      train(ir, 'gcn_train', { data: { kind: 'graph', graph: { ...cora, classes: 100 } }, epochs: 1 }),
      /declares 7 classes, but the graph 'cora' of dataset 'cora' has labels up to 99/,
    );
  });

  it('a missing data folder names the path', () => {
    const ir = heteroProgram();
    ir.datasets.find((d) => d.name === 'cora')!.path = 'no/such/cora';
    assert.throws(() => simulate(ir, { mapping: 'gcn_on_hetero' }), /no\/such\/cora\/nodes\.tsv: file not found/);
  });
});

describe('gnn: readout pooling in the trainer', () => {
  before(() => initTf('wasm'));

  it("pools the nodes by the layer's op: mean (the default), sum, max; another op is a TrainConfigError", () => {
    const text = `dataset g { source: synthetic, nodes: 3, features: 2, classes: 2 }
${['mean', 'sum', 'max', ''].map((op, i) => `model m${i} { input: graph { dataset: g }, gcn a { out: 2 }, readout${op ? ` { op: ${op} }` : ''} }`).join('\n')}
`;
    const ir = compiledText(text);
    const readout = (i: number) => ir.models[i]!.layers.find((l) => l.kind === 'readout')!;
    const x = tf.tensor2d([1, -4, 3, 2, -1, 5], [3, 2]);
    const pooled = (i: number) => Array.from(readoutPool(readout(i))(x).dataSync());
    assert.deepEqual(pooled(0), [1, 1]);
    assert.deepEqual(pooled(1), [3, 3]);
    assert.deepEqual(pooled(2), [3, 5]);
    assert.deepEqual(pooled(3), [1, 1]);
    assert.throws(
      () => readoutPool({ ...readout(1), attributes: { op: 'median' } }),
      (e: unknown) => e instanceof TrainConfigError && /readout op "median"/.test((e as Error).message),
    );
  });
});
