// A local worker process (`pimc explore --workers N`, and each slot of `pimc worker`): takes work from
// its parent over the IPC channel one piece at a time — training jobs, and the hardware objectives of
// design points (hardware.ts) — runs it with its own compiler and tfjs-wasm, and reports each epoch and
// the result. Its parses, data sets and tfjs stay loaded between pieces. It ends when the parent goes
// away (the channel closes), so killing a parent never leaves orphans training. The process's entry
// module (pimc's explore-child) calls runJobChild with the compiler, which the runtime does not import itself.
import { JobEvaluator, type SourcesCompiler } from './evaluator.js';
import { hardwareOfPoints, type HardwareAnswer, type HardwareRequest } from './hardware.js';

export type ToChild = { type: 'job'; job: unknown } | { type: 'hardware'; id: string; request: HardwareRequest };
export type FromChild =
  | { type: 'progress'; id: string; epoch: number; epochs: number; worker: string }
  | { type: 'result'; result: import('./job.js').JobResult }
  | { type: 'hardware'; id: string; answers: HardwareAnswer[] };

/**
 * A message to the parent. Once the parent is gone (killed by its PID, say), a send fails with EPIPE:
 * the child then ends quietly, as on 'disconnect', instead of printing a stack on the user's terminal.
 */
function toParent(m: FromChild): void {
  if (!process.connected) return;
  process.send?.(m, undefined, {}, (e: Error | null) => {
    if (e) process.exit(0);
  });
}

export function runJobChild(compileSources: SourcesCompiler): void {
  const evaluator = new JobEvaluator(compileSources);
  let busy = Promise.resolve();
  process.on('message', (m: ToChild) => {
    if (m?.type === 'hardware') {
      busy = busy.then(() => {
        let answers: HardwareAnswer[];
        try {
          answers = hardwareOfPoints(compileSources, m.request);
        } catch (e) {
          // A malformed request: no answer, so the parent computes the points itself.
          answers = [{ error: e instanceof Error ? e.message : String(e) }];
        }
        toParent({ type: 'hardware', id: m.id, answers });
      });
      return;
    }
    if (m?.type !== 'job') return;
    const id = String((m.job as { id?: unknown } | null)?.id ?? '?');
    busy = busy.then(async () => {
      const result = await evaluator.run(m.job, (epoch, epochs) =>
        toParent({ type: 'progress', id, epoch, epochs, worker: evaluator.worker }),
      );
      toParent({ type: 'result', result });
    });
  });
  process.on('disconnect', () => process.exit(0));
}
