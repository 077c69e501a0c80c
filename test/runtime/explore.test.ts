// The explorer: Pareto tools and the exact hypervolume, the Gaussian process, and the four methods on
// problems whose answers are known (brute force over small spaces, synthetic accuracy surfaces).
import assert from 'node:assert/strict';
import {
  crowdingDistance,
  DesignSpace,
  dominates,
  explore,
  ExploreError,
  GaussianProcess,
  hypervolume,
  mesTerm,
  nonDominatedSort,
  paretoFront,
  type DesignProblem,
  type ExploreResult,
  type HardwareOutcome,
} from '@pim/runtime/explore';
import { Rng } from '@pim/runtime/train';

describe('explore: Pareto tools', () => {
  it('dominance, the front and the non-dominated sort agree on a hand-made set', () => {
    const pts = [
      [1, 3],
      [2, 2],
      [3, 1],
      [2, 3],
      [3, 3],
      [1, 3],
    ];
    assert.ok(dominates([1, 1], [1, 2]));
    assert.ok(!dominates([1, 2], [1, 2]));
    assert.ok(!dominates([1, 3], [3, 1]));
    assert.deepEqual(paretoFront(pts), [0, 1, 2, 5]);
    assert.deepEqual(nonDominatedSort(pts), [[0, 1, 2, 5], [3], [4]]);
    const cd = crowdingDistance(pts, [0, 1, 2]);
    assert.equal(cd.get(0), Infinity);
    assert.equal(cd.get(2), Infinity);
    assert.equal(cd.get(1), (3 - 1) / 2 + (3 - 1) / 2);
  });

  it('the hypervolume is exact in 2 and 3 dimensions', () => {
    assert.equal(
      hypervolume(
        [
          [1, 3],
          [2, 2],
          [3, 1],
        ],
        [4, 4],
      ),
      6,
    );
    assert.equal(hypervolume([[0, 0, 0]], [1, 1, 1]), 1);
    // Two boxes overlapping in [0.5, 1]² × [0.5, 1]: 0.5 + 0.25 − 0.125.
    assert.equal(
      hypervolume(
        [
          [0, 0, 0.5],
          [0.5, 0.5, 0],
        ],
        [1, 1, 1],
      ),
      0.625,
    );
    // Points outside the reference box count for nothing.
    assert.equal(
      hypervolume(
        [
          [2, 0],
          [0.5, 0.5],
        ],
        [1, 1],
      ),
      0.25,
    );
  });

  it('the 4-objective hypervolume matches a Monte Carlo estimate', () => {
    const rng = new Rng(7);
    const pts = Array.from({ length: 12 }, () => [rng.next(), rng.next(), rng.next(), rng.next()]);
    const ref = [1, 1, 1, 1];
    const exact = hypervolume(pts, ref);
    let hits = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const q = [rng.next(), rng.next(), rng.next(), rng.next()];
      if (pts.some((p) => p.every((v, k) => v <= q[k]!))) hits++;
    }
    const mc = hits / n;
    assert.ok(Math.abs(exact - mc) < 4 * Math.sqrt((mc * (1 - mc)) / n) + 1e-3, `exact ${exact} vs Monte Carlo ${mc}`);
  });
});

