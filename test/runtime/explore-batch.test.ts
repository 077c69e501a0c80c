// Batch proposals: every method proposes several evaluations at once, and with the same seed and
// batch size the evaluations are the same whatever order the accuracies come back in (as they do
// from several workers). Random, grid and NSGA-II do not let results steer proposals within a batch,
// so their runs are the same for every batch size.
import assert from 'node:assert/strict';
import { explore, type DesignProblem, type ExploreResult } from '@pim/runtime/explore';
import { Rng } from '@pim/runtime/train';
import { problem } from './explore.test.js';

/** The problem's accuracy, answered after a random delay: evaluations finish out of order. */
function shuffled(p: DesignProblem, seed: number, batch: number): { p: DesignProblem; maxInFlight: () => number } {
  const rng = new Rng(seed);
  let inFlight = 0;
  let most = 0;
  const accuracy = p.accuracy!;
  return {
    p: {
      ...p,
      batch,
      accuracy: async (pt, epochs) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, rng.int(8)));
        inFlight--;
        return accuracy(pt, epochs);
      },
    },
    maxInFlight: () => most,
  };
}

const runOf = (r: ExploreResult) => r.evaluations.map((e) => [e.point.join(), e.epochs, e.objectives['accuracy']]);

describe('explore: batches', function () {
  this.timeout(120_000);
  const base = () => problem({ accuracy: true, budget: 24, fidelity: { min: 1, max: 3 } });

  it('random, grid and NSGA-II: the same run for batch 1, 3 and 8, in any finishing order', async () => {
    for (const m of ['random', 'grid', 'nsga2'] as const) {
      const serial = await explore(base(), m);
      for (const batch of [3, 8]) {
        const s = shuffled(base(), batch, batch);
        const r = await explore(s.p, m);
        assert.deepEqual(runOf(r), runOf(serial), `${m}, batch ${batch}`);
        assert.ok(s.maxInFlight() > 1, `${m}, batch ${batch}: evaluations overlapped (at most ${s.maxInFlight()})`);
        assert.deepEqual(r.front, serial.front);
      }
    }
  });

  it('random and grid: a slot freed by any finished evaluation takes the next design, not only one freed by the oldest', async () => {
    for (const m of ['random', 'grid'] as const) {
      const p = base();
      const accuracy = p.accuracy!;
      let calls = 0;
      let duringFirst = 0;
      let pending = true;
      let release!: () => void;
      const first = new Promise<void>((r) => (release = r)).then(() => (pending = false));
      // Lets the event loop turn (no clock): a run that waits for the oldest evaluation starts nothing more.
      const idle = async () => {
        for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
        release();
      };
      const r = await explore(
        {
          ...p,
          batch: 2,
          accuracy: async (pt, z) => {
            const n = ++calls;
            if (n === 1) await first;
            else if (pending) {
              duringFirst++;
              if (duringFirst === 3) release();
              else void idle();
            }
            return accuracy(pt, z);
          },
        },
        m,
      );
      assert.ok(duringFirst >= 3, `${m}: ${duringFirst} evaluations ran beside the first, slow one`);
      assert.deepEqual(runOf(r), runOf(await explore(base(), m)), `${m}: the same run as a serial one`);
    }
  });

  for (const m of ['mesmo', 'cf_mesmo'] as const) {
    it(`${m}: a batch of 3 gives the same run in any finishing order, keeps to the budget, and proposes its initial design at once`, async () => {
      const a = shuffled(base(), 1, 3);
      const b = shuffled(base(), 2, 3);
      const ra = await explore(a.p, m);
      const rb = await explore(b.p, m);
      assert.deepEqual(runOf(ra), runOf(rb));
      assert.ok(ra.spent <= 24 && ra.spent === ra.evaluations.reduce((t, e) => t + e.cost, 0));
      // The initial design (d + 1 = 4 designs) goes at once; after it, steps of 3.
      assert.equal(a.maxInFlight(), 4);
      // No design is proposed twice at one fidelity (the fantasies keep a batch from repeating itself).
      const keys = ra.evaluations.map((e) => `${e.point.join()}@${e.epochs}`);
      assert.equal(new Set(keys).size, keys.length);
      // The batch of 1 is the sequential method, unchanged by the delays.
      assert.deepEqual(runOf(await explore(shuffled(base(), 5, 1).p, m)), runOf(await explore(base(), m)));
    });
  }

  it('a budget in CPU seconds: one evaluation alone until a cost is measured, so a large batch does not overspend blind', async () => {
    for (const m of ['random', 'nsga2', 'mesmo', 'cf_mesmo'] as const) {
      const p = base();
      const accuracy = p.accuracy!;
      const rng = new Rng(4);
      let inFlight = 0;
      let measured = 0;
      let mostBeforeFirst = 0;
      let most = 0;
      // One CPU second per epoch, as a worker would measure it; answers after a random delay.
      const priced: DesignProblem = {
        ...p,
        budget: 10,
        costUnit: 'cpu',
        batch: 8,
        accuracy: async (pt, z) => {
          most = Math.max(most, ++inFlight);
          if (measured === 0) mostBeforeFirst = Math.max(mostBeforeFirst, inFlight);
          await new Promise((r) => setTimeout(r, rng.int(8)));
          const a = (await accuracy(pt, z)) as number;
          inFlight--;
          measured++;
          const curve = Array.from({ length: z }, () => a);
          const cpuCurve = curve.map((_, k) => k + 1);
          return { accuracy: a, curve, cpuCurve, cpuSeconds: z, wallSeconds: 0, job: `${pt.join()}@${z}`, worker: 't' };
        },
      };
      const r = await explore(priced, m);
      assert.equal(mostBeforeFirst, 1, `${m}: ${mostBeforeFirst} evaluations started before a cost was known`);
      assert.ok(most > 1, `${m}: evaluations overlapped once a cost was known`);
      assert.ok(r.evaluations.length >= 3, `${m}: ${r.evaluations.length} evaluations`);
      // Blind, random's first batch of 8 spent 24 s and MESMO's initial design of 4 full trainings 12 s.
      assert.ok(r.spent <= 10, `${m}: spent ${r.spent} CPU seconds of 10`);
    }
  });

  it('a failed evaluation fails the run with its error, and the evaluations before it stay recorded', async () => {
    const seen: number[] = [];
    const p = base();
    const accuracy = p.accuracy!;
    let calls = 0;
    const failing: DesignProblem = {
      ...p,
      batch: 4,
      accuracy: async (pt, z) => {
        if (++calls === 3) throw new Error('worker lost');
        return accuracy(pt, z);
      },
      onEvaluation: (e) => seen.push(e.index),
    };
    await assert.rejects(() => explore(failing, 'random'), /worker lost/);
    assert.deepEqual(seen, [0, 1]);
  });
});
