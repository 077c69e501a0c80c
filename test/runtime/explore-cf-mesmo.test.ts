// CF-MESMO on synthetic problems whose answer is known: when a cheap fidelity tells about the full one
// it is chosen often; when it tells nothing (its values are unrelated noise) CF-MESMO stops choosing it.
// Costs are CPU seconds that grow with the epochs and differ between designs, learnt by the cost model.
import assert from 'node:assert/strict';
import { DesignSpace, explore, fidelityLevels, MAX_FIDELITY_LEVELS, type DesignProblem } from '@pim/runtime/explore';

const FULL = 4;

function synthetic(informative: boolean, seed: number): DesignProblem {
  const space = new DesignSpace([
    { path: 'chip.a', owner: 'chip', attribute: 'a', values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
    { path: 'cell.b', owner: 'cell', attribute: 'b', values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
  ]);
  // The full-fidelity accuracy: one smooth peak; area falls with a, so the front trades them.
  const f = (a: number, b: number) => 0.9 - 0.5 * ((a - 6) / 9) ** 2 - 0.6 * ((b - 3) / 9) ** 2;
  // Lower fidelities: the same surface a little lower, or a deterministic hash (no relation to f).
  const noise = (a: number, b: number, z: number) => (Math.sin(a * 12.9898 + b * 78.233 + z * 37.719) * 43758.5453) % 1;
  const g = (a: number, b: number, z: number) =>
    z === FULL ? f(a, b) : informative ? f(a, b) - 0.04 * (FULL - z) : Math.abs(noise(a, b, z));
  return {
    space,
    objectives: [
      { name: 'area', sense: 'minimize' },
      { name: 'accuracy', sense: 'maximize' },
    ],
    hardware: (p) => ({ area: 10 - p[0]! }),
    accuracy: async (p, epochs) => {
      const [a, b] = [p[0]!, p[1]!];
      const perEpoch = 1 + a / 3;
      const curve = Array.from({ length: epochs }, (_, k) => g(a, b, k + 1));
      const cpuCurve = curve.map((_, k) => perEpoch * (k + 1));
      return {
        accuracy: curve.at(-1)!,
        curve,
        cpuCurve,
        cpuSeconds: cpuCurve.at(-1)!,
        wallSeconds: 0,
        job: `${a},${b}@${epochs}`,
        worker: 'test',
      };
    },
    fullEpochs: FULL,
    fidelity: { min: 1, max: FULL },
    budget: 120,
    costUnit: 'cpu',
    seed,
    samples: 8,
  };
}

describe('explore: CF-MESMO with a cost model', function () {
  this.timeout(600_000);

  it('chooses cheap fidelities while they are informative, and stops when they are not', async () => {
    const share = async (informative: boolean) => {
      let low = 0;
      let all = 0;
      for (const seed of [1, 2]) {
        const r = await explore(synthetic(informative, seed), 'cf_mesmo');
        // It stops when nothing informative is affordable, at most a full evaluation before the end.
        assert.ok(r.spent > 120 - 4 * 4 && r.spent < 120 + 4 * 4, `spent ${r.spent}`);
        // After the initial design (its first d + 1 evaluations are chosen at random).
        const chosen = r.evaluations.slice(3);
        low += chosen.filter((e) => e.epochs! < FULL).length;
        all += chosen.length;
      }
      return low / all;
    };
    const informative = await share(true);
    const uninformative = await share(false);
    // Measured when written: 0.33 and 0.04 of the evaluations after the initial design.
    assert.ok(informative > 0.2, `informative lower fidelities: ${informative}`);
    assert.ok(uninformative < 0.1, `uninformative lower fidelities: ${uninformative}`);
    assert.ok(informative > 3 * uninformative, `${informative} vs ${uninformative}`);
  });

  it('charges measured CPU seconds, observes every epoch of a run, and is deterministic', async () => {
    const a = await explore(synthetic(true, 3), 'cf_mesmo');
    const b = await explore(synthetic(true, 3), 'cf_mesmo');
    assert.deepEqual(
      a.evaluations.map((e) => [e.point, e.epochs, e.cost]),
      b.evaluations.map((e) => [e.point, e.epochs, e.cost]),
    );
    for (const e of a.evaluations) {
      assert.equal(e.cost, (1 + e.point[0]! / 3) * e.epochs!, 'the cost is the run’s CPU seconds');
      assert.equal(e.curve!.length, e.epochs);
    }
    assert.ok(Math.abs(a.spent - a.evaluations.reduce((s, e) => s + e.cost, 0)) < 1e-9);
  });

  it('a fidelity of 1 .. 100,000 epochs has 64 levels at most, LO and HI among them; a short one every epoch', async () => {
    // Every whole epoch count was a level: each design a candidate 10^5 times and each run observed at every
    // epoch of its curve, so a large budget ran out of memory.
    assert.deepEqual(fidelityLevels(1, 4), [1, 2, 3, 4]);
    assert.deepEqual(
      fidelityLevels(3, 66),
      Array.from({ length: 64 }, (_, i) => 3 + i),
    );
    const long = fidelityLevels(1, 100_000);
    assert.equal(long.length, MAX_FIDELITY_LEVELS);
    assert.equal(long[0], 1);
    assert.equal(long.at(-1), 100_000);
    assert.ok(long.every((z, i) => i === 0 || z > long[i - 1]!));
    // And a run over that range completes, its runs stopping at those levels.
    const r = await explore(
      { ...synthetic(true, 1), fullEpochs: 100_000, fidelity: { min: 1, max: 100_000 }, budget: 5000, samples: 4 },
      'cf_mesmo',
    );
    assert.ok(r.evaluations.length > 0);
    assert.ok(r.evaluations.every((e) => long.includes(e.epochs!)));
  });
});
