// `npm run explore:table [-- --workers N]`: evaluates EVERY design of samples/explore.pim's `rram_space` once, at full
// fidelity, recording the test accuracy after every epoch and the CPU seconds the training had used
// by then, and stores the result as a table (JSON lines) beside docs/exploration.md. The table gives
// the true Pareto front (every design measured) and lets `npm run explore:compare` replay many
// methods and seeds against measured figures (a tabular benchmark) instead of training again.
//
// Two designs whose crossbar layers get identical numerics parameters train identically (the trainer
// sees only the model, those parameters, the experiment and the seed), so such a group is trained
// once and its figures shared; every row says which design's run it shares (`run`). Training work is
// split over `--workers N` child processes (default 2) by group; each appends finished groups to its
// own journal (JSON lines, fsynced), so an interrupted run resumes where it stopped.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { compile, designCompiler } from '@pim/compiler';
import type { IrExperiment, IrProgram } from '@pim/ir';
import {
  problemFor,
  TABLE_FILE,
  TABLE_LIMITS,
  type ParamValue,
  type TableHeader,
  type TableRow,
} from '@pim/runtime/explore';
import { layerHardware, loadExperimentData, Rng, train } from '@pim/runtime/train';

interface Group {
  /** Hash of what the training sees (the crossbar layers' numerics parameters). */
  key: string;
  members: number[];
}

interface Run {
  key: string;
  /** The design trained (its `vary` values). */
  params: Record<string, ParamValue>;
  accuracy: number[];
  cpu: number[];
}

/** Finished runs of every journal beside `out` (any worker count, any earlier space), by key. */
function journalled(out: string): Map<string, Run> {
  const runs = new Map<string, Run>();
  const dir = dirname(out);
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(`${basename(out)}.journal-`)) continue;
    for (const l of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!l.trim()) continue;
      try {
        const r = JSON.parse(l) as Run;
        runs.set(r.key, r);
      } catch {
        // A line cut by a kill: that run is simply trained again.
      }
    }
  }
  return runs;
}

async function setup(withHardware: boolean) {
  const source = resolve('samples/explore.pim');
  const program = compile(source);
  if (!program.ir) throw new Error(`${source} does not compile`);
  const ir = program.ir;
  const ex = ir.explorations.find((e) => e.name === 'rram_space')!;
  // The hardware objectives and the space; the training is this script's own (below).
  const problem = await problemFor(
    ir,
    { ...ex, objectives: ex.objectives.filter((o) => o.name !== 'accuracy') },
    { source, compile: designCompiler(source) },
  );
  const exp = ir.experiments.find((e) => e.name === ex.evaluate) as IrExperiment;
  const designs = problem.space.enumerate();
  // Group the feasible designs by what their training sees.
  const groups = new Map<string, Group>();
  // Workers need only the groups; the coordinator writes the hardware objectives too.
  const hardware = withHardware ? designs.map((pt) => problem.hardware(pt)) : [];
  designs.forEach((pt, i) => {
    if (withHardware && 'infeasible' in hardware[i]!) return;
    const overridden = compile(source, { overrides: problem.space.overrides(pt) }).ir;
    if (!overridden) return;
    const key = createHash('sha256')
      .update(JSON.stringify(layerHardware(overridden, exp).layers))
      .digest('hex')
      .slice(0, 16);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, members: [] }));
    g.members.push(i);
  });
  return { source, ir, ex, exp, problem, designs, hardware, groups: [...groups.values()] };
}

