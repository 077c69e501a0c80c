// The surrogate models of MESMO and CF-MESMO: the ARD Gaussian process (length scales, signal and
// noise by maximum likelihood), the cost model, and the pieces of the acquisition.
import assert from 'node:assert/strict';
import {
  CostModel,
  fidelityAdmissible,
  floorMaxima,
  GaussianProcess,
  lowerFidelityGain,
  mesTerm,
} from '@pim/runtime/explore';
import { Rng } from '@pim/runtime/train';

/** n points uniform in [0, 1]^p and a draw of a GP prior with the given length scales at them (plus noise). */
function priorDraw(n: number, lengths: number[], noiseSd: number, seed: number): { X: number[][]; y: number[] } {
  const rng = new Rng(seed);
  const X = Array.from({ length: n }, () => lengths.map(() => rng.next()));
  const gp = new GaussianProcess([[...lengths.map(() => 5)]], [0], { fixed: { lengths, signal: 1, noise: 1e-6 } });
  // A draw from the prior: the posterior given one far-away point is the prior there.
  const f = gp.sample(X, 1, rng)[0]!;
  return { X, y: f.map((v) => v + noiseSd * rng.normal()) };
}

describe('explore: ARD Gaussian process', function () {
  this.timeout(120_000);

  it('recovers known length scales of a function drawn from a GP', () => {
    const { X, y } = priorDraw(120, [0.15, 0.6], 0.02, 7);
    const gp = new GaussianProcess(X, y, { seed: 1, restarts: 3 });
    const [l0, l1] = gp.hyper.lengths as [number, number];
    assert.ok(l0 > 0.15 / 1.6 && l0 < 0.15 * 1.6, `first length scale ${l0}, drawn with 0.15`);
    assert.ok(l1 > 0.6 / 1.8 && l1 < 0.6 * 1.8, `second length scale ${l1}, drawn with 0.6`);
    assert.ok(l1 > 2 * l0, 'the smoother direction gets the longer length scale');
    // The noise it finds is of the order of the one added (0.02 on a unit signal).
    assert.ok(gp.noiseSd > 0.005 && gp.noiseSd < 0.08, `noise sd ${gp.noiseSd}`);
  });

  it('a dimension that does not matter gets a long length scale', () => {
    const rng = new Rng(3);
    const X = Array.from({ length: 60 }, () => [rng.next(), rng.next(), rng.next()]);
    const y = X.map(([a, , c]) => Math.sin(5 * a!) + 0.5 * Math.cos(3 * c!));
    const gp = new GaussianProcess(X, y, { seed: 2 });
    const [la, lb, lc] = gp.hyper.lengths as [number, number, number];
    assert.ok(lb > 5, `the irrelevant coordinate's length scale is ${lb}`);
    assert.ok(lb > 5 * la && lb > 5 * lc, `irrelevant ${lb} against ${la}, ${lc}`);
    // And the fit predicts unseen points well.
    const test = Array.from({ length: 20 }, () => [rng.next(), rng.next(), rng.next()]);
    const { mean } = gp.predict(test);
    test.forEach(([a, , c], i) =>
      assert.ok(Math.abs(mean[i]! - (Math.sin(5 * a!) + 0.5 * Math.cos(3 * c!))) < 0.1, `prediction ${i}`),
    );
  });

  it('maximises the likelihood: the fit is at least as likely as the defaults, and restarts never lower it', () => {
    const { X, y } = priorDraw(50, [0.3, 0.3, 2], 0.05, 11);
    const fixed = new GaussianProcess(X, y, { fixed: { lengths: [0.5, 0.5, 0.5], signal: 1, noise: 1e-2 } });
    const one = new GaussianProcess(X, y, { seed: 4, restarts: 0 });
    const more = new GaussianProcess(X, y, { seed: 4, restarts: 4 });
    assert.ok(one.lml >= fixed.lml, `${one.lml} vs ${fixed.lml}`);
    assert.ok(more.lml >= one.lml - 1e-9, `${more.lml} vs ${one.lml}`);
  });

  it('the same seed gives the same fit', () => {
    const { X, y } = priorDraw(30, [0.3, 0.8], 0.05, 5);
    assert.deepEqual(new GaussianProcess(X, y, { seed: 9 }).hyper, new GaussianProcess(X, y, { seed: 9 }).hyper);
  });
});

