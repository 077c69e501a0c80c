// Shape inference through the compile() API: programs in memory, shapes and counts read from the IR,
// and shape errors located at the layer that breaks.
import assert from 'node:assert/strict';
import { compile, type IrModel, type Program } from '@pim/compiler';

const ENTRY = '/virtual/shapes.pim';

function compileText(text: string): Program {
  return compile(ENTRY, { host: { readFile: (p) => (p === ENTRY ? text : undefined) } });
}

function model(text: string, name: string): IrModel {
  const p = compileText(text);
  assert.deepEqual(
    p.diagnostics.map((d) => `${d.code} ${d.message}`),
    [],
  );
  const m = p.ir!.models.find((x) => x.name === name);
  assert.ok(m, `no model ${name}`);
  return m;
}

/** Line (1-based) of each diagnostic with this code. */
function linesOf(p: Program, code: string): number[] {
  return p.diagnostics
    .filter((d) => d.code === code)
    .map((d) => p.files.get(d.uri)!.lineIndex.position(d.span.start).line);
}

const LENET = `
model lenet5 {
  input: tensor[1, 28, 28]
  conv c1 { out: 6, kernel: 5, padding: 2 }
  relu
  maxpool { size: 2 }
  conv c2 { out: 16, kernel: 5 }
  relu
  maxpool { size: 2 }
  flatten
  linear f1 { out: 120 }
  relu
  linear f2 { out: 84 }
  relu
  linear f3 { out: 10 }
}`;

const VGG16 = `
model vgg16 {
  input: tensor[3, 224, 224]
  repeat 2 { conv b1 { out: 64, kernel: 3, padding: 1 }, relu }
  maxpool
  repeat 2 { conv b2 { out: 128, kernel: 3, padding: 1 }, relu }
  maxpool
  repeat 3 { conv b3 { out: 256, kernel: 3, padding: 1 }, relu }
  maxpool
  repeat 3 { conv b4 { out: 512, kernel: 3, padding: 1 }, relu }
  maxpool
  repeat 3 { conv b5 { out: 512, kernel: 3, padding: 1 }, relu }
  maxpool
  flatten
  linear fc6 { out: 4096 }
  relu
  linear fc7 { out: 4096 }
  relu
  linear fc8 { out: 1000 }
}`;

