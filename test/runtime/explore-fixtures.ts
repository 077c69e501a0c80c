// A training job on the tiny exploration fixture (a 12×12 synthetic image set and a small CNN): what
// the job tests and the queue benchmark run.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourcesCompiler } from '@pim/compiler';
import { makeJob, toolchainId, type EvaluationJob, type JobHost } from '@pim/runtime/explore';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TINY = path.join(ROOT, 'test/runtime/fixtures/explore-tiny.pim');

/** How tests run jobs: pimc's compiler in this process, pimc's worker-process entry for pools. */
export const JOBS: JobHost = {
  compileSources: sourcesCompiler(),
  childModule: path.join(ROOT, 'cli/dist/explore-child.js'),
};

export function tinyJob(over: { rows?: number; epochs?: number; seed?: number; text?: string } = {}): EvaluationJob {
  const text = over.text ?? fs.readFileSync(TINY, 'utf8');
  return makeJob({
    toolchain: toolchainId(),
    data: [],
    root: path.dirname(TINY),
    entry: 'explore-tiny.pim',
    sources: [{ path: 'explore-tiny.pim', sha256: createSha(text), text }],
    experiment: 'quick',
    overrides: [{ path: 'chip.t.ima.crossbar.rows', value: over.rows ?? 64 }],
    epochs: over.epochs ?? 1,
    seed: over.seed ?? 2,
    trainLimit: 64,
    testLimit: 32,
    label: `tiny ${over.rows ?? 64}`,
  });
}

const createSha = (t: string) => createHash('sha256').update(t).digest('hex');

/**
 * A two-design exploration (the clock, 0.5 or 1 GHz) of samples/gnn-cora.pim's GCN, trained for one
 * epoch, written to `dir` beside a copy of Cora that its program names (`path: "cora"`): the program.
 */
export function coraExploration(dir: string): string {
  fs.mkdirSync(path.join(dir, 'cora'), { recursive: true });
  for (const f of ['nodes.tsv', 'edges.tsv'])
    fs.copyFileSync(path.join(ROOT, 'data/cora', f), path.join(dir, 'cora', f));
  const program = path.join(dir, 'gnn.pim');
  fs.writeFileSync(
    program,
    fs
      .readFileSync(path.join(ROOT, 'samples/gnn-cora.pim'), 'utf8')
      .replace('path: "../data/cora"', 'path: "cora"')
      .replace('epochs: 200', 'epochs: 1') +
      '\nexplore clocks {\n  evaluate: gcn_ideal\n  vary gnn_hetero.clock in [0.5 GHz, 1 GHz]\n  minimize latency\n  maximize accuracy\n  method: grid\n}\n',
  );
  return program;
}
