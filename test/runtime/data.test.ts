import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DataError,
  loadExperimentData,
  loadMnist,
  loadPlanetoid,
  syntheticGraph,
  syntheticSet,
} from '@pim/runtime/train';
import { compiledText } from './fixtures/compiled.js';

const CORA = resolve('data/cora');

describe('data: Planetoid', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pim-data-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (nodes: string, edges: string): string => {
    const d = join(dir, 'g');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'nodes.tsv'), nodes);
    writeFileSync(join(d, 'edges.tsv'), edges);
    return d;
  };
  const HEADER = '# node\tlabel\tsplit\tfeature_indices (binary bag-of-words; 5 features)\n';

  it('loads real Cora with the standard split', function () {
    if (!existsSync(CORA)) this.skip();
    const g = loadPlanetoid(CORA);
    assert.equal(g.name, 'cora');
    assert.deepEqual([g.nodes, g.features, g.classes, g.edges.length / 2], [2708, 1433, 7, 5278]);
    const counts = [0, 0, 0, 0];
    g.split.forEach((s) => counts[s]!++);
    assert.deepEqual(counts.slice(1), [140, 500, 1000]);
    for (let e = 0; e < g.edges.length; e += 2) assert.ok(g.edges[e]! < g.edges[e + 1]!);
  });

  it('parses a small graph into CSR features and edge pairs', () => {
    const d = write(HEADER + '0\t1\ttrain\t0,3\n1\t0\tval\t\n2\t-1\tnone\t4\n', '# a\tb\n0\t1\n1\t2\n');
    const g = loadPlanetoid(d);
    assert.equal(g.name, 'g');
    assert.deepEqual(Array.from(g.labels), [1, 0, -1]);
    assert.deepEqual(Array.from(g.split), [1, 2, 0]);
    assert.deepEqual(Array.from(g.featRowPtr), [0, 2, 2, 3]);
    assert.deepEqual(Array.from(g.featCols), [0, 3, 4]);
    assert.deepEqual(Array.from(g.edges), [0, 1, 1, 2]);
    assert.equal(g.features, 5);
    assert.equal(g.classes, 2);
  });

  const bad: [string, string, string, RegExp][] = [
    ['bad split', HEADER + '0\t1\tsometimes\t0\n', '', /nodes\.tsv:2: bad split 'sometimes'/],
    ['wrong field count', HEADER + '0\t1\ttrain\n', '', /nodes\.tsv:2: expected 4 tab-separated fields/],
    ['out-of-order node', HEADER + '0\t1\ttrain\t0\n5\t1\ttrain\t0\n', '', /nodes\.tsv:3: expected node 1/],
    ['bad feature index', HEADER + '0\t1\ttrain\t0,x\n', '', /nodes\.tsv:2: bad feature index 'x'/],
    ['feature past header count', HEADER + '0\t1\ttrain\t9\n', '', /feature index 9/],
    [
      'edge out of range',
      HEADER + '0\t1\ttrain\t0\n1\t0\ttest\t1\n',
      '# e\n0\t7\n',
      /edges\.tsv:2: node 7 out of range/,
    ],
    ['edge not a<b', HEADER + '0\t1\ttrain\t0\n1\t0\ttest\t1\n', '# e\n1\t0\n', /edges\.tsv:2: expected a < b/],
    [
      'labelled split without label',
      HEADER + '0\t-1\ttrain\t0\n',
      '',
      /nodes\.tsv:2: node in split 'train' has no label/,
    ],
  ];
  for (const [what, nodes, edges, re] of bad) {
    it(`malformed input (${what}) → DataError naming file:line`, () => {
      const d = write(nodes, edges);
      assert.throws(
        () => loadPlanetoid(d),
        (e: unknown) => e instanceof DataError && re.test(e.message) && e.message.includes(d),
      );
    });
  }

  it('missing file → DataError naming the path', () => {
    const d = join(dir, 'nowhere');
    assert.throws(
      () => loadPlanetoid(d),
      (e: unknown) => e instanceof DataError && e.message.includes(join(d, 'nodes.tsv')) && /not found/.test(e.message),
    );
  });

  it('synthetic graph: seeded, homophilous, with a standard-looking split', () => {
    const a = syntheticGraph({ nodes: 400, features: 60, classes: 4, avgDegree: 4, seed: 3 });
    const b = syntheticGraph({ nodes: 400, features: 60, classes: 4, avgDegree: 4, seed: 3 });
    const c = syntheticGraph({ nodes: 400, features: 60, classes: 4, avgDegree: 4, seed: 4 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.edges, c.edges);
    assert.equal(a.edges.length / 2, 800);
    let same = 0;
    for (let e = 0; e < a.edges.length; e += 2) if (a.labels[a.edges[e]!] === a.labels[a.edges[e + 1]!]) same++;
    const homophily = same / (a.edges.length / 2);
    assert.ok(homophily > 0.7 && homophily < 0.95, `homophily ${homophily}`);
    const train = Array.from(a.split).filter((s) => s === 1).length;
    assert.equal(train, 80);
  });
});

