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
