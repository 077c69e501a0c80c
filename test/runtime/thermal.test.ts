// The compact thermal model against HotSpot 6 (test/runtime/fixtures/thermal: three stacks, every
// block), against the closed form of a one-dimensional stack, and its conjugate gradient on its own.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import {
  solveSteady,
  DEFAULT_PACKAGE,
  conjugateGradient,
  ConductanceBuilder,
  ThermalError,
  type ThermalLayer,
  type ThermalStack,
} from '@pim/runtime/thermal';

const FIXTURES = 'test/runtime/fixtures/thermal';

interface RefBlock {
  layer: number;
  name: string;
  temperature: number;
}

function loadCase(name: string): { stack: ThermalStack; blocks: RefBlock[]; pkg: Map<string, number> } {
  const lines = fs.readFileSync(`${FIXTURES}/${name}.tsv`, 'utf8').trim().split('\n').slice(1);
  const layers: ThermalLayer[] = [];
  const blocks: RefBlock[] = [];
  for (const line of lines) {
    const [layer, material, thickness, k, block, x, y, w, h, power, temperature] = line.split('\t');
    const l = Number(layer);
    layers[l] ??= { name: material, thickness: Number(thickness), conductivity: Number(k), blocks: [] };
    layers[l].blocks.push({
      name: block,
      x: Number(x),
      y: Number(y),
      w: Number(w),
      h: Number(h),
      power: Number(power),
    });
    blocks.push({ layer: l, name: block, temperature: Number(temperature) });
  }
  const pkg = new Map(
    fs
      .readFileSync(`${FIXTURES}/${name}.package.tsv`, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .map(([n, t]) => [n, Number(t)] as [string, number]),
  );
  return { stack: { width: 0.008, height: 0.008, layers, package: DEFAULT_PACKAGE }, blocks, pkg };
}

const AMBIENT = DEFAULT_PACKAGE.ambient;

describe('thermal: against HotSpot 6 (three stacks)', () => {
  const solved = new Map<string, ReturnType<typeof solveSteady>>();
  const solve = (name: string) => {
    if (!solved.has(name)) solved.set(name, solveSteady(loadCase(name).stack));
    return solved.get(name)!;
  };

  for (const name of ['t1', 't2a', 't2b']) {
    it(`${name}: every block's rise above ambient within 10% of HotSpot's (and within 1%)`, () => {
      const { blocks } = loadCase(name);
      const sol = solve(name);
      assert.equal(sol.blocks.length, blocks.length);
      let worst = 0;
      for (const ref of blocks) {
        const ours = sol.blocks.find((b) => b.layer === ref.layer && b.name === ref.name);
        assert.ok(ours, `${ref.name} solved`);
        const err = (ours.centre - AMBIENT) / (ref.temperature - AMBIENT) - 1;
        assert.ok(
          Math.abs(err) <= 0.1,
          `${name} ${ref.name}: rise ${(ours.centre - AMBIENT).toFixed(2)} K vs HotSpot ${(ref.temperature - AMBIENT).toFixed(2)} K`,
        );
        worst = Math.max(worst, Math.abs(err));
      }
      // the model follows HotSpot's network, so it should agree far better than the 10% asked
      assert.ok(worst <= 0.01, `${name}: worst relative error of a rise ${(worst * 100).toFixed(2)}%`);
    });

    it(`${name}: the package's peripheral nodes within 10% of HotSpot's rises`, () => {
      const { pkg } = loadCase(name);
      const sol = solve(name);
      sol.peripheral.forEach((t, i) => {
        const ref = pkg.get(`inode_${i}`)!;
        assert.ok(Math.abs((t - AMBIENT) / (ref - AMBIENT) - 1) <= 0.1, `inode_${i}: ${t.toFixed(2)} vs ${ref}`);
      });
    });
  }

  it('the ReRAM tier is hotter when it is far from the sink (t2a) than near it (t2b), as HotSpot has it', () => {
    const rram = (name: string) => solve(name).blocks.filter((b) => b.name.startsWith('rram_'));
    const far = rram('t2a');
    const near = rram('t2b');
    const mean = (bs: { centre: number }[]) => bs.reduce((s, b) => s + b.centre, 0) / bs.length;
    assert.ok(mean(far) > mean(near) + 1, `far ${mean(far).toFixed(2)} K, near ${mean(near).toFixed(2)} K`);
    const ref = (name: string) => loadCase(name).blocks.filter((b) => b.name.startsWith('rram_'));
    const refMean = (bs: RefBlock[]) => bs.reduce((s, b) => s + b.temperature, 0) / bs.length;
    // the difference between the two orders, ours against HotSpot's, within 10%
    const ours = mean(far) - mean(near);
    const theirs = refMean(ref('t2a')) - refMean(ref('t2b'));
    assert.ok(Math.abs(ours / theirs - 1) <= 0.1, `difference ${ours.toFixed(2)} K vs HotSpot ${theirs.toFixed(2)} K`);
    // and the GPU is hotter far from the sink too
    const gpu = (name: string) => mean(solve(name).blocks.filter((b) => b.name.startsWith('gpu_')));
    assert.ok(gpu('t2b') > gpu('t2a'));
  });
});

describe('thermal: a uniform one-dimensional stack against its closed form', () => {
  // A spreader and a sink exactly the die's size leave no lateral path: every column of cells is the
  // same series of resistances from the heated layers to the air, so each layer's temperature is
  // ambient + Σ (heat crossing each resistance) × resistance. The model's conventions (HotSpot's):
  // between stacked cells half of each one's thickness, except the farthest layer's whole thickness;
  // the sink's share of convection lies in its vertical resistance (half of it towards the spreader)
  // and wholly between the sink and the air, together with the sink's thickness.
  const W = 0.004;
  const layers: ThermalLayer[] = [
    { name: 'si0', thickness: 150e-6, conductivity: 100, blocks: [{ name: 'a', x: 0, y: 0, w: W, h: W, power: 6 }] },
    { name: 'bond', thickness: 20e-6, conductivity: 4, blocks: [{ name: 'bond', x: 0, y: 0, w: W, h: W, power: 0 }] },
    { name: 'si1', thickness: 150e-6, conductivity: 100, blocks: [{ name: 'b', x: 0, y: 0, w: W, h: W, power: 2 }] },
    { name: 'tim', thickness: 20e-6, conductivity: 4, blocks: [{ name: 'tim', x: 0, y: 0, w: W, h: W, power: 0 }] },
  ];
  const pkg = { ...DEFAULT_PACKAGE, spreaderSide: W, sinkSide: W };
  const stack: ThermalStack = { width: W, height: W, layers, package: pkg };

  it('every layer within 0.1% of the analytic rise (and the grid is flat)', () => {
    const A = W * W;
    const r = (t: number, k: number) => t / (k * A);
    const slabs = [
      ...layers.map((l) => r(l.thickness, l.conductivity)),
      r(pkg.spreaderThickness, pkg.spreaderConductivity),
      r(pkg.sinkThickness, pkg.sinkConductivity),
    ];
    const conv = pkg.convectionResistance; // the whole sink's share (sink side = die side)
    const between = slabs
      .slice(0, -1)
      .map((ru, n) => (n === 0 ? ru : ru / 2) + (n + 1 === slabs.length - 1 ? slabs[n + 1] + conv : slabs[n + 1]) / 2);
    const toAir = slabs[slabs.length - 1] + conv;
    const powers = [6, 0, 2, 0, 0, 0];
    // heat crossing the link below layer n = the power of layers 0..n
    const rise: number[] = [];
    const below = (n: number) => powers.slice(0, n + 1).reduce((a, b) => a + b, 0);
    rise[slabs.length - 1] = below(slabs.length - 1) * toAir;
    for (let n = slabs.length - 2; n >= 0; n--) rise[n] = rise[n + 1] + below(n) * between[n];
    const sol = solveSteady(stack, { rows: 16, cols: 16, tolerance: 1e-12 });
    sol.layers.forEach((l, n) => {
      const ours = l.mean - pkg.ambient;
      assert.ok(Math.abs(ours / rise[n] - 1) <= 1e-3, `${l.name}: ${ours} K vs ${rise[n]} K`);
      assert.ok(l.peak - l.mean < 1e-6 * rise[n], `${l.name} is flat`);
    });
    assert.ok(Math.abs(sol.sinkMean - pkg.ambient - rise[slabs.length - 1]) <= 1e-3 * rise[slabs.length - 1]);
  });

  it('the rise is proportional to the power (a linear network)', () => {
    const double: ThermalStack = {
      ...stack,
      layers: layers.map((l) => ({ ...l, blocks: l.blocks.map((b) => ({ ...b, power: 2 * b.power })) })),
    };
    const a = solveSteady(stack, { rows: 8, cols: 8, tolerance: 1e-12 });
    const b = solveSteady(double, { rows: 8, cols: 8, tolerance: 1e-12 });
    a.layers.forEach((l, n) =>
      assert.ok(Math.abs((b.layers[n].mean - pkg.ambient) / (l.mean - pkg.ambient) - 2) < 1e-6),
    );
  });
});

describe('thermal: solver and checks', () => {
  it('the conjugate gradient solves a small SPD system to the tolerance asked', () => {
    // a chain of 5 nodes, the last grounded: solution known by hand (all heat flows to the ground)
    const b = new ConductanceBuilder(5);
    for (let i = 0; i < 4; i++) b.connect(i, i + 1, 2);
    b.ground(4, 4);
    const rhs = Float64Array.from([1, 0, 0, 0, 0]);
    const { x, residual } = conjugateGradient(b.build(), rhs, { tolerance: 1e-12, maxIterations: 50 });
    // node 4: 1 W through 1/4 K/W = 0.25 K; each link above adds 0.5 K
    [2.25, 1.75, 1.25, 0.75, 0.25].forEach((t, i) => assert.ok(Math.abs(x[i] - t) < 1e-9, `x[${i}] = ${x[i]}`));
    assert.ok(residual <= 1e-12);
  });

  it('rejects a stack it cannot solve, naming what is wrong', () => {
    const ok = loadCase('t1').stack;
    assert.throws(
      () => solveSteady({ ...ok, package: { ...DEFAULT_PACKAGE, spreaderSide: 0.005 } }),
      (e: unknown) => e instanceof ThermalError && /spreader/.test(e.message),
    );
    assert.throws(() => solveSteady({ ...ok, layers: [] }), ThermalError);
    const bad = {
      ...ok,
      layers: [{ ...ok.layers[0], blocks: [{ ...ok.layers[0].blocks[0], power: NaN }] }, ok.layers[1]],
    };
    assert.throws(() => solveSteady(bad), /power must be finite/);
  });

  it('the multigrid preconditioner needs about as many iterations on a fine grid as on a coarse one', () => {
    // CG with a diagonal preconditioner needs hundreds here, and more the finer the grid
    const s = loadCase('t2a').stack;
    const its = [16, 32, 64].map((n) => solveSteady(s, { rows: n, cols: n }).iterations);
    assert.ok(Math.max(...its) <= 20, `iterations ${its}`);
    assert.ok(its[2] <= its[0] + 3, `iterations ${its}`);
  });

  it('grids that do not halve evenly solve too, to the same temperatures within the grid error', () => {
    const s = loadCase('t2a').stack;
    const ref = solveSteady(s, { rows: 64, cols: 64 });
    for (const [rows, cols] of [
      [37, 50],
      [30, 100],
    ]) {
      const x = solveSteady(s, { rows, cols });
      assert.ok(x.residual <= 1e-9);
      const rise = (t: number) => t - AMBIENT;
      assert.ok(Math.abs(rise(x.layers[0].mean) / rise(ref.layers[0].mean) - 1) < 0.01, `${rows} × ${cols}`);
    }
  });

  it('the same stack gives the same temperatures to the bit, whatever was solved before it', () => {
    // The solver reuses the last geometry's network and preconditioner: a stack solved right after
    // another of the same die, materials and grid (a reuse) must equal one solved after another grid (a rebuild).
    const s = loadCase('t2a').stack;
    const hotter = {
      ...s,
      layers: s.layers.map((l) => ({ ...l, blocks: l.blocks.map((b) => ({ ...b, power: 2 * b.power })) })),
    };
    const grid = { rows: 16, cols: 16 };
    const a = solveSteady(s, grid);
    const reused = solveSteady(hotter, grid);
    solveSteady(s, { rows: 8, cols: 8 }); // another grid: the next solve rebuilds
    const rebuilt = solveSteady(hotter, grid);
    assert.deepEqual(reused.blocks, rebuilt.blocks);
    assert.notDeepEqual(reused.blocks, a.blocks);
    assert.deepEqual(solveSteady(s, grid).blocks, a.blocks);
  });
});