describe('compiler: shape inference through compile()', () => {
  it('LeNet-5: every shape, and the classic 61,706 parameters', () => {
    const m = model(LENET, 'lenet5');
    assert.deepEqual(
      m.layers.filter((l) => l.kind !== 'relu').map((l) => [l.name, l.output_shape]),
      [
        ['c1', [6, 28, 28]],
        ['maxpool_2', [6, 14, 14]],
        ['c2', [16, 10, 10]],
        ['maxpool_5', [16, 5, 5]],
        ['flatten_6', [400]],
        ['f1', [120]],
        ['f2', [84]],
        ['f3', [10]],
      ],
    );
    assert.equal(m.totals.params, 61706);
    // c1: 6·28·28 outputs, each 1·5·5 MACs.
    assert.equal(m.layers[0]!.macs, 6 * 28 * 28 * 25);
    assert.deepEqual(m.layers[0]!.weights, { rows: 25, cols: 6 });
  });

  it('VGG-16 written with repeat: 138,357,544 parameters (Simonyan & Zisserman) and ~15.5 GMACs', () => {
    const m = model(VGG16, 'vgg16');
    assert.equal(m.totals.params, 138_357_544);
    assert.equal(m.totals.weight_layers, 16);
    assert.deepEqual(m.output_shape, [1000]);
    assert.deepEqual(m.layers.find((l) => l.name === 'b5_3')!.output_shape, [512, 14, 14]);
    assert.deepEqual(m.layers.find((l) => l.kind === 'flatten')!.output_shape, [512 * 7 * 7]);
    assert.equal(m.layers.find((l) => l.name === 'b1_1')!.macs, 64 * 224 * 224 * 3 * 9);
    assert.ok(Math.abs(m.totals.macs - 15.47e9) < 0.01 * 15.47e9, String(m.totals.macs));
  });

  it('strides, asymmetric kernels, same padding, groups and pools', () => {
    const m = model(
      `model m {
        input: tensor[4, 15, 15]
        conv a { out: 8, kernel: [3, 5], stride: 2 }
        conv b { out: 8, kernel: 3, padding: same, stride: 2, groups: 2 }
        avgpool { size: 2, stride: 1 }
        maxpool { size: [1, 2], padding: [0, 1] }
      }`,
      'm',
    );
    assert.deepEqual(
      m.layers.map((l) => l.output_shape),
      [
        [8, 7, 6], // (15 − 3)/2 + 1 = 7, (15 − 5)/2 + 1 = 6
        [8, 4, 3], // same: ⌈7/2⌉ = 4, ⌈6/2⌉ = 3
        [8, 3, 2],
        [8, 3, 2], // width (2 + 2 − 2)/2 + 1 = 2
      ],
    );
    assert.deepEqual(m.layers[1]!.weights, { rows: (8 / 2) * 9, cols: 8 });
  });

  it('residual blocks: add keeps the shape and names its source', () => {
    const m = model(
      `model res {
        input: tensor[16, 8, 8]
        conv stem { out: 16, kernel: 1 }
        repeat 2 {
          conv a { out: 16, kernel: 3, padding: 1 }
          relu
          conv b { out: 16, kernel: 3, padding: 1 }
          add { from: stem }
          conv stem { out: 16, kernel: 1 }
        }
      }`,
      'res',
    );
    const adds = m.layers.filter((l) => l.kind === 'add');
    assert.deepEqual(
      adds.map((l) => l.from),
      ['stem', 'stem_1'],
    );
    assert.ok(adds.every((l) => l.output_shape.join() === '16,8,8'));
  });

  it('a GCN on Cora: [2708, 1433] → [2708, 7], aggregation counted over 2·edges + nodes', () => {
    const m = model(
      `dataset cora { source: planetoid, path: "cora" }
       model gcn { input: graph { dataset: cora }, gcn g1 { out: 16 }, relu, gcn g2 { out: 7 } }`,
      'gcn',
    );
    assert.deepEqual(
      m.layers.map((l) => l.output_shape),
      [
        [2708, 16],
        [2708, 16],
        [2708, 7],
      ],
    );
    assert.equal(m.layers[0]!.macs, 2708 * 1433 * 16 + (2 * 5278 + 2708) * 16);
    assert.deepEqual(m.layers[2]!.weights, { rows: 16, cols: 7 });
  });

  it('a shape error is reported at the layer that breaks, and inference goes on', () => {
    const text = [
      'model m {', //                             1
      '  input: tensor[3, 32, 32]', //            2
      '  conv c1 { out: 16, kernel: 3 }', //      3
      '  linear f1 { out: 10 }', //               4  needs flatten
      '  relu', //                                5
      '  add { from: c1 }', //                    6  [16,30,30] vs [10]
      '  conv c2 { out: 4, kernel: 3 }', //       7  a conv on the flat [10]
      '}',
    ].join('\n');
    const p = compileText(text);
    assert.deepEqual(linesOf(p, 'PIM4001'), [4, 6, 7]);
    assert.equal(p.ir, undefined);
    const d = p.diagnostics.find((x) => x.code === 'PIM4001')!;
    assert.match(d.message, /linear needs a flat input \[F\] but gets an image \[16, 30, 30\]; add 'flatten'/);
  });

  it('a kernel larger than the image, and groups that do not divide the channels', () => {
    const p = compileText(
      [
        'model m {',
        '  input: tensor[6, 4, 4]',
        '  conv big { out: 2, kernel: 5 }',
        '  conv g { out: 4, kernel: 1, groups: 4 }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(linesOf(p, 'PIM4001'), [3, 4]);
    assert.match(p.diagnostics[0]!.message, /kernel 5×5 is larger than the input 4×4/);
  });
});
