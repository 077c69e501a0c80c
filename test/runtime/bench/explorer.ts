// Explorer benchmark (`npm run bench explorer`): how fast hardware objectives come, which decides how
// large a space the explorer can treat as exact. Each design is a compile of samples/explore.pim with
// the point's overrides (parsed files reused) and a simulation of its mapping.
import { resolve } from 'node:path';
import { compile, designCompiler } from '@pim/compiler';
import { explore, problemFor } from '@pim/runtime/explore';

export async function benchExplorer(): Promise<Record<string, number>> {
  const source = resolve('samples/explore.pim');
  const ir = compile(source).ir;
  if (!ir) throw new Error(`${source} does not compile`);
  const base = ir.explorations.find((e) => e.name === 'rram_space')!;
  // The same space with the hardware objectives only: no training.
  const ex = { ...base, objectives: base.objectives.filter((o) => o.name !== 'accuracy') };
  const problem = await problemFor(ir, ex, { source, compile: designCompiler(source) });
  const designs = problem.space.enumerate();
  const t0 = performance.now();
  for (const pt of designs) problem.hardware(pt);
  const perDesign = (performance.now() - t0) / designs.length;
  const t1 = performance.now();
  const r = await explore(
    { ...(await problemFor(ir, ex, { source, compile: designCompiler(source) })), budget: 40, population: 8 },
    'nsga2',
  );
  const nsgaMs = performance.now() - t1;
  return {
    'designs in rram_space': designs.length,
    'hardware objectives of one design: compile + simulate (ms)': perDesign,
    'designs per second': 1000 / perDesign,
    'NSGA-II run of 40 designs, hardware objectives only, incl. the pool (72) for normalisation (ms)': nsgaMs,
    'NSGA-II front size': r.front.length,
  };
}
