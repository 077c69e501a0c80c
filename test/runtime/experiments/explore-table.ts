// `npm run explore:table [-- --workers N]`: evaluates EVERY design of samples/explore.pim's `rram_space` once, at full
// fidelity, recording the test accuracy after every epoch and the CPU seconds the training had used
// by then, and stores the result as a table (JSON lines) beside docs/exploration.md. The table gives
// the true Pareto front (every design measured) and lets `npm run explore:compare` replay many
// methods and seeds against measured figures (a tabular benchmark) instead of training again.
//
// Two designs whose crossbar layers get identical numerics parameters (temperatures from the thermal
// model included) train identically: the trainer sees only the model, those parameters, the
// experiment and the seed. Such a group is trained once and its figures shared; every row says which
// design's run it shares (`run`). The coordinator plans the designs in a seeded random order (their
// hardware objectives and what their training sees) and hands each new training to the next idle one
// of `--workers N` child processes (default 2) as soon as it is planned, so planning overlaps
// training and a slow design holds up no other. Each worker appends finished runs to its own journal
// (JSON lines, fsynced; ignored by git), so an interrupted sweep resumes where it stopped.
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
import { loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { compile, designCompiler } from '@pim/compiler';
import type { IrExperiment } from '@pim/ir';
import {
  isInfeasible,
  outcomeOf,
  problemFor,
  simulateDesign,
  TABLE_FILE,
  TABLE_LIMITS,
  withinLimits,
  type HardwareOutcome,
  type ParamValue,
  type TableHeader,
  type TableRow,
} from '@pim/runtime/explore';
import { loadExperimentData, Rng, train, trainingHardware } from '@pim/runtime/train';
import { forkQueue, serveQueue } from './fork-queue.js';

/** One training to run: the design trained for a group of designs that train identically. */
interface Job {
  key: string;
  index: number;
}

interface Run {
  key: string;
  /** The design trained (its `vary` values). */
  params: Record<string, ParamValue>;
  accuracy: number[];
  cpu: number[];
  /** The temperature each crossbar layer's thermal noise saw, K. */
  temperatures?: number[];
}

type Setup = Awaited<ReturnType<typeof setup>>;

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

async function setup() {
  const source = resolve('samples/explore.pim');
  const dataRoot = resolve('samples');
  const program = compile(source);
  if (!program.ir) throw new Error(`${source} does not compile`);
  const ir = program.ir;
  const ex = ir.explorations.find((e) => e.name === 'rram_space')!;
  // One compiler for every design (it reuses the parses of unchanged files).
  const compileDesign = designCompiler(source);
  // The space and the training settings; the training is this script's own (below).
  const problem = await problemFor(
    ir,
    { ...ex, objectives: ex.objectives.filter((o) => o.name !== 'accuracy') },
    { source, compile: compileDesign },
  );
  const exp = ir.experiments.find((e) => e.name === ex.evaluate) as IrExperiment;
  return { dataRoot, ir, ex, exp, problem, compileDesign, designs: problem.space.enumerate() };
}

function designIr(s: Setup, i: number) {
  return s.compileDesign(s.problem.space.overrides(s.designs[i]!));
}

/**
 * Design i compiled and simulated once: its hardware objectives and, when it can be built, a hash of
 * what its training sees (the crossbar layers' numerics parameters and temperatures, from that simulation).
 */
function planDesign(s: Setup, i: number): { hardware: HardwareOutcome; key?: string } {
  const ir = designIr(s, i);
  const report = simulateDesign(ir, s.exp.mapping, s.dataRoot);
  const hardware = withinLimits(outcomeOf(report), s.ex.limits);
  if (typeof ir === 'string' || isInfeasible(report) || isInfeasible(hardware)) return { hardware };
  const { layers } = trainingHardware(ir, s.exp, s.dataRoot, report);
  return { hardware, key: createHash('sha256').update(JSON.stringify(layers)).digest('hex').slice(0, 16) };
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

/** A worker: trains each job the coordinator sends, appends it to its journal, and asks for the next. */
async function work(shard: number, out: string): Promise<void> {
  const s = await setup();
  const journal = `${out}.journal-${shard}-${process.pid}`;
  const data = loadExperimentData(s.ir, s.exp, { dataRoot: s.dataRoot, ...TABLE_LIMITS });
  const trainOne = async (job: Job): Promise<number> => {
    const ir = designIr(s, job.index);
    if (typeof ir === 'string') throw new Error(`design ${job.index} does not compile: ${ir}`);
    const accuracy: number[] = [];
    const cpu: number[] = [];
    const c0 = process.cpuUsage();
    const result = await train(ir, s.exp.name, {
      epochs: s.problem.fullEpochs,
      seed: s.problem.seed,
      data,
      dataRoot: s.dataRoot,
      progress: false,
      onEpoch: (m) => {
        const c = process.cpuUsage(c0);
        accuracy.push(m.test_accuracy);
        cpu.push(Math.round((c.user + c.system) / 1e3) / 1e3);
      },
    });
    const temperatures = result.temperatures?.layers.map((l) => Math.round(l.temperature_k * 1000) / 1000);
    const run: Run = { key: job.key, params: s.problem.space.values(s.designs[job.index]!), accuracy, cpu };
    if (temperatures?.length) run.temperatures = temperatures;
    const fd = openSync(journal, 'a');
    appendFileSync(fd, JSON.stringify(run) + '\n');
    fsyncSync(fd);
    closeSync(fd);
    return cpu.at(-1)!;
  };
  serveQueue(`explore:table worker ${shard}`, trainOne);
}

/** The coordinator's sweep: plans every design, dispatching each new training to an idle worker. */
async function sweep(s: Setup, out: string, workers: number, log: (m: string) => void) {
  const done = journalled(out);
  const hardware: TableRow['hardware'][] = new Array(s.designs.length);
  /** The training groups planned so far, and the group of each design that can be built. */
  const groups = new Set<string>();
  const keyOf = new Map<number, string>();
  let planned = false;
  let dispatched = 0;
  let finished = 0;
  let cpuTotal = 0;
  const t0 = performance.now();
  const trainings = forkQueue<Job, number>(
    new URL(import.meta.url).pathname,
    workers,
    (k) => ['--shard', String(k), '--out', out],
    (cpu) => {
      finished++;
      cpuTotal += cpu;
      log(
        `${finished}/${planned ? dispatched : `${dispatched}+`} trainings (${cpu.toFixed(1)} CPU s, ${cpuTotal.toFixed(0)} CPU s in all); ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
    },
  );
  // In a seeded random order, so that an unfinished table is a uniform sample of the space.
  for (const i of shuffled(s.designs.map((_, i) => i))) {
    const { hardware: h, key } = planDesign(s, i);
    hardware[i] = h;
    if (key === undefined) continue;
    if (!groups.has(key) && !done.has(key)) {
      trainings.push({ key, index: i });
      dispatched++;
    }
    groups.add(key);
    keyOf.set(i, key);
    // Lets the workers' messages in while planning.
    await new Promise((r) => setImmediate(r));
  }
  planned = true;
  log(`planned ${s.designs.length} designs: ${groups.size} distinct trainings, ${dispatched} to run`);
  trainings.close();
  await trainings.exited;
  return { hardware, keyOf, trained: dispatched, wall: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const shardArg = arg('--shard');
  const out = resolve(arg('--out') ?? TABLE_FILE);
  if (shardArg) return work(Number(shardArg), out);
  // --partial: write the table from what the journals hold, training nothing (designs not yet
  // trained have no accuracy); a comparison then runs over the measured designs only.
  const partial = process.argv.includes('--partial');
  const workers = partial ? 0 : Number(arg('--workers') ?? 2);
  const s = await setup();
  const log = (m: string) => process.stderr.write(`explore:table: ${m}\n`);
  log(`${s.designs.length} designs, ${s.problem.fullEpochs} epochs each; ${workers} workers`);
  const load0 = loadavg()[0]!;
  const { hardware, keyOf, trained, wall } = await sweep(s, out, workers, log);
  const cpu = process.cpuUsage();
  const runs = journalled(out);
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
    sweep: {
      workers,
      trained,
      wall_s: Math.round(wall),
      coordinator_cpu_s: Math.round((cpu.user + cpu.system) / 1e6),
      load: [load0, loadavg()[0]!].map((l) => Math.round(l * 10) / 10) as [number, number],
    },
  };
  const rows: TableRow[] = s.designs.map((pt, i) => {
    const g = keyOf.get(i);
    const r = g === undefined ? undefined : runs.get(g);
    if (g !== undefined && !r && !partial) throw new Error(`training group ${g} has no result: run again to resume`);
    const measured = r && {
      accuracy: r.accuracy,
      cpu: r.cpu,
      run: indexOf.get(JSON.stringify(r.params)) ?? i,
      ...(r.temperatures ? { temperatures: r.temperatures } : {}),
    };
    return { index: i, point: pt, params: s.problem.space.values(pt), hardware: hardware[i]!, ...measured };
  });
  const tmp = `${out}.tmp-${process.pid}`;
  writeFileSync(tmp, [header, ...rows].map((r) => JSON.stringify(r)).join('\n') + '\n');
  renameSync(tmp, out);
  log(`wrote ${out} (${wall.toFixed(0)} s)`);
}

main().catch((e: unknown) => {
  process.stderr.write(`explore:table: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
