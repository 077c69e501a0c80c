// The one place the runtime loads tfjs and picks its backend: wasm for speed, `cpu` as the reference in
// gradient tests. Loaded lazily by the runtime only (never by the compiler or the LSP).

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export { tf };

let ready: Promise<void> | undefined;

/** Selects the backend once per process (wasm unless PIM_TF_BACKEND says otherwise) and silences tfjs' banner. */
export function initTf(
  backend: 'wasm' | 'cpu' = (process.env['PIM_TF_BACKEND'] as 'wasm' | 'cpu' | undefined) ?? 'wasm',
): Promise<void> {
  if (ready && tf.getBackend() === backend) return ready;
  ready = (async () => {
    tf.env().set('PROD', true);
    await tf.setBackend(backend);
    await tf.ready();
  })();
  return ready;
}
