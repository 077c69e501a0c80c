// Checkpoints: the master weights, batchnorm-free parameters and per-cell write counts of a trained network,
// as JSON. Written atomically (temp file, then rename) so a crash never leaves a half-written checkpoint.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../data/errors.js';

export interface CheckpointTensor {
  shape: number[];
  /** Float32 little-endian, base64. */
  data: string;
}

export interface Checkpoint {
  format: 'pim-checkpoint';
  version: 1;
  experiment: string;
  model: string;
  epoch: number;
  /** Trainable variables in network order. */
  variables: CheckpointTensor[];
  /** Write counts of each crossbar layer's cells, by layer name. */
  writes: Record<string, CheckpointTensor>;
}

export function encodeTensor(data: Float32Array, shape: number[]): CheckpointTensor {
  return { shape, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
}

export function decodeTensor(t: CheckpointTensor): Float32Array {
  const b = Buffer.from(t.data, 'base64');
  const copy = new Uint8Array(b.length);
  copy.set(b);
  return new Float32Array(copy.buffer);
}

export function checkpointPath(dir: string, experiment: string): string {
  return join(dir, `${experiment}.ckpt.json`);
}

export function writeCheckpoint(dir: string, ck: Checkpoint): string {
  mkdirSync(dir, { recursive: true });
  const file = checkpointPath(dir, ck.experiment);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(ck));
  renameSync(tmp, file);
  return file;
}

export function readCheckpoint(file: string): Checkpoint {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`${file}: cannot read checkpoint (${(e as NodeJS.ErrnoException).code ?? String(e)})`, file);
  }
  let ck: Checkpoint;
  try {
    ck = JSON.parse(text) as Checkpoint;
  } catch (e) {
    throw new DataError(`${file}: not a checkpoint (${(e as Error).message})`, file);
  }
  if (ck?.format !== 'pim-checkpoint' || !Array.isArray(ck.variables)) throw new DataError(`${file}: not a pim checkpoint`, file);
  return ck;
}
