// Checkpoints: the master weights, batchnorm-free parameters and per-cell write counts of a trained network,
// as JSON, with a format name and version; read back only after every field is validated.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHead, writeFileAtomic } from '@pim/grammar/files';
import { DataError } from '../data/errors.js';
import { measuredLayerWrites, type MeasuredWrites } from '../numerics/writes.js';

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
  /** Write counts of each crossbar layer's cells since the chip was blank (numerics/writes.ts), by layer name. */
  writes: Record<string, CheckpointTensor>;
  /** Weight updates (optimizer steps) the counts cover; absent in checkpoints of older versions of pim. */
  updates?: number;
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

/**
 * Whether a file is a pim checkpoint, by its first bytes (a checkpoint is written with its format name
 * first): outputs such as `--json` must not replace one, wherever it lies.
 */
export function isCheckpointFile(file: string): boolean {
  try {
    return /^\s*\{\s*"format"\s*:\s*"pim-checkpoint"/.test(readHead(file, 256).text);
  } catch {
    return false;
  }
}

/** Written atomically (a temporary file renamed over the old one): a crash leaves the old one whole. */
export function writeCheckpoint(dir: string, ck: Checkpoint): string {
  mkdirSync(dir, { recursive: true });
  const file = checkpointPath(dir, ck.experiment);
  writeFileAtomic(file, JSON.stringify(ck));
  return file;
}

/** The checkpoint format's schema, checked field by field so that a problem names its field. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bad(file: string, field: string, problem: string): DataError {
  return new DataError(`${file}: checkpoint field '${field}' ${problem}`, file);
}

/** A tensor: whole non-negative dimensions, base64 of exactly their product of finite float32s. */
function checkTensor(file: string, field: string, t: unknown, nonNegative: boolean): void {
  if (typeof t !== 'object' || t === null || Array.isArray(t))
    throw bad(file, field, 'must be an object { shape, data }');
  const { shape, data } = t as Record<string, unknown>;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0))
    throw bad(file, `${field}.shape`, 'must be a list of whole numbers');
  if (typeof data !== 'string' || data.length % 4 !== 0 || !BASE64.test(data))
    throw bad(file, `${field}.data`, 'must be base64 text');
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  const bytes = (data.length / 4) * 3 - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
  if (bytes !== size * 4)
    throw bad(
      file,
      `${field}.data`,
      `holds ${bytes} bytes, but shape [${(shape as number[]).join(', ')}] needs ${size * 4}`,
    );
  const values = decodeTensor(t as CheckpointTensor);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v))
      throw bad(file, `${field}.data`, `has a value that is not a finite number (${v}) at index ${i}`);
    if (nonNegative && v < 0) throw bad(file, `${field}.data`, `has a negative count (${v}) at index ${i}`);
  }
}

/**
 * Reads and validates a checkpoint: format and version, every field's type, every tensor's size against
 * its shape, and finite weights (NaN weights would load and run, silently wrong). A problem throws a
 * DataError naming the file and the field.
 */
export function readCheckpoint(file: string): Checkpoint {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`${file}: cannot read checkpoint (${(e as NodeJS.ErrnoException).code ?? String(e)})`, file);
  }
  let ck: unknown;
  try {
    ck = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${file}: not a checkpoint (${(e as Error).message})`, file);
  }
  if (typeof ck !== 'object' || ck === null || Array.isArray(ck))
    throw new DataError(`${file}: not a pim checkpoint (not a JSON object)`, file);
  const c = ck as Record<string, unknown>;
  if (c['format'] !== 'pim-checkpoint') throw bad(file, 'format', "must be 'pim-checkpoint'");
  if (c['version'] !== CHECKPOINT_VERSION)
    throw bad(
      file,
      'version',
      `is ${JSON.stringify(c['version'])}; this version of pim reads version ${CHECKPOINT_VERSION}`,
    );
  for (const k of ['experiment', 'model'])
    if (typeof c[k] !== 'string' || (c[k] as string).length === 0) throw bad(file, k, 'must be a name');
  if (!Number.isInteger(c['epoch']) || (c['epoch'] as number) < 0) throw bad(file, 'epoch', 'must be a whole number');
  if (!Array.isArray(c['variables'])) throw bad(file, 'variables', 'must be a list of tensors');
  (c['variables'] as unknown[]).forEach((t, i) => checkTensor(file, `variables[${i}]`, t, false));
  const writes = c['writes'];
  if (typeof writes !== 'object' || writes === null || Array.isArray(writes))
    throw bad(file, 'writes', 'must be an object of tensors by layer name');
  for (const [k, t] of Object.entries(writes)) checkTensor(file, `writes.${k}`, t, true);
  if (c['updates'] !== undefined && !(Number.isInteger(c['updates']) && (c['updates'] as number) >= 0))
    throw bad(file, 'updates', 'must be a whole number');
  return ck as Checkpoint;
}

/** The writes the checkpoint's training took per layer, for the simulator's training cost (`measuredWrites`). */
export function checkpointWrites(ck: Checkpoint, file: string): MeasuredWrites {
  if (ck.updates === undefined)
    throw bad(file, 'updates', 'is missing: the checkpoint predates write measurement (train again to measure writes)');
  const out: MeasuredWrites = {};
  for (const [layer, t] of Object.entries(ck.writes)) out[layer] = measuredLayerWrites(decodeTensor(t), ck.updates);
  return out;
}

/** The checkpoint format version this code writes and reads. */
export const CHECKPOINT_VERSION = 1;
