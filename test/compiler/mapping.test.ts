import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Diagnostic } from '@pim/grammar';
import { IR_VERSION, validateIr, type IrMapping, type IrModel, type IrPlacement } from '@pim/compiler';
import { mappingPass, models } from './passes.js';
import {
  architecture,
  gcn2,
  hetero3d,
  isaac,
  isaacWithGpu,
  lenet5,
  mapping,
  residual,
  rules,
  small,
  SpecBuilder,
  vgg16,
} from './fixtures.js';
import type { MappingSpec } from '../../compiler/src/passes/mapping.js';
import type { ModelSpec } from '../../compiler/src/passes/models.js';

const { mapModel } = mappingPass;

function model(spec: ModelSpec): IrModel {
  const ds: Diagnostic[] = [];
  const m = models.inferModel(spec, (d) => ds.push(d));
  assert.deepEqual(ds, [], 'the fixture model must be clean');
  return m;
}

function run(spec: MappingSpec): { map: IrMapping; ds: Diagnostic[] } {
  const ds: Diagnostic[] = [];
  const map = mapModel(spec, (d) => ds.push(d));
  return { map, ds };
}

function placed(map: IrMapping, layer: string): IrPlacement {
  const p = map.placements.find((x) => x.layer === layer);
  assert.ok(p, `no placement of ${layer}`);
  return p;
}

const codes = (ds: Diagnostic[]): string[] => ds.map((d) => d.code);
const LENET = model(lenet5());
const CNN_RULES = [{ targets: ['conv', 'linear'], on: 'isaac_tile' }];

