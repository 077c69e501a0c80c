// What a layer learns, for the compiler's check of a training (PIM5007) and the trainer's guard: a layer
// with weights (conv, linear, gcn) and a batchnorm (its scale and shift) hold the trainer's variables
// (runtime/src/train/network.ts); every other kind computes from its inputs alone.
import type { IrLayer } from './types.js';

/** Whether the trainer gives `layer` parameters to learn. */
export function learnsParameters(layer: Pick<IrLayer, 'weights' | 'kind'>): boolean {
  return layer.weights !== undefined || layer.kind === 'batchnorm';
}
