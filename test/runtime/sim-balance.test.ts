// Balanced replication weighs each stage's rounds of MVMs by one MVM's time, the simulator's: on
// crossbars whose ADCs are shared, copies of a layer that share an ADC take no time off it, and a layer
// with more columns a copy is slower a round. The fixture (fixtures/balance.pim) has both.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { adcGroups, busiestAdcGroup, mvmTiming, type IrLayer, type IrPlacement, type IrProgram } from '@pim/ir';
import { simulate } from '@pim/runtime/sim';
import { compiledFixture } from './fixtures/compiled.js';

interface Stage {
  layer: IrLayer;
  placement: IrPlacement;
}

function stages(ir: IrProgram, mapping: string): Stage[] {
  const m = ir.mappings.find((x) => x.name === mapping)!;
  const model = ir.models.find((x) => x.name === m.model)!;
  return m.placements.filter((p) => p.crossbar).map((p) => ({ layer: model.layers[p.index]!, placement: p }));
}

/** A stage's time with r copies, by @pim/ir's rule: ⌈mvms / r⌉ rounds of one MVM with r copies on the tile. */
function stageTime(ir: IrProgram, s: Stage, r: number): number {
  const tile = ir.architectures[0]!.tile_types.find((t) => t.name === s.placement.target)!;
  const { rows, cols } = s.layer.weights!;
  const mvm = mvmTiming(tile, rows, cols, s.placement.crossbar!.slices, ir.mappings[0]!.input_bits, r).mvm_s;
  return Math.ceil(s.layer.mvms / r) * mvm;
}

/** The least slowest-stage time any replication that fits the tile type's crossbars gives (exhaustive). */
function bestPeriod(ir: IrProgram, all: Stage[], capacity: number): number {
  let best = Infinity;
  const walk = (i: number, left: number, slowest: number): void => {
    if (slowest >= best) return;
    if (i === all.length) {
      best = slowest;
      return;
    }
    const s = all[i]!;
    const per = s.placement.crossbar!.crossbars;
    for (let r = 1; r * per <= left - rest(i + 1); r++)
      walk(i + 1, left - r * per, Math.max(slowest, stageTime(ir, s, r)));
  };
  const rest = (from: number): number => all.slice(from).reduce((a, s) => a + s.placement.crossbar!.crossbars, 0);
  walk(0, capacity, 0);
  return best;
}

/** The slowest stage's time with the mapping's replication. */
const period = (ir: IrProgram, all: Stage[]): number =>
  Math.max(...all.map((s) => stageTime(ir, s, s.placement.crossbar!.replication)));

describe('sim: balanced replication in stage time', () => {
  const ir = compiledFixture('balance');
  const all = stages(ir, 'balanced_map');
  const report = simulate(ir, { mapping: 'balanced_map' });
  const tile = ir.architectures[0]!.tile_types[0]!;
  const capacity = tile.count * tile.crossbars_per_tile;

  it("the compiler's stage times are the simulator's", () => {
    for (const s of all) {
      const layer = report.layers.find((l) => l.name === s.layer.name)!;
      assert.equal(layer.time_s, stageTime(ir, s, s.placement.crossbar!.replication), s.layer.name);
    }
  });

  it('reaches the least pipeline period the crossbars allow (against every replication that fits)', () => {
    const slowest = period(ir, all);
    const best = bestPeriod(ir, all, capacity);
    assert.ok(Math.abs(slowest - best) <= 1e-9 * best, `balanced gives ${slowest} s, the best is ${best} s`);
    assert.equal(report.summary.period_s, slowest);
    assert.ok(ir.mappings[0]!.totals.crossbars_used <= capacity);
  });

  it('holds no copy that takes no time off its stage', () => {
    for (const s of all) {
      const r = s.placement.crossbar!.replication;
      if (r > 1)
        assert.ok(
          stageTime(ir, s, r - 1) > stageTime(ir, s, r),
          `${s.layer.name}: ${r} copies run no faster than ${r - 1}`,
        );
    }
  });

  it('copies sharing an ADC take no time off a stage: the slower layer gets copies on other ADCs', () => {
    const c2 = all.find((s) => s.layer.name === 'c2')!;
    // Two to four copies of c2 on one ADC group convert 2–4× the columns each step: 28.8 µs, as one copy.
    for (const r of [2, 3, 4]) assert.equal(stageTime(ir, c2, r), stageTime(ir, c2, 1));
    assert.ok(c2.placement.crossbar!.replication > 4);
  });

  it('reaches the least period on other crossbars, ADC rates and read times too (design points)', () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(32, 64, 128, 256),
        fc.constantFrom(0.16e9, 0.64e9, 1.28e9, 5.12e9),
        fc.constantFrom(10e-9, 100e-9, 400e-9),
        (cols, rate, read) => {
          runs++;
          const point = compiledFixture('balance', [
            { path: 'shared_adcs.t.ima.crossbar.cols', value: cols },
            { path: 'shared_adcs.t.ima.adc.rate', value: rate },
            { path: 'reram2b.read_latency', value: read },
          ]);
          const stagesHere = stages(point, 'balanced_map');
          const tt = point.architectures[0]!.tile_types[0]!;
          const best = bestPeriod(point, stagesHere, tt.count * tt.crossbars_per_tile);
          const got = period(point, stagesHere);
          assert.ok(
            Math.abs(got - best) <= 1e-9 * best,
            `${cols} cols, ${rate} S/s, ${read} s: ${got} s, best ${best} s`,
          );
        },
      ),
      { numRuns: 16, seed: 7 },
    );
    assert.equal(runs, 16);
  });

  it("the busiest ADC group from one period of IMAs is the whole scan's (any layout, copies and sharing)", () => {
    // The reference: every IMA the copies reach, group by group.
    const scan = (
      n: number,
      adcs: number,
      C: number,
      cols: number,
      rowTiles: number,
      colTiles: number,
      copies: number,
    ) => {
      const groups = adcGroups(n, adcs);
      const perCopy = rowTiles * colTiles;
      const lastCols = cols - (colTiles - 1) * C;
      let best = { cols: 0, adcs: 1 };
      for (let ima = 0; ima * n < perCopy * copies; ima++)
        for (const g of groups) {
          let sum = 0;
          for (let i = ima * n + g.start; i < Math.min(perCopy * copies, ima * n + g.start + g.size); i++)
            sum += (i % perCopy) % colTiles === colTiles - 1 ? lastCols : C;
          if (sum * best.adcs > best.cols * g.adcs) best = { cols: sum, adcs: g.adcs };
        }
      return best;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 14 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 64 }),
        (n, adcs, rowTiles, colTiles, copies) => {
          const C = 16;
          const cols = (colTiles - 1) * C + 1 + ((n * copies) % C);
          assert.deepEqual(
            busiestAdcGroup(adcGroups(n, adcs), C, cols, rowTiles, colTiles, copies),
            scan(n, adcs, C, cols, rowTiles, colTiles, copies),
          );
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});