describe('explore: Gaussian process', () => {
  const f = (x: number) => Math.sin(6 * x) + 0.5 * x;
  const X = [0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1].map((x) => [x]);
  const y = X.map(([x]) => f(x!));

  it('interpolates noise-free data, and is unsure away from it', () => {
    const gp = new GaussianProcess(X, y);
    const at = gp.predict(X);
    at.mean.forEach((m, i) => assert.ok(Math.abs(m - y[i]!) < 0.05, `mean ${m} vs ${y[i]}`));
    const mid = gp.predict([[0.525]]);
    assert.ok(Math.abs(mid.mean[0]! - f(0.525)) < 0.15, `between points: ${mid.mean[0]} vs ${f(0.525)}`);
    const far = gp.predict([[3]]);
    assert.ok(far.sd[0]! > 5 * Math.max(...at.sd), 'the posterior widens away from the data');
  });

  it('joint samples have the posterior mean and variance', () => {
    const gp = new GaussianProcess(X.slice(0, 4), y.slice(0, 4));
    const Xs = [[0.2], [0.7]];
    const { mean, sd } = gp.predict(Xs);
    const draws = gp.sample(Xs, 4000, new Rng(3));
    for (let j = 0; j < 2; j++) {
      const v = draws.map((d) => d[j]!);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      const s = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
      assert.ok(Math.abs(m - mean[j]!) < 4 * (sd[j]! / Math.sqrt(v.length)) + 1e-6, `mean ${m} vs ${mean[j]}`);
      assert.ok(Math.abs(s - sd[j]!) < 0.1 * sd[j]! + 1e-6, `sd ${s} vs ${sd[j]}`);
    }
  });

  it('the marginal likelihood picks a longer length scale for a smoother function', () => {
    const grid = Array.from({ length: 12 }, (_, i) => [i / 11]);
    const smooth = new GaussianProcess(
      grid,
      grid.map(([x]) => x! * x!),
    );
    const wiggly = new GaussianProcess(
      grid,
      grid.map(([x]) => Math.sin(30 * x!)),
    );
    assert.ok(
      smooth.hyper.lengths[0]! > wiggly.hyper.lengths[0]!,
      `smooth ${smooth.hyper.lengths[0]} vs wiggly ${wiggly.hyper.lengths[0]}`,
    );
  });
});

/** A three-parameter space with cheap analytic objectives, and a synthetic accuracy surface. */
export function problem(opts: {
  accuracy?: boolean;
  budget: number;
  seed?: number;
  infeasible?: (p: readonly number[]) => boolean;
  fidelity?: { min: number; max: number };
}): DesignProblem {
  const space = new DesignSpace([
    { path: 'a.rows', owner: 'a', attribute: 'rows', values: [64, 128, 256, 512] },
    { path: 'cell.bits', owner: 'cell', attribute: 'bits', values: [1, 2, 3, 4, 5, 6] },
    { path: 'a.clock', owner: 'a', attribute: 'clock', values: [0.5e9, 1e9, 1.5e9] },
  ]);
  const full = opts.fidelity?.max ?? 3;
  return {
    space,
    objectives: [
      { name: 'area', sense: 'minimize' },
      { name: 'latency', sense: 'minimize' },
      ...(opts.accuracy ? [{ name: 'accuracy', sense: 'maximize' as const }] : []),
    ],
    hardware: (p): HardwareOutcome => {
      if (opts.infeasible?.(p)) return { infeasible: 'PIM4001: does not fit' };
      const rows = [64, 128, 256, 512][p[0]!]!;
      const bits = p[1]! + 1;
      const clock = [0.5, 1, 1.5][p[2]!]!;
      return { area: rows * rows * (1 + 0.3 * bits) + 2000 * clock, latency: 1 / (clock * rows * bits) };
    },
    // Peaks at 4 bits per cell, falls with more rows (IR drop); lower fidelity reads lower.
    ...(opts.accuracy
      ? {
          accuracy: async (p: readonly number[], epochs: number) => {
            const bits = p[1]! + 1;
            const peak = 0.95 - 0.04 * (bits - 4) ** 2 - 0.03 * p[0]!;
            return Math.max(0.1, peak - 0.08 * (full - epochs));
          },
        }
      : {}),
    fullEpochs: full,
    ...(opts.fidelity ? { fidelity: opts.fidelity } : {}),
    budget: opts.budget,
    seed: opts.seed ?? 1,
    population: 8,
    samples: 8,
  };
}

