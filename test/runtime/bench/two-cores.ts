// What this machine gives two processes doing the same single-threaded work: the ceiling the explorer's
// 2-worker speed-up is measured under. Two processes each run a round of tfjs-wasm matrix products
// alone, in turn, then both at once; the throughput of two over one is 2 × alone / together (2.0 on
// two free, equal cores). On a virtual machine the two CPUs are threads of a shared host, and work that
// leans on the caches slows when the host's neighbours are busy (docs/explorer.md).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './median.js';

const CHILD = fileURLToPath(new URL('./two-cores-child.js', import.meta.url));

function ask(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (s) => resolve(Number(s)));
    child.send('go');
  });
}

export async function twoCoreCeiling(rounds = 6): Promise<{ alone: number[]; together: number[]; ratio: number }> {
  const children = [0, 1].map(() => fork(CHILD, [], { execArgv: ['--single-threaded'] }));
  try {
    await Promise.all(children.map((c) => new Promise((r) => c.once('message', r))));
    const alone: number[] = [];
    const together: number[] = [];
    for (let i = 0; i < rounds; i++) {
      alone.push(await ask(children[i % 2]!));
      together.push(Math.max(...(await Promise.all(children.map(ask)))));
    }
    return { alone, together, ratio: (2 * median(alone)) / median(together) };
  } finally {
    for (const c of children) c.send('exit');
  }
}