function shuffled<T>(xs: T[]): T[] {
  const rng = new Rng(0x7ab1e);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A worker: trains every shards-th group not yet journalled, from the shard-th, appending each to its journal. */
async function work(shard: number, shards: number, out: string): Promise<void> {
  const s = await setup(false);
  const done = journalled(out);
  // In a seeded random order, so that an unfinished table is a uniform sample of the space.
  const order = shuffled(s.groups.filter((g) => !done.has(g.key)));
  const todo = order.filter((_, j) => j % shards === shard);
  const journal = `${out}.journal-${shard}-${process.pid}`;
  const data = loadExperimentData(s.ir, s.exp, { dataRoot: resolve('samples'), ...TABLE_LIMITS });
  for (const g of todo) {
    const i = g.members[0]!;
    const ir = compile(s.source, { overrides: s.problem.space.overrides(s.designs[i]!) }).ir as IrProgram;
    const accuracy: number[] = [];
    const cpu: number[] = [];
    const c0 = process.cpuUsage();
    await train(ir, s.exp.name, {
      epochs: s.problem.fullEpochs,
      seed: s.problem.seed,
      data,
      progress: false,
      onEpoch: (m) => {
        const c = process.cpuUsage(c0);
        accuracy.push(m.test_accuracy);
        cpu.push(Math.round((c.user + c.system) / 1e3) / 1e3);
      },
    });
    const fd = openSync(journal, 'a');
    const run: Run = { key: g.key, params: s.problem.space.values(s.designs[i]!), accuracy, cpu };
    appendFileSync(fd, JSON.stringify(run) + '\n');
    fsyncSync(fd);
    closeSync(fd);
    process.send?.({ cpu: cpu.at(-1) });
  }
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const shardArg = arg('--shard');
  const out = resolve(arg('--out') ?? TABLE_FILE);
  if (shardArg) {
    const [k, n] = shardArg.split('/').map(Number) as [number, number];
    await work(k, n, out);
    return;
  }
  // --partial: write the table from what the journals hold, training nothing (designs not yet
  // trained have no accuracy); a comparison then runs over the measured designs only.
  const partial = process.argv.includes('--partial');
  const workers = partial ? 0 : Number(arg('--workers') ?? 2);
  const s = await setup(true);
  const log = (m: string) => process.stderr.write(`explore:table: ${m}\n`);
  const before = journalled(out);
  const todo = s.groups.filter((g) => !before.has(g.key)).length;
  log(
    `${s.designs.length} designs, ${s.hardware.filter((h) => !('infeasible' in h)).length} feasible, ${s.groups.length} distinct trainings of ${s.problem.fullEpochs} epochs, ${todo} not yet journalled; ${workers} workers`,
  );
  let finished = 0;
  let cpuTotal = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from(
      { length: workers },
      (_, k) =>
        new Promise<void>((res, rej) => {
          const child = fork(new URL(import.meta.url).pathname, ['--shard', `${k}/${workers}`, '--out', out], {
            stdio: 'inherit',
          });
          child.on('message', (m: { cpu: number }) => {
            finished++;
            cpuTotal += m.cpu;
            const cpuLeft = ((todo - finished) * cpuTotal) / finished;
            log(
              `${finished}/${todo} trainings (${m.cpu.toFixed(1)} CPU s); ~${(cpuLeft / 60).toFixed(0)} CPU min left; ${((performance.now() - t0) / 1000).toFixed(0)} s`,
            );
          });
          child.on('exit', (code) => (code === 0 ? res() : rej(new Error(`worker ${k} exited with ${code}`))));
        }),
    ),
  );
  const runs = journalled(out);
  const groupOf = new Map<number, string>();
  for (const g of s.groups) for (const i of g.members) groupOf.set(i, g.key);
  const indexOf = new Map(s.designs.map((pt, i) => [JSON.stringify(s.problem.space.values(pt)), i]));
  const header: TableHeader = {
    kind: 'pim-exploration-table',
    source: 'samples/explore.pim',
    exploration: s.ex.name,
    parameters: s.problem.space.parameters,
    objectives: s.ex.objectives,
    epochs: s.problem.fullEpochs,
    seed: s.problem.seed,
    ...TABLE_LIMITS,
    command: partial ? 'npm run explore:table -- --partial (an unfinished table)' : 'npm run explore:table',
  };
  const rows: TableRow[] = s.designs.map((pt, i) => {
    const g = groupOf.get(i);
    const r = g === undefined ? undefined : runs.get(g);
    if (g !== undefined && !r && !partial) throw new Error(`training group ${g} has no result: run again to resume`);
    return {
      index: i,
      point: pt,
      params: s.problem.space.values(pt),
      hardware: s.hardware[i]!,
      ...(r ? { accuracy: r.accuracy, cpu: r.cpu, run: indexOf.get(JSON.stringify(r.params)) ?? i } : {}),
    };
  });
  const tmp = `${out}.tmp-${process.pid}`;
  writeFileSync(tmp, [header, ...rows].map((r) => JSON.stringify(r)).join('\n') + '\n');
  renameSync(tmp, out);
  log(`wrote ${out} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

main().catch((e: unknown) => {
  process.stderr.write(`explore:table: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