function bruteFront(p: DesignProblem): Set<string> {
  const all = p.space.enumerate();
  const vals = all.map((pt) => p.hardware(pt) as Record<string, number>);
  return new Set(paretoFront(vals.map((v) => [v['area']!, v['latency']!])).map((i) => p.space.key(all[i]!)));
}

const frontKeys = (p: DesignProblem, r: ExploreResult): Set<string> =>
  new Set(r.front.map((i) => p.space.key(r.evaluations[i]!.point)));

describe('explore: methods', function () {
  this.timeout(60_000);

  it('random with a budget of the whole space finds the exact front; NSGA-II beats random at half of it', async () => {
    const exhaustive = problem({ budget: 72 });
    const r = await explore(exhaustive, 'random');
    assert.equal(r.evaluations.length, 72);
    assert.deepEqual(frontKeys(exhaustive, r), bruteFront(exhaustive));
    const best = r.trace.at(-1)!.hypervolume;
    let nsga = 0;
    let rand = 0;
    for (let seed = 1; seed <= 5; seed++) {
      nsga += (await explore(problem({ budget: 36, seed }), 'nsga2')).trace.at(-1)!.hypervolume / 5;
      rand += (await explore(problem({ budget: 36, seed }), 'random')).trace.at(-1)!.hypervolume / 5;
    }
    assert.ok(nsga > rand, `mean hypervolume at 36 of 72 designs: NSGA-II ${nsga} vs random ${rand}`);
    assert.ok(nsga > 0.995 * best, `NSGA-II ${nsga} vs the exact front's ${best}`);
  });

  it('grid visits designs in order (the last parameter fastest) until its budget ends', async () => {
    const p = problem({ budget: 10 });
    const r = await explore(p, 'grid');
    assert.deepEqual(
      r.evaluations.map((e) => e.point),
      p.space.enumerate().slice(0, 10),
    );
    assert.deepEqual(p.space.enumerate()[3], [0, 1, 0]);
    const all = await explore(problem({ budget: 72 }), 'grid');
    assert.deepEqual(frontKeys(p, all), bruteFront(p));
  });

  it('every method keeps to its budget, and the same seed gives the same run', async () => {
    for (const m of ['random', 'grid', 'nsga2', 'mesmo', 'cf_mesmo'] as const) {
      const p = problem({ accuracy: true, budget: 20, fidelity: { min: 1, max: 3 } });
      const a = await explore(p, m);
      const b = await explore(problem({ accuracy: true, budget: 20, fidelity: { min: 1, max: 3 } }), m);
      assert.ok(a.spent <= 20 && a.spent > 0, `${m} spent ${a.spent}`);
      assert.equal(
        a.spent,
        a.evaluations.reduce((s, e) => s + e.cost, 0),
      );
      assert.deepEqual(
        a.evaluations.map((e) => [e.point, e.epochs]),
        b.evaluations.map((e) => [e.point, e.epochs]),
        m,
      );
      if (m === 'grid') continue; // the one method with no randomness
      const c = await explore(problem({ accuracy: true, budget: 20, seed: 9, fidelity: { min: 1, max: 3 } }), m);
      assert.notDeepEqual(
        a.evaluations.map((e) => e.point),
        c.evaluations.map((e) => e.point),
        `${m}: another seed, another run`,
      );
    }
  });

  it('designs the compiler rejects are listed, never evaluated', async () => {
    const p = problem({ budget: 30, infeasible: (pt) => pt[0] === 3 });
    for (const m of ['random', 'nsga2'] as const) {
      const r = await explore(p, m);
      assert.ok(r.evaluations.every((e) => e.point[0] !== 3));
      assert.ok(
        r.infeasible.length > 0 && r.infeasible.every((i) => i.params['a.rows'] === 512 && /PIM4001/.test(i.reason)),
      );
    }
  });

  it('CF-MESMO spends part of its budget at lower fidelity; MESMO only at full', async () => {
    const cf = await explore(problem({ accuracy: true, budget: 30, fidelity: { min: 1, max: 3 } }), 'cf_mesmo');
    assert.ok(
      cf.evaluations.some((e) => e.epochs! < 3),
      'some designs evaluated at 1 or 2 epochs',
    );
    const single = await explore(problem({ accuracy: true, budget: 30, fidelity: { min: 1, max: 3 } }), 'mesmo');
    assert.ok(single.evaluations.every((e) => e.epochs === 3));
    assert.equal(single.evaluations.length, 10);
  });

  it('MESMO finds the most accurate design where random search mostly does not, over five seeds', async () => {
    // 15 full-fidelity evaluations of 72 designs (24 distinct accuracies; the clock does not matter).
    let mesmoBest = 0;
    let randomBest = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const best = (r: ExploreResult) => Math.max(...r.evaluations.map((e) => e.objectives['accuracy']!));
      mesmoBest += best(await explore(problem({ accuracy: true, budget: 45, seed }), 'mesmo')) / 5;
      randomBest += best(await explore(problem({ accuracy: true, budget: 45, seed }), 'random')) / 5;
    }
    assert.ok(mesmoBest > randomBest, `MESMO ${mesmoBest} vs random ${randomBest}`);
    assert.ok(mesmoBest > 0.949, `MESMO reaches the peak (0.95) every time: ${mesmoBest}`);
  });

  it('NSGA-II in a space smaller than its budget stops once every design is evaluated', async () => {
    const tiny = new DesignSpace([
      { path: 'a.x', owner: 'a', attribute: 'x', values: [1, 2, 3] },
      { path: 'a.y', owner: 'a', attribute: 'y', values: [1, 2] },
    ]);
    const p: DesignProblem = {
      space: tiny,
      objectives: [
        { name: 'area', sense: 'minimize' },
        { name: 'latency', sense: 'minimize' },
      ],
      hardware: (pt) => ({ area: pt[0]! + 1, latency: 3 - pt[0]! + pt[1]! }),
      fullEpochs: 1,
      budget: 50,
      seed: 1,
      population: 4,
    };
    const r = await explore(p, 'nsga2');
    assert.ok(r.evaluations.length <= 6);
    assert.equal(
      new Set(r.evaluations.map((e) => e.point.join())).size,
      r.evaluations.length,
      'no design charged twice',
    );
  });

  it('CF-MESMO never trains a design at a lower fidelity once it is measured at full', async () => {
    const r = await explore(problem({ accuracy: true, budget: 40, fidelity: { min: 1, max: 3 } }), 'cf_mesmo');
    const fullAt = new Map<string, number>();
    for (const e of r.evaluations) {
      const k = e.point.join();
      if (fullAt.has(k))
        assert.ok(
          e.epochs === 3 || e.index < fullAt.get(k)!,
          `design ${k} at ${e.epochs} epochs after its full-fidelity measurement`,
        );
      if (e.epochs === 3 && !fullAt.has(k)) fullAt.set(k, e.index);
    }
  });

  it("MESMO's entropy term is continuous where its asymptotic form takes over, and positive", () => {
    assert.ok(Math.abs(mesTerm(-29.9999) - mesTerm(-30.0001)) < 0.01);
    for (const g of [-100, -30, -5, 0, 2, 8])
      assert.ok(mesTerm(g) > 0 && Number.isFinite(mesTerm(g)), `γ = ${g}: ${mesTerm(g)}`);
    assert.ok(
      mesTerm(-5) > mesTerm(0) && mesTerm(0) > mesTerm(2),
      'more to learn where the mean is far above the sampled maxima',
    );
  });

  it('MESMO without an expensive objective is refused with a reason', async () => {
    await assert.rejects(
      () => explore(problem({ budget: 10 }), 'mesmo'),
      (e: unknown) => e instanceof ExploreError && /use random or nsga2/.test(e.message),
    );
  });
});
