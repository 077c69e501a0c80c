// Robustness: any single corrupted field of a valid IR yields a report or a SimError — never a crash
// (TypeError, RangeError …) and never a report with NaN figures.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { simulate, SimError } from '@pim/runtime/sim';
import { syntheticGraph } from '@pim/runtime/train';
import { heteroProgram, toyProgram } from './fixtures/compiled.js';

type Json = null | number | string | boolean | Json[] | { [k: string]: Json };

/** Every path to a leaf or a node of the IR (skipping the component tree's deep children for speed). */
function paths(x: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(x)) x.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) paths(v, [...prefix, k], out);
  return out;
}

function setAt(root: Json, path: (string | number)[], value: Json): void {
  let cur = root as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  cur[path[path.length - 1]!] = value;
}

const finiteDeep = (x: unknown): boolean => {
  if (typeof x === 'number') return !Number.isNaN(x);
  if (Array.isArray(x)) return x.every(finiteDeep);
  if (x && typeof x === 'object') return Object.values(x).every(finiteDeep);
  return true;
};

describe('sim: corrupted IR never crashes the simulator', () => {
  const base = toyProgram() as unknown as Json;
  const all = paths(base).filter((p) => p.length > 0);
  it('one corrupted field → a report without NaN, or a SimError', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: all.length - 1 }),
        fc.constantFrom<Json>(0, -1, 1.5, Number.NaN, 1e30, 'x', null, [], {}, true),
        (i, value) => {
          const ir = structuredClone(base);
          setAt(ir, all[i]!, value);
          try {
            const r = simulate(ir as never, { detail: true });
            // A corrupted figure the checks let through may give odd numbers, but never NaN in the summary.
            assert.ok(
              finiteDeep(r.summary),
              `NaN in the summary after setting ${all[i]!.join('.')} = ${JSON.stringify(value)}`,
            );
          } catch (e) {
            if (!(e instanceof SimError))
              throw new Error(`setting ${all[i]!.join('.')} = ${JSON.stringify(value)} crashed: ${(e as Error).stack}`);
          }
        },
      ),
      { numRuns: 400, seed: 42 },
    );
  });

  it('the heterogeneous chip (GPU partition, 3D NoC, GCN adjacency) too', function () {
    this.timeout(120000);
    const hetero = heteroProgram() as unknown as Json;
    const hp = paths(hetero).filter((p) => p.length > 0 && !p.includes('root'));
    const graph = syntheticGraph({ nodes: 2708, features: 1433, classes: 7, avgDegree: 3.9, seed: 1 });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: hp.length - 1 }),
        fc.constantFrom<Json>(0, -1, 1.5, Number.NaN, 1e30, 'x', null, [], {}, true),
        fc.constantFrom('gcn_on_hetero', 'vgg_on_hetero'),
        (i, value, mapping) => {
          const ir = structuredClone(hetero);
          setAt(ir, hp[i]!, value);
          try {
            const r = simulate(ir as never, { mapping, graph, detail: false });
            assert.ok(
              finiteDeep(r.summary),
              `NaN in the summary after setting ${hp[i]!.join('.')} = ${JSON.stringify(value)}`,
            );
          } catch (e) {
            if (!(e instanceof SimError))
              throw new Error(`setting ${hp[i]!.join('.')} = ${JSON.stringify(value)} crashed: ${(e as Error).stack}`);
          }
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
