// The one place the runtime loads tfjs and picks its backend: wasm for speed, `cpu` as the reference in
// gradient tests. Loaded lazily by the runtime only (never by the compiler or the LSP).

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DataError } from '../data/errors.js';

export { tf };

let ready: Promise<void> | undefined;

/** Selects the backend once per process (wasm unless PIM_TF_BACKEND says otherwise) and silences tfjs' banner. */
export function initTf(
  backend: 'wasm' | 'cpu' = (process.env['PIM_TF_BACKEND'] as 'wasm' | 'cpu' | undefined) ?? 'wasm',
): Promise<void> {
  if (ready && tf.getBackend() === backend) return ready;
  ready = (async () => {
    tf.env().set('PROD', true);
    // tfjs falls back to another backend when one fails to start (e.g. its .wasm file is missing):
    // that would train on the wrong numerics, slowly, with nothing said.
    if (!(await tf.setBackend(backend)))
      throw new DataError(
        `tfjs could not start its '${backend}' backend (the messages above say why: for wasm, usually a .wasm file that could not be read)`,
      );
    await tf.ready();
  })();
  return ready;
}

// Rows of a tensor without tfjs-wasm's Slice kernel, which first copies the whole input into a new JS buffer
// (readSync) and then the window out of it: a window of a big tensor costs the whole tensor, and each call a
// fresh allocation the kernel must page in. Gather copies only the window, inside the wasm heap, but at
// ~40 ns per value: the better choice for a small window of a large tensor (a test batch of a data set),
// not for most of a small one (the crossbar model's row tiles keep Slice; docs/explorer.md measures both).

/** Rows [begin, begin + size) of x along its first axis; the same values as tf.slice, to the bit. */
export function rows<T extends tf.Tensor>(x: T, begin: number, size: number): T {
  if (begin === 0 && size === x.shape[0]) return x;
  return tf.tidy(() => tf.gather(x, tf.range(begin, begin + size, 1, 'int32'), 0)) as T;
}