describe('data: MNIST and synthetic sets', () => {
  it('MNIST: a fixed seeded 8000/2000 split of [N,1,28,28] digits in [0,1]', () => {
    const a = loadMnist({ trainLimit: 500, testLimit: 300 });
    const b = loadMnist({ trainLimit: 500, testLimit: 300 });
    assert.deepEqual(a.sampleShape, [1, 28, 28]);
    assert.equal(a.train.n, 500);
    assert.equal(a.test.x.length, 300 * 784);
    assert.deepEqual(a.test.y, b.test.y);
    assert.deepEqual(a.train.x.subarray(0, 784 * 3), b.train.x.subarray(0, 784 * 3));
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of a.train.x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    assert.ok(lo >= 0 && hi <= 1 && hi > 0.9);
    const classes = new Set(a.test.y);
    assert.equal(classes.size, 10);
    const full = loadMnist();
    assert.equal(full.train.n + full.test.n, 10000);
  });

  it('synthetic image/vector sets are seeded and class-balanced', () => {
    const a = syntheticSet({ shape: [2, 8, 8], classes: 3, train: 90, test: 30, seed: 5 });
    const b = syntheticSet({ shape: [2, 8, 8], classes: 3, train: 90, test: 30, seed: 5 });
    const c = syntheticSet({ shape: [2, 8, 8], classes: 3, train: 90, test: 30, seed: 6 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.train.x, c.train.x);
    assert.equal(a.kind, 'image');
    assert.equal(a.train.x.length, 90 * 128);
    for (let k = 0; k < 3; k++) assert.equal(Array.from(a.train.y).filter((y) => y === k).length, 30);
    assert.equal(syntheticSet({ shape: [10], classes: 2, train: 4, test: 2, seed: 1 }).kind, 'vector');
    assert.throws(() => syntheticSet({ shape: [0], classes: 2, train: 4, test: 2, seed: 1 }), RangeError);
  });
});

describe('data: a synthetic graph as the program states it', () => {
  it("the trainer's graph has the edges the data set states (the simulator's degree), else a mean degree of 4", () => {
    const edgesOf = (edges: string): number => {
      const ir = compiledText(`device d { bits_per_cell: 2 }
architecture chip { tile t[4] { ima[2] { crossbar[8] { rows: 64, cols: 64, cell: d } } } }
dataset sg { source: synthetic, nodes: 200, features: 20, classes: 4, seed: 3${edges} }
model m { input: graph { dataset: sg }, gcn g1 { out: 8 }, relu, gcn g2 { out: 4 } }
mapping mp { model: m, architecture: chip, place gcn.weights on t, place gcn.adjacency on t }
train tr { mapping: mp, dataset: sg, epochs: 1 }
`);
      const data = loadExperimentData(
        ir,
        ir.experiments.find((e) => e.name === 'tr')!,
      );
      assert.equal(data.kind, 'graph');
      return data.kind === 'graph' ? data.graph.edges.length / 2 : NaN;
    };
    assert.equal(edgesOf(', edges: 600'), 600);
    assert.equal(edgesOf(''), 400);
  });
});
