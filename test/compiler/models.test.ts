import assert from 'node:assert/strict';
import fc from 'fast-check';
import { catalogue, type Diagnostic } from '@pim/grammar';
import type { IrLayer, IrModel } from '@pim/compiler';
import { models } from './passes.js';
import { CORA, gcn2, lenet5, residual, SpecBuilder, vgg16, type LayerDef } from './fixtures.js';
import type { LayerSpec, ModelInputSpec, ModelSpec, RepeatSpec } from '../../compiler/src/passes/models.js';

const { inferModel, inferModelDetailed } = models;

function infer(spec: ModelSpec): { model: IrModel; ds: Diagnostic[] } {
  const ds: Diagnostic[] = [];
  const model = inferModel(spec, (d) => ds.push(d));
  return { model, ds };
}

function layer(m: IrModel, name: string): IrLayer {
  const l = m.layers.find((x) => x.name === name);
  assert.ok(l, `no layer ${name} in ${m.layers.map((x) => x.name).join(', ')}`);
  return l;
}

/** The LayerSpec written at position `i` of the model body (top level, no repeats). */
function specAt(spec: ModelSpec, i: number): LayerSpec {
  const item = spec.body[i];
  assert.ok(item && item.kind !== 'repeat');
  return item as LayerSpec;
}

const IMAGE: ModelInputSpec = { kind: 'tensor', shape: [1, 28, 28] };
const one = (defs: LayerDef[], input: ModelInputSpec | undefined = IMAGE): ModelSpec =>
  new SpecBuilder().model('m', input, defs);