describe('compiler: mapping pass', () => {
  describe('LeNet-5 on ISAAC (128×128 crossbars, 2-bit cells, 16-bit weights → S = 8)', () => {
    const { map, ds } = run(mapping(LENET, isaac(), rules(CNN_RULES)));

    it('bit-slices every weight layer onto crossbars', () => {
      assert.deepEqual(ds, []);
      const xb = (name: string): Record<string, number> => {
        const c = placed(map, name).crossbar!;
        return { slices: c.slices, row_tiles: c.row_tiles, col_tiles: c.col_tiles, crossbars: c.crossbars };
      };
      // c1: K = 25, N = 6 → ⌈25/128⌉ = 1 × ⌈6·8/128⌉ = 1.
      assert.deepEqual(xb('c1'), { slices: 8, row_tiles: 1, col_tiles: 1, crossbars: 1 });
      // c2: K = 150, N = 16 → 2 × ⌈128/128⌉ = 1.
      assert.deepEqual(xb('c2'), { slices: 8, row_tiles: 2, col_tiles: 1, crossbars: 2 });
      // f1: K = 400, N = 120 → 4 × ⌈960/128⌉ = 4 × 8 = 32.
      assert.deepEqual(xb('f1'), { slices: 8, row_tiles: 4, col_tiles: 8, crossbars: 32 });
      // f2: K = 120, N = 84 → 1 × ⌈672/128⌉ = 6; f3: K = 84, N = 10 → 1 × ⌈80/128⌉ = 1.
      assert.deepEqual(xb('f2'), { slices: 8, row_tiles: 1, col_tiles: 6, crossbars: 6 });
      assert.deepEqual(xb('f3'), { slices: 8, row_tiles: 1, col_tiles: 1, crossbars: 1 });
      const c1 = placed(map, 'c1').crossbar!;
      assert.equal(c1.rows_needed, 25);
      assert.equal(c1.cols_needed, 48);
      assert.equal(c1.utilization, (25 * 6 * 8) / (1 * 128 * 128));
      assert.equal(placed(map, 'f1').crossbar!.utilization, (400 * 120 * 8) / (32 * 128 * 128));
      assert.equal(c1.replication, 1);
      assert.equal(c1.tiles, 1);
    });

    it('runs the other layers digitally on the tile of the preceding weight layer', () => {
      for (const p of map.placements) {
        assert.equal(p.target, 'isaac_tile', p.layer);
        assert.equal(p.partition, 'main', p.layer);
        assert.equal(p.engine, ['conv', 'linear'].includes(p.kind) ? 'crossbar' : 'digital', p.layer);
      }
      assert.deepEqual(
        map.placements.map((p) => p.index),
        LENET.layers.map((l) => l.index),
      );
    });

    it('totals', () => {
      // 1 + 2 + 32 + 6 + 1 crossbars; 168 · 96 available; 42 crossbars pack into one tile of 96.
      assert.deepEqual(map.totals, { crossbars_used: 42, crossbars_available: 16_128, tiles_used: 1 });
      assert.equal(map.weight_bits, 16);
      assert.equal(map.model, 'lenet5');
      assert.equal(map.architecture, 'isaac');
      assert.equal(map.replicate, 'none');
      assert.deepEqual(map.adjacency, []);
    });

    it('weight precision sets the slices: 8-bit weights on 2-bit cells take 4', () => {
      const r = run(mapping(LENET, isaac(), rules(CNN_RULES), { weight_bits: 8 }));
      const f1 = placed(r.map, 'f1').crossbar!;
      assert.equal(f1.slices, 4);
      assert.equal(f1.col_tiles, Math.ceil((120 * 4) / 128)); // 4
      assert.equal(f1.crossbars, 16);
    });
  });

  describe('replication', () => {
    // A stage's time in MVM rounds: its copies work in parallel, ⌈mvms / replication⌉ (as the simulator times it).
    const stageTimes = (map: IrMapping): number[] =>
      map.placements
        .filter((p) => p.crossbar)
        .map((p) => Math.ceil(LENET.layers[p.index]!.mvms / p.crossbar!.replication));

    it('balanced on ISAAC brings every stage down to one MVM per copy', () => {
      const { map, ds } = run(mapping(LENET, isaac(), rules(CNN_RULES), { replicate: 'balanced' }));
      assert.deepEqual(ds, []);
      // c1 does 784 MVMs per image, c2 100: with room to spare each gets one copy per output pixel.
      assert.equal(placed(map, 'c1').crossbar!.replication, 784);
      assert.equal(placed(map, 'c2').crossbar!.replication, 100);
      assert.equal(placed(map, 'f1').crossbar!.replication, 1);
      assert.deepEqual(stageTimes(map), [1, 1, 1, 1, 1]);
      assert.equal(map.totals.crossbars_used, 784 * 1 + 100 * 2 + 32 + 6 + 1);
      assert.equal(placed(map, 'c1').crossbar!.crossbars_total, 784);
      assert.equal(placed(map, 'c1').crossbar!.tiles, Math.ceil(784 / 96));
    });

    it('balanced within a tight chip evens the conv stages greedily (hand trace)', () => {
      // One tile of 96 crossbars; one copy of everything takes 42, leaving 54 (a c1 copy 1 crossbar, a c2 copy 2).
      // Greedy on the stage with the most rounds, each step the fewest copies that reach the next one's rounds
      // (one under a tie): c1 784 rounds → 8 copies (98), c2 100 → 2 (50), c1 → 16 (49), c2 → 3 (34), c1 → 24
      // (33), c2 → 4 (25), c1 → 32 (25), tie: c1 → 33 (24), c2 → 5 (20), c1 → 40 (20), tie: c1 → 42 (19), c2 →
      // 6 (17); 3 left: c1 wants 47 copies for 17 rounds, affords 45, whose 18 rounds 44 copies already give → 44.
      // c1 (18 rounds) cannot take another round off: stop, one crossbar spare (45 copies would also run 18).
      const { map, ds } = run(
        mapping(LENET, small(1, 96), rules([{ targets: ['conv', 'linear'], on: 'tiny_tile' }]), {
          replicate: 'balanced',
        }),
      );
      assert.deepEqual(ds, []);
      assert.equal(placed(map, 'c1').crossbar!.replication, 44);
      assert.equal(placed(map, 'c2').crossbar!.replication, 6);
      assert.equal(map.totals.crossbars_used, 95);
      const times = stageTimes(map);
      assert.equal(Math.max(...times), 18);
      // Versus no replication, the slowest stage is 45× faster.
      assert.equal(
        Math.max(
          ...stageTimes(
            run(mapping(LENET, small(1, 96), rules([{ targets: ['conv', 'linear'], on: 'tiny_tile' }]))).map,
          ),
        ),
        784,
      );
    });

    it('balanced never exceeds the chip, stops only when the period cannot get shorter, and makes no copy for nothing', () => {
      // Every MVM on this chip takes the same time (an ADC a crossbar, 128 columns a step), so a stage's
      // time is its rounds and the period the most rounds of any stage.
      let runs = 0;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 42, max: 1500 }), (count, perTile) => {
          runs++;
          const arch = small(count, perTile);
          const { map, ds } = run(
            mapping(LENET, arch, rules([{ targets: ['*'], on: 'tiny_tile' }]), { replicate: 'balanced' }),
          );
          assert.deepEqual(ds, []);
          const cap = count * perTile;
          assert.ok(map.totals.crossbars_used <= cap);
          const stages = map.placements.filter((p) => p.crossbar);
          const mvms = (p: IrPlacement): number => LENET.layers[p.index]!.mvms;
          const rounds = (p: IrPlacement): number => Math.ceil(mvms(p) / p.crossbar!.replication);
          const period = Math.max(...stages.map(rounds));
          const left = cap - map.totals.crossbars_used;
          // One round fewer for the period takes every stage at it to ⌈mvms / (period − 1)⌉ copies: more than is left.
          const more = stages
            .filter((p) => rounds(p) === period)
            .reduce(
              (n, p) => n + (Math.ceil(mvms(p) / (period - 1)) - p.crossbar!.replication) * p.crossbar!.crossbars,
              0,
            );
          assert.ok(period === 1 || left < more, `the period could still get shorter: ${more} of ${left} left`);
          // No stage holds a copy it does not need for the period (one fewer would keep it within).
          for (const p of stages)
            assert.ok(
              p.crossbar!.replication === 1 || Math.ceil(mvms(p) / (p.crossbar!.replication - 1)) > period,
              `${p.layer} has a copy too many`,
            );
        }),
        { numRuns: 60, seed: 3 },
      );
      assert.equal(runs, 60);
    });

    it('a number gives each layer that many copies, as far as there is room (PIM4011 otherwise)', () => {
      const roomy = run(mapping(LENET, isaac(), rules(CNN_RULES), { replicate: 4 }));
      assert.deepEqual(roomy.ds, []);
      assert.ok(roomy.map.placements.filter((p) => p.crossbar).every((p) => p.crossbar!.replication === 4));
      assert.equal(roomy.map.totals.crossbars_used, 4 * 42);
      // 48 crossbars: 42 for one copy of each, 6 left → c1 +3 (4 copies), c2 +1 (2 copies), then 1 left → f3 +1.
      const tight = run(
        mapping(LENET, small(1, 48), rules([{ targets: ['conv', 'linear'], on: 'tiny_tile' }]), { replicate: 4 }),
      );
      assert.deepEqual(codes(tight.ds), ['PIM4011', 'PIM4011', 'PIM4011', 'PIM4011']);
      assert.ok(tight.ds.every((d) => d.severity === 'warning'));
      assert.deepEqual(
        tight.ds.map((d) => /'(\w+)'/.exec(d.message)![1]),
        ['c2', 'f1', 'f2', 'f3'],
      );
      assert.deepEqual(
        tight.map.placements.filter((p) => p.crossbar).map((p) => p.crossbar!.replication),
        [4, 2, 1, 1, 2],
      );
      assert.equal(tight.map.totals.crossbars_used, 48);
    });
  });

  describe('capacity', () => {
    it('a layer that does not fit: PIM4002 with needed and available crossbars, at its place rule', () => {
      // 16 crossbars: c1 (1) and c2 (2) fit, leaving 13 for f1, which needs 32; f2 (6) and f3 (1) still fit.
      const placeRules = rules([{ targets: ['conv', 'linear'], on: 'tiny_tile' }]);
      const { map, ds } = run(mapping(LENET, small(1, 16), placeRules));
      assert.deepEqual(codes(ds), ['PIM4002']);
      const d = ds[0]!;
      assert.equal(d.message, "layer 'f1' needs 32 crossbars but 'tiny_tile' has 13 available");
      assert.deepEqual(d.span, placeRules[0]!.targetSpans[1]); // the `linear` pattern that placed f1
      assert.equal(d.uri, 'map.pim');
      assert.match(
        d.related![0]!.message,
        /holds 16 crossbars \(1 tiles × 16\); the layers placed on it need 42 in all/,
      );
      assert.deepEqual(d.related![0]!.span, placeRules[0]!.onSpan);
      assert.equal(placed(map, 'f1').crossbar!.crossbars, 32);
    });

    it('layers that fit on separate tile types are judged separately', () => {
      const arch = architecture('two', [
        { name: 'a', tiles: [{ name: 'ta', count: 1, perUnit: 3 }] },
        { name: 'b', tiles: [{ name: 'tb', count: 1, perUnit: 40 }] },
      ]);
      const ok = run(
        mapping(
          LENET,
          arch,
          rules([
            { targets: ['conv'], on: 'a' },
            { targets: ['linear'], on: 'b' },
          ]),
        ),
      );
      assert.deepEqual(ok.ds, []);
      assert.equal(ok.map.totals.crossbars_available, 43);
      assert.equal(ok.map.totals.tiles_used, 2);
      const bad = run(mapping(LENET, arch, rules([{ targets: ['*'], on: 'ta' }])));
      assert.deepEqual(codes(bad.ds), ['PIM4002', 'PIM4002', 'PIM4002']);
      assert.equal(bad.ds[0]!.message, "layer 'f1' needs 32 crossbars but 'ta' has 0 available");
    });

    it('VGG-16 does not fit on one ISAAC chip at 16 bits; the error names the first layer over the line', () => {
      const ds: Diagnostic[] = [];
      const vgg = model(vgg16());
      const map = mapModel(mapping(vgg, isaac(), rules(CNN_RULES)), (d) => ds.push(d));
      // fc6 alone is ⌈25088/128⌉·⌈4096·8/128⌉ = 196·256 = 50,176 crossbars > 16,128.
      assert.equal(placed(map, 'fc6').crossbar!.crossbars, 50_176);
      assert.ok(codes(ds).includes('PIM4002'));
      assert.match(ds.find((d) => d.message.includes("'fc6'"))!.message, /needs 50176 crossbars/);
    });
  });

  describe('batchnorm and GPUs', () => {
    const RES = model(residual());

    it('an unmatched batchnorm goes to the GPU; the rest to the crossbars', () => {
      const { map, ds } = run(mapping(RES, isaacWithGpu(), rules(CNN_RULES)));
      assert.deepEqual(ds, []);
      for (const p of map.placements.filter((x) => x.kind === 'batchnorm')) {
        assert.deepEqual([p.engine, p.target, p.partition], ['gpu', 'sm', 'gpu'], p.layer);
      }
      assert.equal(placed(map, 'a_1').engine, 'crossbar');
      assert.equal(placed(map, 'sum_1').engine, 'digital');
    });

    it('`place batchnorm on gpu` resolves the partition to its GPU', () => {
      const { map, ds } = run(
        mapping(RES, isaacWithGpu(), rules([{ targets: ['batchnorm'], on: 'gpu' }, ...CNN_RULES])),
      );
      assert.deepEqual(ds, []);
      assert.equal(placed(map, 'bn0').target, 'sm');
    });

    it('batchnorm on crossbars is PIM4006, at the pattern that put it there', () => {
      const placeRules = rules([{ targets: ['*'], on: 'isaac_tile' }]);
      const { ds } = run(mapping(RES, isaacWithGpu(), placeRules));
      assert.deepEqual(codes(ds), ['PIM4006', 'PIM4006', 'PIM4006', 'PIM4006', 'PIM4006']);
      assert.match(ds[0]!.message, /layer 'bn0' \(batchnorm\) needs division and square roots/);
      assert.deepEqual(ds[0]!.span, placeRules[0]!.targetSpans[0]);
    });

    it('batchnorm with no rule and no GPU is unplaced (PIM4003)', () => {
      const spec = mapping(RES, isaac(), rules(CNN_RULES));
      const { ds } = run(spec);
      assert.deepEqual(codes(ds), ['PIM4003', 'PIM4003', 'PIM4003', 'PIM4003', 'PIM4003']);
      assert.deepEqual(ds[0]!.span, spec.nameSpan);
    });

    it('weight layers on a GPU run there, and the layers after them follow', () => {
      const { map, ds } = run(mapping(LENET, isaacWithGpu(), rules([{ targets: ['f*'], on: 'sm' }, ...CNN_RULES])));
      assert.deepEqual(ds, []);
      assert.deepEqual([placed(map, 'f1').engine, placed(map, 'f1').crossbar], ['gpu', undefined]);
      assert.equal(placed(map, 'relu_8').engine, 'gpu');
      assert.equal(placed(map, 'relu_4').engine, 'digital');
      assert.equal(map.totals.crossbars_used, 3);
    });
  });

  describe('rules', () => {
    it('the first matching rule wins', () => {
      const arch = isaacWithGpu();
      const a = run(mapping(LENET, arch, rules([{ targets: ['c1'], on: 'sm' }, ...CNN_RULES])));
      assert.deepEqual(a.ds, []);
      assert.equal(placed(a.map, 'c1').engine, 'gpu');
      assert.equal(placed(a.map, 'c2').engine, 'crossbar');
      const b = run(mapping(LENET, arch, rules([...CNN_RULES, { targets: ['c1'], on: 'sm' }])));
      assert.deepEqual(b.ds, []); // c1 matches the second rule too, so it is not "matches nothing"
      assert.equal(placed(b.map, 'c1').engine, 'crossbar');
    });

    it('wildcards match kinds and names; partitions resolve to their tiles', () => {
      const { map, ds } = run(
        mapping(
          LENET,
          isaac(),
          rules([
            { targets: ['c*', 'f?'], on: 'main' },
            { targets: ['f*'], on: 'isaac_tile' },
          ]),
        ),
      );
      assert.deepEqual(codes(ds), ['PIM4004']); // `?` is no wildcard: 'f?' matches nothing
      assert.match(ds[0]!.message, /place rule 'f\?' matches no layer/);
      assert.deepEqual(ds[0]!.span, rules([{ targets: ['c*', 'f?'], on: 'main' }])[0]!.targetSpans[1]);
      assert.equal(placed(map, 'c1').target, 'isaac_tile');
      assert.equal(placed(map, 'f3').engine, 'crossbar');
    });

    it('a weight layer no rule matches is PIM4003', () => {
      const spec = mapping(LENET, isaac(), rules([{ targets: ['conv'], on: 'isaac_tile' }]));
      const { ds } = run(spec);
      assert.deepEqual(codes(ds), ['PIM4003', 'PIM4003', 'PIM4003']);
      assert.equal(ds[0]!.message, "layer 'f1' (linear) is matched by no place rule");
      assert.deepEqual(ds[0]!.span, spec.nameSpan);
    });

    it('adds where each layer is declared when the origins are given', () => {
      const b = new SpecBuilder();
      const spec = lenet5(b);
      const { model: m, origins } = models.inferModelDetailed(spec, () => {});
      const ms = mapping(m, isaac(), rules([{ targets: ['conv'], on: 'isaac_tile' }]));
      ms.layerOrigins = origins;
      const { ds } = run(ms);
      assert.equal(ds[0]!.related?.[0]?.uri, 'model.pim');
      assert.deepEqual(ds[0]!.related?.[0]?.span, origins['f1']!.nameSpan);
    });

    it('an unknown target is PIM4005 with a suggestion, reported once per rule', () => {
      const placeRules = rules([{ targets: ['conv', 'linear'], on: 'isaac_tiles' }]);
      const { map, ds } = run(mapping(LENET, isaac(), placeRules));
      assert.deepEqual(codes(ds), ['PIM4005']);
      assert.equal(
        ds[0]!.message,
        "'isaac_tiles' is not a partition, tile or GPU of 'isaac'; did you mean 'isaac_tile'?",
      );
      assert.deepEqual(ds[0]!.span, placeRules[0]!.onSpan);
      assert.equal(placed(map, 'c1').target, 'isaac_tiles');
    });

    it('weights on a tile without crossbars: PIM4009', () => {
      const arch = architecture('digital_only', [{ name: 'main', tiles: [{ name: 'dtile', count: 4, perUnit: 0 }] }]);
      const { ds } = run(mapping(LENET, arch, rules([{ targets: ['*'], on: 'dtile' }])));
      assert.deepEqual(codes(ds), ['PIM4009']);
      assert.equal(ds[0]!.message, "'dtile' has no crossbars to hold weights");
    });

    it('bad parts and options', () => {
      const placeRules = rules([
        {
          targets: ['conv.weigths', 'conv', 'linear'],
          on: 'isaac_tile',
          options: { blok: 16, reorder: 'rcn', skip_zero_blocks: 'yes' },
        },
      ]);
      const { ds } = run(mapping(LENET, isaac(), placeRules));
      assert.deepEqual(codes(ds), ['PIM3005', 'PIM2006', 'PIM3005', 'PIM3004']);
      assert.match(
        ds[0]!.message,
        /'weigths' is not a valid layer part; expected one of weights, adjacency; did you mean 'weights'/,
      );
      assert.deepEqual(ds[0]!.span, placeRules[0]!.targetSpans[0]);
      assert.match(ds[1]!.message, /'place' has no attribute 'blok'; did you mean 'block'/);
      assert.match(ds[2]!.message, /'rcn' is not a valid reorder; expected one of none, rcm; did you mean 'rcm'/);
    });

    it('an architecture without crossbars or GPUs cannot hold a model, and nothing throws', () => {
      const empty = architecture('empty', []);
      const { map, ds } = run(mapping(LENET, empty, rules(CNN_RULES)));
      assert.deepEqual(codes(ds), ['PIM4005']);
      assert.equal(map.placements.length, LENET.layers.length);
      assert.deepEqual(map.totals, { crossbars_used: 0, crossbars_available: 0, tiles_used: 0 });
    });
  });

  describe('GNN adjacency', () => {
    const GCN = model(gcn2());

    it('places the weights on dense crossbars and records the adjacency policy for the sparse partition', () => {
      const { map, ds } = run(
        mapping(
          GCN,
          hetero3d(),
          rules([
            { targets: ['gcn.weights'], on: 'dense' },
            {
              targets: ['gcn.adjacency'],
              on: 'sparse',
              options: { block: 16, skip_zero_blocks: true, reorder: 'rcm' },
            },
          ]),
        ),
      );
      assert.deepEqual(ds, []);
      // g1: K = 1433, N = 16, S = 8 → ⌈1433/128⌉ = 12 × ⌈128/128⌉ = 1.
      const g1 = placed(map, 'g1');
      assert.deepEqual([g1.engine, g1.target, g1.partition], ['crossbar', 'rtile', 'dense']);
      assert.equal(g1.crossbar!.crossbars, 12);
      // g2: K = 16, N = 7 → 1 × ⌈56/128⌉ = 1.
      assert.equal(placed(map, 'g2').crossbar!.crossbars, 1);
      assert.deepEqual([placed(map, 'relu_1').engine, placed(map, 'relu_1').target], ['digital', 'rtile']);
      assert.deepEqual(map.adjacency, [
        { layer: 'g1', partition: 'sparse', target: 'stile', block: 16, skip_zero_blocks: true, reorder: 'rcm' },
        { layer: 'g2', partition: 'sparse', target: 'stile', block: 16, skip_zero_blocks: true, reorder: 'rcm' },
      ]);
      // Â's crossbars are the runtime's to count: only the weights are in the totals.
      assert.equal(map.totals.crossbars_used, 13);
    });

    it('defaults: block = the target crossbar rows, no skipping, no reordering', () => {
      const { map, ds } = run(
        mapping(
          GCN,
          hetero3d(),
          rules([
            { targets: ['g1.adjacency'], on: 'stile' },
            { targets: ['gcn'], on: 'dense' },
          ]),
        ),
      );
      assert.deepEqual(ds, []);
      assert.deepEqual(map.adjacency, [
        { layer: 'g1', partition: 'sparse', target: 'stile', block: 16, skip_zero_blocks: false, reorder: 'none' },
        // g2's adjacency is matched by the bare `gcn` pattern: it goes with the weights, on 128-row crossbars.
        { layer: 'g2', partition: 'dense', target: 'rtile', block: 128, skip_zero_blocks: false, reorder: 'none' },
      ]);
    });

    it('adjacency explicitly on a GPU is PIM4009; with the weights on a GPU there is no policy', () => {
      const bad = run(
        mapping(
          GCN,
          hetero3d(),
          rules([
            { targets: ['gcn.adjacency'], on: 'sm' },
            { targets: ['gcn'], on: 'dense' },
          ]),
        ),
      );
      assert.deepEqual(codes(bad.ds), ['PIM4009']);
      const onGpu = run(mapping(GCN, hetero3d(), rules([{ targets: ['*'], on: 'gpu' }])));
      assert.deepEqual(onGpu.ds, []);
      assert.deepEqual(onGpu.map.adjacency, []);
      assert.equal(placed(onGpu.map, 'g1').engine, 'gpu');
    });

    it('`.adjacency` on a CNN matches nothing (PIM4004)', () => {
      const { ds } = run(
        mapping(LENET, isaac(), rules([...CNN_RULES, { targets: ['gcn.adjacency'], on: 'isaac_tile' }])),
      );
      assert.deepEqual(codes(ds), ['PIM4004']);
    });

    it('a GPU partition holding only GPUs is not a crossbar target for weights', () => {
      const arch = architecture('g', [{ name: 'main', gpus: [{ name: 'core', count: 2 }] }]);
      const { map, ds } = run(mapping(LENET, arch, rules([{ targets: ['*'], on: 'main' }])));
      assert.deepEqual(ds, []);
      assert.ok(map.placements.every((p) => p.engine === 'gpu' && p.target === 'core'));
    });
  });

  it('models, mappings and the fixture architectures validate against ir.schema.json', () => {
    const ms = [LENET, model(residual()), model(gcn2())];
    const maps = [
      run(mapping(ms[0]!, isaac(), rules(CNN_RULES), { replicate: 'balanced' })).map,
      run(mapping(ms[1]!, isaacWithGpu(), rules(CNN_RULES), { replicate: 3 })).map,
      run(
        mapping(
          ms[2]!,
          hetero3d(),
          rules([
            { targets: ['gcn.weights'], on: 'dense' },
            { targets: ['gcn.adjacency'], on: 'sparse', options: { block: 16, reorder: 'rcm' } },
          ]),
        ),
      ).map,
    ];
    const program = {
      ir_version: IR_VERSION,
      sources: ['fixtures.pim'],
      constants: {},
      devices: [],
      architectures: [isaac(), isaacWithGpu(), hetero3d()],
      models: ms,
      datasets: [],
      mappings: maps,
      experiments: [],
      explorations: [],
    };
    assert.deepEqual(validateIr(program), []);
    // The check has teeth: a placement without its engine is rejected.
    delete (maps[0]!.placements[0] as Partial<IrPlacement>).engine;
    assert.ok(validateIr(program).length > 0);
  });
});