describe('explore: acquisition pieces', () => {
  it('the floor raises sampled maxima below the best observed value plus 5 noise sd, and leaves the others', () => {
    assert.deepEqual(floorMaxima([0.5, 0.9, 0.7], 0.6, 0.02), [0.7, 0.9, 0.7]);
    assert.deepEqual(floorMaxima([0.5], 0.6, 0), [0.6]);
  });

  it('the lower-fidelity term: nothing at ρ = 0, the full-fidelity term as ρ → 1, growing with |ρ|', () => {
    for (const g of [-3, -1, 0, 1.5, 3]) {
      assert.ok(Math.abs(lowerFidelityGain(g, 0)) < 1e-9);
      assert.ok(
        Math.abs(lowerFidelityGain(g, 0.9998) - mesTerm(g)) < 0.05 * mesTerm(g) + 1e-3,
        `γ ${g}: ${lowerFidelityGain(g, 0.9998)} vs ${mesTerm(g)}`,
      );
      let prev = 0;
      for (const rho of [0.2, 0.5, 0.8, 0.95, 0.99, 0.999, 0.9998]) {
        const v = lowerFidelityGain(g, rho);
        assert.ok(v >= prev - 1e-9 && v <= mesTerm(g) + 1e-6, `γ ${g}, ρ ${rho}: ${v}`);
        prev = v;
      }
    }
    // Symmetric in the sign of ρ (an anticorrelated observation tells as much), finite far in the tail.
    assert.equal(lowerFidelityGain(0.5, -0.6), lowerFidelityGain(0.5, 0.6));
    assert.ok(Number.isFinite(lowerFidelityGain(-40, 0.9)) && lowerFidelityGain(-40, 0.9) > 0);
  });

  it('the lower-fidelity term agrees with a Monte Carlo estimate of the entropy reduction', () => {
    // H[g] − H[g | f ≤ y*] for (g, f) standard bivariate normal with correlation ρ: sample, keep f ≤ γ,
    // and estimate the entropy of the kept g by a fine histogram.
    const rng = new Rng(8);
    const [gamma, rho] = [0.3, 0.8];
    const kept: number[] = [];
    for (let i = 0; i < 400_000; i++) {
      const g = rng.normal();
      const f = rho * g + Math.sqrt(1 - rho * rho) * rng.normal();
      if (f <= gamma) kept.push(g);
    }
    const bins = new Map<number, number>();
    const w = 0.05;
    for (const g of kept) bins.set(Math.floor(g / w), (bins.get(Math.floor(g / w)) ?? 0) + 1);
    let h = 0;
    for (const c of bins.values()) {
      const p = c / kept.length;
      h -= p * Math.log(p / w);
    }
    const mc = 0.5 * Math.log(2 * Math.PI * Math.E) - h;
    assert.ok(
      Math.abs(mc - lowerFidelityGain(gamma, rho)) < 0.01,
      `Monte Carlo ${mc} vs ${lowerFidelityGain(gamma, rho)}`,
    );
  });

  it('the fidelity filter admits a cheap fidelity while it is uncertain and informative, not after', () => {
    // Well correlated with the highest fidelity (κ 0.95), a quarter of the cost, 4 design dimensions.
    assert.equal(fidelityAdmissible(0.9, 0.95, 0.25, 4), true);
    assert.equal(fidelityAdmissible(0.2, 0.95, 0.25, 4), false);
    // Uncorrelated: only near-prior uncertainty passes, and the dearer, the higher the bar.
    assert.equal(fidelityAdmissible(0.5, 0, 0.25, 4), false);
    assert.ok(!fidelityAdmissible(0.85, 0, 0.9, 4) && fidelityAdmissible(0.85, 0, 0.1, 4));
  });
});

describe('explore: cost model', function () {
  this.timeout(60_000);

  it('in epochs, the cost of z epochs is z', () => {
    assert.deepEqual(new CostModel('epochs', []).predict([[0], [1]], [1, 3]), [1, 3]);
  });

  it('in CPU seconds, learns a cost that grows with the fidelity and depends on the design', () => {
    // Design coordinate a: 1 s per epoch at a = 0 up to 20 s per epoch at a = 1 (log-linear); b does not matter.
    const truth = (a: number, z: number) => z * Math.exp(Math.log(20) * a);
    const rng = new Rng(2);
    const obs = Array.from({ length: 40 }, () => {
      const a = rng.next();
      const b = rng.next();
      const z = 1 + rng.int(4);
      return { input: [a, b, (z - 1) / 3], epochs: z, cpuSeconds: truth(a, z) * Math.exp(0.05 * rng.normal()) };
    });
    const m = new CostModel('cpu', obs, { seed: 3 });
    const test = [
      [0.1, 0.5, 0, 1],
      [0.9, 0.2, 1, 4],
      [0.5, 0.9, 1 / 3, 2],
    ] as const;
    const got = m.predict(
      test.map(([a, b, zf]) => [a, b, zf]),
      test.map((t) => t[3]),
    );
    test.forEach(([a, , , z], i) => {
      const want = truth(a, z);
      assert.ok(got[i]! > want / 1.3 && got[i]! < want * 1.3, `cost at a ${a}, ${z} epochs: ${got[i]} vs ${want}`);
    });
    assert.ok(m.hyper!.lengths[1]! > 3, `the irrelevant coordinate's length scale ${m.hyper!.lengths[1]}`);
  });

  it('before two costs are known, predicts the mean CPU seconds per epoch times the epochs', () => {
    const m = new CostModel('cpu', [{ input: [0, 1], epochs: 2, cpuSeconds: 6 }]);
    assert.deepEqual(m.predict([[0.5, 0]], [1]), [3]);
  });
});
