// Jobs shared out among child processes of one script (a second process for the second core: tfjs-wasm
// is single-threaded): each child is sent the next job when it is ready or has finished one, so a slow
// job holds up no other. The parent may add jobs while the children work (explore:table plans designs
// while its workers train) and closes the queue when it will add no more; each child then exits.
import { fork, type ChildProcess } from 'node:child_process';

type ToChild<J> = { job: J } | { done: true };
type FromChild<R> = { ready: true } | { result: R };

export interface ForkQueue<J> {
  push(job: J): void;
  /** No more jobs: every child exits once the queue is empty. */
  close(): void;
  /** Settles when every child has exited; rejects when one exits with an error. */
  exited: Promise<void>;
}

/**
 * `workers` children of `script`, child k started with `argsOf(k)` (it calls `serveQueue`); each result
 * a child sends back goes to `onResult`.
 */
export function forkQueue<J, R>(
  script: string,
  workers: number,
  argsOf: (k: number) => string[],
  onResult: (result: R) => void,
): ForkQueue<J> {
  const queue: J[] = [];
  const idle: ChildProcess[] = [];
  let closed = false;
  const pump = () => {
    while (idle.length && queue.length) idle.pop()!.send({ job: queue.shift()! } satisfies ToChild<J>);
    if (closed && !queue.length) for (const c of idle.splice(0)) c.send({ done: true } satisfies ToChild<J>);
  };
  const exits = Array.from(
    { length: workers },
    (_, k) =>
      new Promise<void>((res, rej) => {
        const child = fork(script, argsOf(k), { stdio: 'inherit' });
        child.on('message', (m: FromChild<R>) => {
          if ('result' in m) onResult(m.result);
          idle.push(child);
          pump();
        });
        child.on('exit', (code) => (code === 0 ? res() : rej(new Error(`worker ${k} exited with ${code}`))));
      }),
  );
  return {
    push: (job) => {
      queue.push(job);
      pump();
    },
    close: () => {
      closed = true;
      pump();
    },
    exited: Promise.all(exits).then(() => undefined),
  };
}

/** A child's side of forkQueue: runs each job it is sent and sends the result back; a failed job ends it with 1. */
export function serveQueue<J, R>(label: string, run: (job: J) => Promise<R>): void {
  process.on('message', (m: ToChild<J>) => {
    if ('done' in m) process.exit(0);
    run(m.job).then(
      (result) => process.send!({ result } satisfies FromChild<R>),
      (e: unknown) => {
        process.stderr.write(`${label}: ${(e as Error).stack ?? String(e)}\n`);
        process.exit(1);
      },
    );
  });
  process.send!({ ready: true } satisfies FromChild<R>);
}
