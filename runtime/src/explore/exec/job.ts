// One unit of an exploration's work: train one design at one fidelity. A job carries everything its
// result depends on — the program's sources (the entry and its imports, each named by its SHA-256),
// the `train` experiment to run, the design point's overrides, the epochs (fidelity), the seed and the
// data limits — so any worker with the project installed can run it, and its id is the SHA-256 of
// exactly those (paths relative to the entry's folder), so the same work has the same id on every
// machine and a journal or a queue can recognise work already done. The build of pim that makes the job
// (toolchain.ts) and the contents of the data files its experiment reads are hashed too: the same
// sources trained by another build, or on another copy of a data set, are other work, and a worker
// refuses either (evaluator.ts). The label and the coordinator's folder (where data files named by the
// program resolve) are carried but not hashed.
import { createHash } from 'node:crypto';
import type { ParamValue } from '../space.js';

export const JOB_FORMAT = 2;
/** A job larger than this (its JSON) is refused: a program's sources are kilobytes. */
export const MAX_JOB_BYTES = 8 * 1024 * 1024;

export interface JobSource {
  /** Relative to the entry's folder, '/'-separated. */
  path: string;
  sha256: string;
  text: string;
}

/**
 * A data file the experiment reads, by its name in its data set's folder and the SHA-256 of its text.
 * The text travels with the job when the set's files are small (MAX_INLINE_DATA_BYTES): a worker then
 * needs no copy of its own. It is not part of the id (the hash is).
 */
export interface JobDataFile {
  file: string;
  sha256: string;
  text?: string;
}

/** A data set whose files' texts come to at most this many bytes goes with each job. */
export const MAX_INLINE_DATA_BYTES = 4 * 1024 * 1024;

export interface EvaluationJob {
  format: typeof JOB_FORMAT;
  id: string;
  /** The build of pim that made the job (toolchain.ts): a worker of another build refuses it. */
  toolchain: string;
  /** The files the experiment's data set is read from (none for built-in and synthetic sets). */
  data: JobDataFile[];
  /** The coordinator's folder of the entry: data files the program names resolve against it. */
  root: string;
  /** The entry among `sources`. */
  entry: string;
  sources: JobSource[];
  /** The exploration's `evaluate` experiment (a `train`). */
  experiment: string;
  overrides: { path: string; value: ParamValue }[];
  epochs: number;
  seed: number;
  trainLimit?: number;
  testLimit?: number;
  /** For progress lines: the exploration and the design's values. */
  label: string;
}

export type JobResult =
  | {
      id: string;
      ok: true;
      accuracy: number;
      curve: number[];
      /** CPU seconds by the end of each epoch (cumulative). */ cpuCurve?: number[];
      cpuSeconds: number;
      wallSeconds: number;
      worker: string;
    }
  | { id: string; ok: false; error: string; worker: string };

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The id: a hash of what determines the result (build, sources and data by hash, experiment, overrides, epochs, seed, limits). */
export function jobId(j: Omit<EvaluationJob, 'id' | 'format' | 'root' | 'label'>): string {
  const identity = {
    format: JOB_FORMAT,
    toolchain: j.toolchain,
    entry: j.entry,
    sources: [...j.sources]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((s) => [s.path, s.sha256]),
    experiment: j.experiment,
    data: j.data.map((d) => [d.file, d.sha256]),
    overrides: j.overrides.map((o) => [o.path, o.value]),
    epochs: j.epochs,
    seed: j.seed,
    trainLimit: j.trainLimit ?? null,
    testLimit: j.testLimit ?? null,
  };
  return sha256(JSON.stringify(identity));
}

export function makeJob(j: Omit<EvaluationJob, 'id' | 'format'>): EvaluationJob {
  return { ...j, format: JOB_FORMAT, id: jobId(j) };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const whole = (v: unknown, min: number) => typeof v === 'number' && Number.isInteger(v) && v >= min;

/**
 * A job as received from a queue or a pipe, checked before anything runs: its size, every field's
 * type, each source's hash and the id. Returns the job, or why it is refused.
 */
export function parseJob(data: unknown): EvaluationJob | string {
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(data) ?? '');
  } catch {
    return 'the job is not JSON';
  }
  if (size > MAX_JOB_BYTES) return `the job is ${size} bytes, over the limit of ${MAX_JOB_BYTES}`;
  if (!isObj(data)) return 'the job is not an object';
  if (data['format'] !== JOB_FORMAT)
    return `the job's format is ${JSON.stringify(data['format'])}, not ${JOB_FORMAT} (coordinator and worker from different versions?)`;
  for (const k of ['id', 'toolchain', 'root', 'entry', 'experiment', 'label'] as const)
    if (typeof data[k] !== 'string') return `the job's ${k} is not a string`;
  const files = data['data'];
  if (
    !Array.isArray(files) ||
    !files.every((d) => isObj(d) && typeof d['file'] === 'string' && typeof d['sha256'] === 'string')
  )
    return "the job's data files are not [{file, sha256, text?}]";
  for (const d of files as Record<string, unknown>[]) {
    if (d['text'] !== undefined && typeof d['text'] !== 'string')
      return `data file ${String(d['file'])}: its text is not a string`;
    if (typeof d['text'] === 'string' && sha256(d['text']) !== d['sha256'])
      return `data file ${String(d['file'])}: its text does not match its hash`;
  }
  if (!whole(data['epochs'], 1)) return "the job's epochs are not a whole number of at least 1";
  if (!whole(data['seed'], 0)) return "the job's seed is not a whole number";
  for (const k of ['trainLimit', 'testLimit'] as const)
    if (data[k] !== undefined && !whole(data[k], 1)) return `the job's ${k} is not a whole number of at least 1`;
  const sources = data['sources'];
  if (!Array.isArray(sources) || sources.length === 0) return 'the job has no sources';
  for (const s of sources) {
    if (!isObj(s) || typeof s['path'] !== 'string' || typeof s['text'] !== 'string' || typeof s['sha256'] !== 'string')
      return 'a source of the job is not {path, sha256, text}';
    if (sha256(s['text']) !== s['sha256']) return `source ${s['path']}: its text does not match its hash`;
  }
  if (!sources.some((s: Record<string, unknown>) => s['path'] === data['entry']))
    return "the job's entry is not among its sources";
  const overrides = data['overrides'];
  if (
    !Array.isArray(overrides) ||
    !overrides.every(
      (o) => isObj(o) && typeof o['path'] === 'string' && ['number', 'string', 'boolean'].includes(typeof o['value']),
    )
  )
    return "the job's overrides are not [{path, value}]";
  const job = data as unknown as EvaluationJob;
  if (jobId(job) !== job.id) return "the job's id is not the hash of its contents";
  return job;
}