describe('compiler: models pass', () => {
  describe('LeNet-5', () => {
    const { model, ds } = infer(lenet5());

    it('infers every shape without diagnostics', () => {
      assert.deepEqual(ds, []);
      assert.deepEqual(
        model.layers.map((l) => [l.name, l.output_shape]),
        [
          ['c1', [6, 28, 28]], // (28 + 2·2 − 5)/1 + 1 = 28
          ['relu_1', [6, 28, 28]],
          ['maxpool_2', [6, 14, 14]],
          ['c2', [16, 10, 10]], // 14 − 5 + 1 = 10
          ['relu_4', [16, 10, 10]],
          ['maxpool_5', [16, 5, 5]],
          ['flatten_6', [400]],
          ['f1', [120]],
          ['relu_8', [120]],
          ['f2', [84]],
          ['relu_10', [84]],
          ['f3', [10]],
        ],
      );
      assert.deepEqual(model.output_shape, [10]);
      assert.deepEqual(layer(model, 'c2').input_shape, [6, 14, 14]);
    });

    it('counts MACs, parameters, weights and MVMs per layer by hand arithmetic', () => {
      // c1: Cout·Hout·Wout·Cin·k·k = 6·28·28·1·25 = 117,600; params 6·1·25 + 6 = 156; K = 1·5·5, N = 6.
      assert.deepEqual(pick(layer(model, 'c1')), {
        macs: 117_600,
        params: 156,
        weights: { rows: 25, cols: 6 },
        mvms: 784,
      });
      // c2: 16·10·10·6·25 = 240,000; params 16·150 + 16 = 2,416; K = 6·25 = 150.
      assert.deepEqual(pick(layer(model, 'c2')), {
        macs: 240_000,
        params: 2_416,
        weights: { rows: 150, cols: 16 },
        mvms: 100,
      });
      // f1: 400·120 = 48,000; params 48,000 + 120.
      assert.deepEqual(pick(layer(model, 'f1')), {
        macs: 48_000,
        params: 48_120,
        weights: { rows: 400, cols: 120 },
        mvms: 1,
      });
      // f2: 120·84 = 10,080 (+84); f3: 84·10 = 840 (+10).
      assert.deepEqual(pick(layer(model, 'f2')), {
        macs: 10_080,
        params: 10_164,
        weights: { rows: 120, cols: 84 },
        mvms: 1,
      });
      assert.deepEqual(pick(layer(model, 'f3')), { macs: 840, params: 850, weights: { rows: 84, cols: 10 }, mvms: 1 });
      for (const l of model.layers.filter((x) => !['conv', 'linear'].includes(x.kind))) {
        assert.equal(l.macs, 0, l.name);
        assert.equal(l.params, 0, l.name);
        assert.equal(l.weights, undefined, l.name);
      }
      // 117,600 + 240,000 + 48,000 + 10,080 + 840; 156 + 2,416 + 48,120 + 10,164 + 850.
      assert.deepEqual(model.totals, { macs: 416_520, params: 61_706, weight_layers: 5 });
    });

    it('records normalized attributes for the runtime', () => {
      assert.deepEqual(layer(model, 'c1').attributes, {
        groups: 1,
        bias: true,
        stride: [1, 1],
        out: 6,
        kernel: [5, 5],
        padding: [2, 2, 2, 2],
      });
      assert.deepEqual(layer(model, 'maxpool_2').attributes, { size: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0] });
    });
  });

  describe('VGG-16', () => {
    const { model, ds } = infer(vgg16());

    it('unrolls the repeats and matches the published totals (15.47 GMACs, 138.36 M parameters)', () => {
      assert.deepEqual(ds, []);
      assert.equal(model.totals.weight_layers, 16);
      assert.ok(Math.abs(model.totals.macs / 1e9 - 15.47) < 0.005, `MACs ${model.totals.macs}`);
      assert.ok(Math.abs(model.totals.params / 1e6 - 138.36) < 0.005, `params ${model.totals.params}`);
      // Exact: conv 14,714,688 + fc 102,764,544 + 16,781,312 + 4,097,000 parameters.
      assert.equal(model.totals.params, 138_357_544);
      assert.deepEqual(model.output_shape, [1000]);
    });

    it('names repeated layers name_iteration and checks every stack', () => {
      const convs = model.layers.filter((l) => l.kind === 'conv').map((l) => l.name);
      assert.deepEqual(convs, [
        'b1_1',
        'b1_2',
        'b2_1',
        'b2_2',
        'b3_1',
        'b3_2',
        'b3_3',
        'b4_1',
        'b4_2',
        'b4_3',
        'b5_1',
        'b5_2',
        'b5_3',
      ]);
      assert.deepEqual(layer(model, 'b3_1').input_shape, [128, 56, 56]);
      assert.deepEqual(layer(model, 'p5').output_shape, [512, 7, 7]);
      assert.deepEqual(layer(model, 'fc6').weights, { rows: 25_088, cols: 4096 });
      // b1_1: 64·224·224·3·9 = 86,704,128 MACs.
      assert.equal(layer(model, 'b1_1').macs, 86_704_128);
      assert.equal(new Set(model.layers.map((l) => l.name)).size, model.layers.length);
      assert.deepEqual(
        model.layers.map((l) => l.index),
        model.layers.map((_, i) => i),
      );
    });
  });

  describe('residual blocks', () => {
    const { model, ds } = infer(residual());

    it('resolves `from` to the most recent layer of that name, across repeat iterations', () => {
      assert.deepEqual(ds, []);
      assert.equal(layer(model, 'sum_1').from, 'r0'); // the stem's relu, before the repeat
      assert.equal(layer(model, 'sum_2').from, 'r0_1'); // the previous block's output
      assert.deepEqual(layer(model, 'sum_2').output_shape, [16, 32, 32]);
      assert.deepEqual(layer(model, 'a_1').attributes.padding, [1, 1, 1, 1]); // 'same' with k = 3, stride 1
    });

    it('counts batchnorm and average pooling', () => {
      // batchnorm on [16, 32, 32]: one MAC per element, γ and β per channel.
      assert.deepEqual(pick(layer(model, 'bn0')), { macs: 16 * 32 * 32, params: 32, weights: undefined, mvms: 0 });
      // global average pool 32×32 → 1×1: 16 outputs × 1024 accumulations.
      assert.equal(layer(model, 'gap').macs, 16 * 1024);
      assert.deepEqual(layer(model, 'fc').input_shape, [16]);
    });

    it('reports an add whose shapes differ at the add, naming both shapes', () => {
      const spec = one([
        ['conv', 'c1', { out: 8, kernel: 3, padding: 1 }],
        ['conv', 'c2', { out: 4, kernel: 3, padding: 1 }],
        ['add', 'join', { from: 'c1' }],
      ]);
      const { ds, model: m } = infer(spec);
      assert.equal(ds.length, 1);
      assert.equal(ds[0]!.code, 'PIM4001');
      assert.deepEqual(ds[0]!.span, specAt(spec, 2).span);
      assert.match(ds[0]!.message, /'join'.*\[8, 28, 28\].*\[4, 28, 28\]/);
      assert.deepEqual(m.output_shape, [4, 28, 28]);
    });

    it('rejects `from` naming a later layer, itself, or nothing', () => {
      const later = infer(
        one([
          ['add', 'x', { from: 'c9' }],
          ['conv', 'c9', { out: 1, kernel: 1 }],
        ]),
      );
      assert.deepEqual(codes(later.ds), ['PIM4014']);
      assert.match(later.ds[0]!.message, /'c9' comes after it/);
      const self = infer(one([['add', 'x', { from: 'x' }]]));
      assert.deepEqual(codes(self.ds), ['PIM4014']);
      const unknown = infer(
        one([
          ['conv', 'conv1', { out: 1, kernel: 1 }],
          ['add', undefined, { from: 'cnv1' }],
        ]),
      );
      assert.deepEqual(codes(unknown.ds), ['PIM2001']);
      assert.match(unknown.ds[0]!.message, /did you mean 'conv1'/);
    });
  });

  describe('GCN on a Cora-sized graph', () => {
    it('infers node-feature shapes and counts combination plus aggregation MACs', () => {
      const { model, ds } = infer(gcn2());
      assert.deepEqual(ds, []);
      assert.deepEqual(model.input, { kind: 'graph', ...CORA });
      const nnz = 2 * CORA.edges + CORA.nodes; // 13,264 non-zeros of Â = D^-½(A+I)D^-½
      const g1 = layer(model, 'g1');
      assert.deepEqual(g1.input_shape, [2708, 1433]);
      assert.deepEqual(g1.output_shape, [2708, 16]);
      // N·F·out + nnz·out = 2708·1433·16 + 13,264·16 = 62,089,024 + 212,224.
      assert.equal(g1.macs, 62_089_024 + 212_224);
      assert.equal(g1.macs, 2708 * 1433 * 16 + nnz * 16);
      assert.equal(g1.params, 1433 * 16 + 16);
      assert.deepEqual(g1.weights, { rows: 1433, cols: 16 });
      assert.equal(g1.mvms, 2708);
      const g2 = layer(model, 'g2');
      assert.deepEqual(g2.output_shape, [2708, 7]);
      assert.equal(g2.macs, 2708 * 16 * 7 + nnz * 7);
      assert.equal(model.totals.weight_layers, 2);
    });

    it('leaves out aggregation when the edge count is unknown', () => {
      const { model } = infer(gcn2(new SpecBuilder(), false));
      assert.equal(layer(model, 'g1').macs, 2708 * 1433 * 16);
    });

    it('pools a graph with readout and runs node-wise linear layers', () => {
      const { model, ds } = infer(
        one(
          [
            ['gcn', 'g', { out: 32 }],
            ['linear', 'node_mlp', { out: 8 }],
            ['readout', 'pool', { op: 'sum' }],
            ['linear', 'head', { out: 2 }],
          ],
          { kind: 'graph', dataset: 'toy', nodes: 10, features: 5, classes: 2 },
        ),
      );
      assert.deepEqual(ds, []);
      assert.deepEqual(layer(model, 'node_mlp').output_shape, [10, 8]);
      assert.equal(layer(model, 'node_mlp').mvms, 10);
      assert.deepEqual(layer(model, 'pool').output_shape, [8]);
      assert.equal(layer(model, 'pool').macs, 10 * 8);
      assert.deepEqual(model.output_shape, [2]);
    });
  });

  describe('convolution arithmetic', () => {
    it('stride, same padding and groups', () => {
      const { model, ds } = infer(
        one(
          [
            ['conv', 'stem', { out: 64, kernel: 7, stride: 2, padding: 'same' }],
            ['conv', 'dw', { out: 64, kernel: 3, padding: 1, groups: 64, bias: false }],
            ['conv', 'rect', { out: 8, kernel: [3, 1], stride: [1, 2] }],
          ],
          { kind: 'tensor', shape: [3, 224, 224] },
        ),
      );
      assert.deepEqual(ds, []);
      const stem = layer(model, 'stem');
      assert.deepEqual(stem.output_shape, [64, 112, 112]); // ⌈224 / 2⌉
      // Total padding (112 − 1)·2 + 7 − 224 = 5, split 2 before and 3 after.
      assert.deepEqual(stem.attributes.padding, [2, 3, 2, 3]);
      const dw = layer(model, 'dw');
      assert.deepEqual(pick(dw), {
        macs: 64 * 112 * 112 * 1 * 9,
        params: 64 * 9,
        weights: { rows: 9, cols: 64 },
        mvms: 112 * 112,
      });
      assert.deepEqual(layer(model, 'rect').output_shape, [8, 110, 56]); // (112 − 3) + 1, ⌊(112 − 1)/2⌋ + 1
    });
  });

  describe('errors at the layer that breaks', () => {
    it('linear after conv without flatten: PIM4001 at the linear, naming both shapes, then inference goes on', () => {
      const spec = one([
        ['conv', 'c1', { out: 4, kernel: 3 }],
        ['linear', 'f1', { out: 10 }],
        ['conv', 'c2', { out: 2, kernel: 3 }],
      ]);
      const { model, ds } = infer(spec);
      assert.deepEqual(codes(ds), ['PIM4001', 'PIM4001']);
      assert.deepEqual(ds[0]!.span, specAt(spec, 1).span);
      assert.equal(ds[0]!.uri, 'model.pim');
      assert.match(ds[0]!.message, /'f1'.*\[F\].*\[4, 26, 26\].*flatten/);
      // Best effort: f1 flattens 4·26·26 = 2704 inputs, so its output is still [10] …
      assert.deepEqual(layer(model, 'f1').output_shape, [10]);
      assert.equal(layer(model, 'f1').macs, 2704 * 10);
      // … and the later, independent error (a conv on a flat vector) is reported at c2.
      assert.deepEqual(ds[1]!.span, specAt(spec, 2).span);
      assert.match(ds[1]!.message, /'c2'.*\[C, H, W\].*\[10\]/);
    });

    it('kernel or pooling window larger than the input', () => {
      const spec = one(
        [
          ['conv', 'big', { out: 2, kernel: 5 }],
          ['maxpool', 'mp', { size: 8 }],
        ],
        { kind: 'tensor', shape: [1, 4, 4] },
      );
      const { model, ds } = infer(spec);
      assert.deepEqual(codes(ds), ['PIM4001', 'PIM4001']);
      assert.match(ds[0]!.message, /'big': kernel 5×5 is larger than the input 4×4/);
      assert.deepEqual(ds[0]!.span, specAt(spec, 0).span);
      assert.deepEqual(layer(model, 'big').output_shape, [2, 1, 1]);
      assert.match(ds[1]!.message, /'mp': window 8×8 is larger than the input 1×1/);
      assert.deepEqual(ds[1]!.span, specAt(spec, 1).span);
    });

    it('padding that makes the kernel fit is accepted', () => {
      const { model, ds } = infer(
        one([['conv', 'c', { out: 2, kernel: 5, padding: 1 }]], { kind: 'tensor', shape: [1, 3, 3] }),
      );
      assert.deepEqual(ds, []);
      assert.deepEqual(model.output_shape, [2, 1, 1]);
    });

    it('groups must divide the channels', () => {
      const { ds } = infer(
        one([['conv', 'g', { out: 6, kernel: 1, groups: 4 }]], { kind: 'tensor', shape: [6, 8, 8] }),
      );
      assert.deepEqual(codes(ds), ['PIM4001', 'PIM4001']);
      assert.match(ds[0]!.message, /groups 4 must divide the input channels 6/);
      assert.match(ds[1]!.message, /groups 4 must divide the output channels 6/);
    });

    it('gcn and readout on a tensor input: PIM4008', () => {
      const spec = one([['flatten'], ['gcn', 'g', { out: 4 }], ['readout', 'r']]);
      const { ds } = infer(spec);
      assert.deepEqual(codes(ds), ['PIM4008', 'PIM4008']);
      assert.deepEqual(ds[0]!.span, specAt(spec, 1).span);
      assert.match(ds[0]!.message, /'g' needs a graph input/);
      assert.deepEqual(ds[1]!.span, specAt(spec, 2).span);
    });

    it('graph layers after readout, flatten on node features', () => {
      const graph: ModelInputSpec = { kind: 'graph', dataset: 'toy', nodes: 4, features: 3, classes: 2 };
      const a = infer(one([['readout'], ['gcn', 'g', { out: 2 }]], graph));
      assert.deepEqual(codes(a.ds), ['PIM4001']);
      assert.match(a.ds[0]!.message, /'g': gcn needs graph node features \[N, F\] but gets a flat vector \[3\]/);
      const b = infer(one([['flatten', 'fl']], graph));
      assert.deepEqual(codes(b.ds), ['PIM4001']);
      assert.match(b.ds[0]!.message, /readout/);
    });

    it('missing input, empty model, bad input shape', () => {
      const noInput = infer(
        new SpecBuilder().model('m', undefined, [
          ['conv', 'c', { out: 2, kernel: 3 }],
          ['linear', 'f', { out: 2 }],
        ]),
      );
      // Only the missing input: with no input shape nothing downstream can be checked.
      assert.deepEqual(codes(noInput.ds), ['PIM4007']);
      assert.equal(noInput.ds[0]!.severity, 'error');
      assert.deepEqual(
        noInput.model.layers.map((l) => l.name),
        ['c', 'f'],
      );
      const empty = infer(one([]));
      assert.deepEqual(codes(empty.ds), ['PIM4010']);
      assert.equal(empty.ds[0]!.severity, 'warning');
      assert.deepEqual(empty.model.output_shape, [1, 28, 28]);
      assert.deepEqual(codes(infer(one([['relu']], { kind: 'tensor', shape: [28, 28] })).ds), ['PIM4013']);
      assert.deepEqual(codes(infer(one([['relu']], { kind: 'tensor', shape: [1, 0, 28] })).ds), ['PIM3006']);
      assert.deepEqual(
        codes(infer(one([['relu']], { kind: 'graph', dataset: 'x', nodes: -1, features: 3, classes: 2 })).ds),
        ['PIM3006'],
      );
    });

    it('unknown kinds and attributes suggest the closest name', () => {
      const spec = one([['lineer', 'c', { out: 2 }], ['conv', 'k', { out: 2, kernal: 3 }], ['relu']]);
      const { model, ds } = infer(spec);
      assert.deepEqual(codes(ds), ['PIM2005', 'PIM2006', 'PIM2008']);
      assert.match(ds[0]!.message, /unknown layer kind 'lineer'; did you mean 'linear'/);
      assert.match(ds[1]!.message, /'conv' has no attribute 'kernal'; did you mean 'kernel'/);
      assert.match(ds[2]!.message, /needs the attribute 'kernel'/);
      assert.deepEqual(ds[2]!.span, specAt(spec, 1).nameSpan);
      // The unknown layer passes its input through.
      assert.deepEqual(layer(model, 'c').output_shape, [1, 28, 28]);
    });

    it('wrong attribute values: type, count, range, choice', () => {
      const { ds } = infer(
        one([
          ['conv', 'a', { out: 2.5, kernel: 3 }],
          ['conv', 'b', { out: 2, kernel: 'big' }],
          ['conv', 'c', { out: 2, kernel: 3, padding: 'valid' }],
          ['conv', 'd', { out: 2, kernel: 3, bias: 1 }],
          ['dropout', 'e', { rate: 1.5 }],
          ['conv', 'f', { out: 2, kernel: 3, padding: -1 }],
          ['flatten'],
          ['linear', 'g', { out: [2, 3] }],
        ]),
      );
      assert.deepEqual(codes(ds), ['PIM3006', 'PIM3004', 'PIM3005', 'PIM3004', 'PIM3010', 'PIM3010', 'PIM3004']);
      assert.match(ds[0]!.message, /'out' of layer 'a' must be a positive whole number, but it is 2.5/);
      assert.match(ds[2]!.message, /'valid' is not a valid padding; expected one of same/);
      const readout = infer(
        one([['readout', 'r', { op: 'avg' }]], { kind: 'graph', dataset: 't', nodes: 3, features: 2, classes: 2 }),
      );
      assert.deepEqual(codes(readout.ds), ['PIM3005']);
      assert.match(readout.ds[0]!.message, /expected one of mean, sum, max/);
    });

    it('uses attribute spans when the caller gives them', () => {
      const spec = one([['conv', 'c', { out: 2, kernel: 0 }]]);
      const l = specAt(spec, 0);
      l.attrSpans = { kernel: { start: 1234, end: 1235 } };
      const { ds } = infer(spec);
      assert.deepEqual(codes(ds), ['PIM3006']);
      assert.deepEqual(ds[0]!.span, { start: 1234, end: 1235 });
    });
  });

  describe('names and repeats', () => {
    it('duplicate names in one body point at both places', () => {
      const spec = one([
        ['conv', 'c', { out: 1, kernel: 1 }],
        ['conv', 'c', { out: 1, kernel: 1 }],
      ]);
      const { ds } = infer(spec);
      assert.deepEqual(codes(ds), ['PIM2002']);
      assert.deepEqual(ds[0]!.span, specAt(spec, 1).nameSpan);
      assert.deepEqual(ds[0]!.related?.[0]?.span, specAt(spec, 0).nameSpan);
    });

    it('an unrolled name that collides with a written one is a duplicate', () => {
      const { ds } = infer(one([['relu', 'r_1'], { repeat: 2, body: [['relu', 'r']] }]));
      assert.deepEqual(codes(ds), ['PIM2002']);
      assert.match(ds[0]!.message, /'r_1'/);
    });

    it('nested repeats append one suffix per level; unnamed layers are kind_index', () => {
      const { model, ds } = infer(one([{ repeat: 2, body: [{ repeat: 2, body: [['relu', 'r'], ['sigmoid']] }] }]));
      assert.deepEqual(ds, []);
      assert.deepEqual(
        model.layers.map((l) => l.name),
        ['r_1_1', 'sigmoid_1', 'r_1_2', 'sigmoid_3', 'r_2_1', 'sigmoid_5', 'r_2_2', 'sigmoid_7'],
      );
    });

    it('a generated name steps aside for a written one', () => {
      const { model } = infer(one([['relu'], ['relu', 'relu_0']]));
      assert.deepEqual(
        model.layers.map((l) => l.name),
        ['relu_0_2', 'relu_0'],
      );
    });

    it('bad and huge repeat counts are errors, not hangs', () => {
      const b = new SpecBuilder();
      const bad = b.model('m', IMAGE, [{ repeat: 2.5, body: [['relu']] }]);
      const r = infer(bad);
      assert.deepEqual(codes(r.ds), ['PIM3006']);
      assert.deepEqual(r.ds[0]!.span, (bad.body[0] as RepeatSpec).span);
      const huge = infer(one([{ repeat: 1e9, body: [['relu']] }]));
      assert.deepEqual(codes(huge.ds), ['PIM3010']);
      assert.equal(huge.model.layers.length, models.MAX_LAYERS);
    });

    it('origins give each unrolled layer its declaration', () => {
      const spec = vgg16();
      const { origins } = inferModelDetailed(spec, () => {});
      const stack = spec.body[0] as RepeatSpec;
      const conv = stack.body[0] as LayerSpec;
      assert.deepEqual(origins['b1_1']?.span, conv.span);
      assert.deepEqual(origins['b1_2']?.span, conv.span);
      assert.deepEqual(origins['b1_2']?.nameSpan, conv.nameSpan);
    });
  });

  describe('robustness', () => {
    const kinds = [...Object.keys(models.LAYER_KINDS), 'repeat', 'bogus'];
    const attrValue = fc.oneof(
      fc.integer({ min: -3, max: 300 }),
      fc.double({ noNaN: false }),
      fc.constantFrom('same', 'mean', 'max', 'c0', 'c1', 'x', ''),
      fc.boolean(),
      fc.array(fc.integer({ min: -1, max: 9 }), { maxLength: 3 }),
    );
    const attrKey = fc.constantFrom(
      'out',
      'kernel',
      'stride',
      'padding',
      'groups',
      'bias',
      'size',
      'rate',
      'from',
      'op',
      'eps',
      'weird',
    );
    const layerArb = fc.record({
      kind: fc.constantFrom(...kinds),
      name: fc.option(fc.constantFrom('c0', 'c1', 'c2', 'relu_1'), { nil: undefined }),
      attrs: fc.dictionary(attrKey, attrValue, { maxKeys: 4 }),
      count: fc.integer({ min: -1, max: 4 }),
    });
    const inputArb = fc.oneof(
      fc.record({
        kind: fc.constant('tensor' as const),
        shape: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 4 }),
      }),
      fc.record({
        kind: fc.constant('graph' as const),
        dataset: fc.constant('g'),
        nodes: fc.integer({ min: 0, max: 50 }),
        features: fc.integer({ min: 1, max: 50 }),
        classes: fc.integer({ min: 1, max: 5 }),
      }),
    );

    it('random models never throw; every diagnostic is in the catalogue and points into the model', () => {
      const known = new Set(catalogue().map((c) => c.code));
      let runs = 0;
      fc.assert(
        fc.property(fc.array(layerArb, { maxLength: 12 }), fc.option(inputArb, { nil: undefined }), (defs, input) => {
          runs++;
          const b = new SpecBuilder();
          let body: (LayerSpec | RepeatSpec)[] = [];
          for (const d of defs) {
            if (d.kind === 'repeat') body = [b.repeat(d.count, body)];
            else body.push(b.layer(d.kind, d.name, d.attrs as Record<string, never>));
          }
          const spec: ModelSpec = { name: 'm', uri: 'model.pim', span: b.span(), ...(input ? { input } : {}), body };
          const ds: Diagnostic[] = [];
          const m = inferModel(spec, (d) => ds.push(d));
          for (const d of ds) {
            assert.ok(known.has(d.code), d.code);
            assert.equal(d.uri, 'model.pim');
            assert.ok(d.span.start >= 100 && d.span.end > d.span.start, JSON.stringify(d));
          }
          assert.equal(new Set(m.layers.map((l) => l.name)).size, m.layers.length);
          for (const l of m.layers) assert.ok(Number.isFinite(l.macs) && Number.isFinite(l.params), l.name);
        }),
        { numRuns: 400, seed: 7 },
      );
      assert.equal(runs, 400);
    });
  });
});

function pick(l: IrLayer): { macs: number; params: number; weights: IrLayer['weights']; mvms: number } {
  return { macs: l.macs, params: l.params, weights: l.weights, mvms: l.mvms };
}

function codes(ds: Diagnostic[]): string[] {
  return ds.map((d) => d.code);
}
