// Section l: samples/thermal-3d.pim through the product's own commands — `pimc simulate` of both tier
// orders (temperatures), `pimc train`, then `pimc run` on each order and at a stated 300 K (accuracy).
// The same table is written into docs/thermal.md between its `thermal-sample` markers (not by a --quick run).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { log, mdTable, pct, sign, type Ctx, type Section } from './common.js';

const SAMPLE = 'samples/thermal-3d.pim';
const DOC = 'docs/thermal.md';

interface TierJson {
  partitions: string[];
  position: number;
  peak_k: number;
  mean_k: number;
  power_w: number;
}
interface SimJson {
  thermal: {
    power_w: number;
    dynamic_power_w: number;
    static_power_w: number;
    tiers: TierJson[];
    layers: { layer: string; mean_k: number }[];
  };
}
interface RunJson {
  test_accuracy: number;
  temperatures?: { source: string; layers: { layer: string; temperature_k: number }[] };
}

function pimc(args: string[]): void {
  log(`l. pimc ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [resolve('cli/bin/pimc.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pimc ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
}

const json = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const k = (x: number) => `${x.toFixed(1)} K`;

export async function section_l(c: Ctx): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'pim-thermal-sample-'));
  const sims = (['cnn_gpu_far', 'cnn_gpu_near'] as const).map((m) => {
    pimc(['simulate', SAMPLE, '--mapping', m, '--json', join(dir, `${m}.json`)]);
    return json<SimJson>(join(dir, `${m}.json`)).thermal;
  });
  const ck = join(dir, 'ck');
  pimc(['train', SAMPLE, '--train', 'cnn_train', '--checkpoint', ck, ...(c.quick ? ['--epochs', '1'] : [])]);
  const runs = ['on_gpu_far', 'on_gpu_near', 'at_300k'].map((r) => {
    pimc(['run', SAMPLE, '--run', r, '--checkpoint', ck, '--json', join(dir, `${r}.json`)]);
    return json<RunJson>(join(dir, `${r}.json`));
  });
  const tier = (t: (typeof sims)[number], p: string) => t.tiers.find((q) => q.partitions.includes(p))!;
  const layersRange = (r: RunJson) => {
    const ts = r.temperatures!.layers.map((l) => l.temperature_k);
    return `${k(Math.min(...ts))} – ${k(Math.max(...ts))}`;
  };
  const row = (label: string, t: (typeof sims)[number], r: RunJson) => [
    label,
    `${t.power_w.toFixed(1)} W (GPU tier ${tier(t, 'gpu').power_w.toFixed(1)} W)`,
    `${k(tier(t, 'gpu').peak_k)} / ${k(tier(t, 'gpu').mean_k)}`,
    `${k(tier(t, 'reram').peak_k)} / ${k(tier(t, 'reram').mean_k)}`,
    layersRange(r),
    pct(r.test_accuracy),
  ];
  const [far, near, cold] = runs as [RunJson, RunJson, RunJson];
  const table = [
    [
      'stack (samples/thermal-3d.pim)',
      'power map',
      'GPU tier peak / mean',
      'network’s ReRAM tier peak / mean',
      'crossbar layers',
      'test accuracy (2,000 digits)',
    ],
    row('GPU farthest from the sink (`on_gpu_far`)', sims[0]!, far),
    row('GPU next to the sink (`on_gpu_near`)', sims[1]!, near),
    ['stated 300 K (`at_300k`, overrides the thermal model)', '—', '—', '—', '300.0 K', pct(cold.test_accuracy)],
  ];
  const dT = tier(sims[0]!, 'reram').mean_k - tier(sims[1]!, 'reram').mean_k;
  const section: Section = {
    title: 'l. Tier order, temperature and accuracy of a 3D GPU + ReRAM stack',
    claim:
      'The seed: 3D integration stacks GPU and ReRAM tiers; heat raises the ReRAM cells’ thermal noise and costs accuracy (its 400 K cases). Which tier is next to the heat sink should then change the accuracy.',
    table,
    verdict: `With the GPU farthest from the sink the network’s ReRAM tier is ${sign(dT)} K hotter on average than with the GPU next to it, and the deployed accuracy is ${pct(far.test_accuracy)} against ${pct(near.test_accuracy)} (${sign(100 * (far.test_accuracy - near.test_accuracy))} points); at a stated 300 K it is ${pct(cold.test_accuracy)}.`,
    note: `One training (cnn_train, on the GPU-far stack at its modelled temperatures), deployed on each stack with the same seed and the same 2,000 test digits, so the difference between the rows is the temperatures’ alone (thermal noise σ ∝ √T; ±1.1 points is the sampling error of one accuracy on 2,000 digits, not of the paired difference). Lossless ADCs, so thermal noise is the one non-ideality. Power map at the simulated throughput: ${sims[0]!.dynamic_power_w.toFixed(1)} W dynamic + ${sims[0]!.static_power_w.toFixed(1)} W leakage. docs/thermal.md explains the physics: the GPU’s heat crosses the network’s tier only when the GPU is above it.`,
  };
  // A --quick run's figures are meaningless: the doc keeps the last real run's.
  if (!c.quick) writeIntoDoc(table, section.verdict);
  return section;
}

/** The table and verdict between docs/thermal.md's markers, so the doc shows what this run measured. */
function writeIntoDoc(table: string[][], verdict: string): void {
  const begin = '<!-- thermal-sample: begin (npm run experiments -- --sections l) -->';
  const end = '<!-- thermal-sample: end -->';
  const doc = readFileSync(DOC, 'utf8');
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${DOC} has no thermal-sample markers`);
  const md = `${mdTable(table)}\n\n${verdict}`;
  writeFileSync(DOC, `${doc.slice(0, a + begin.length)}\n${md}\n${doc.slice(b)}`);
}
