// A local worker process (`pimc explore --workers N`, and each slot of `pimc worker`): takes jobs from
// its parent over the IPC channel one at a time, runs them with its own tfjs-wasm, and reports each
// epoch and the result. It ends when the parent goes away (the channel closes), so killing a parent
// never leaves orphans training. The process's entry module (pimc's explore-child) calls
// runJobChild with the compiler, which the runtime does not import itself.
import { JobEvaluator, type SourcesCompiler } from './evaluator.js';

export type ToChild = { type: 'job'; job: unknown };
export type FromChild =
  | { type: 'progress'; id: string; epoch: number; epochs: number; worker: string }
  | { type: 'result'; result: import('./job.js').JobResult };

export function runJobChild(compileSources: SourcesCompiler): void {
  const evaluator = new JobEvaluator(compileSources);
  let busy = Promise.resolve();
  process.on('message', (m: ToChild) => {
    if (m?.type !== 'job') return;
    const id = String((m.job as { id?: unknown } | null)?.id ?? '?');
    busy = busy.then(async () => {
      const result = await evaluator.run(m.job, (epoch, epochs) =>
        process.send?.({ type: 'progress', id, epoch, epochs, worker: evaluator.worker } satisfies FromChild),
      );
      process.send?.({ type: 'result', result } satisfies FromChild);
    });
  });
  process.on('disconnect', () => process.exit(0));
}
