// Planetoid citation graphs (Cora, Citeseer) from the TSV form in the repository's data/ folder (format,
// source and licence in data/README.md), and a seeded synthetic graph with the same shape for tests.
// Features are binary bag-of-words, kept sparse (CSR).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { IrDataset, IrProgram } from '@pim/ir';
import { fileURLToPath } from 'node:url';
import { Rng } from '../util/rng.js';
import { DataError } from './errors.js';

export { DataError } from './errors.js';

export interface PlanetoidGraph {
  name: string;
  nodes: number;
  features: number;
  classes: number;
  /** Class per node, -1 where unknown. */
  labels: Int32Array;
  /** 0 none, 1 train, 2 val, 3 test. */
  split: Uint8Array;
  /** CSR of the binary bag-of-words features: row i's ones are featCols[featRowPtr[i] .. featRowPtr[i+1]). */
  featRowPtr: Int32Array;
  featCols: Int32Array;
  /** Undirected pairs a0,b0,a1,b1,… with a < b, as in edges.tsv. */
  edges: Int32Array;
}

/** The repository's data folder (from runtime/dist/data/): a Planetoid set without a path is read from here. */
export const DATA_DIR = fileURLToPath(new URL('../../../data/', import.meta.url));

/** A Planetoid dataset's folder: its `path` (relative to `dataRoot`), else the repository's data/<set>. */
export function planetoidDir(ds: IrDataset, dataRoot = process.cwd()): string {
  const p = ds.path ?? join(DATA_DIR, ds.set ?? ds.name);
  return isAbsolute(p) ? p : resolve(dataRoot, p);
}

/** The files `loadPlanetoid` reads from a folder. */
export function planetoidFiles(dir: string): { nodes: string; edges: string } {
  return { nodes: join(dir, 'nodes.tsv'), edges: join(dir, 'edges.tsv') };
}

/** Every file the program's datasets are read from, with its dataset: a command's outputs must not be one. */
export function programDataFiles(ir: IrProgram, dataRoot?: string): { dataset: string; file: string }[] {
  return (ir.datasets ?? [])
    .filter((ds) => ds.source === 'planetoid')
    .flatMap((ds) =>
      Object.values(planetoidFiles(planetoidDir(ds, dataRoot))).map((file) => ({ dataset: ds.name, file })),
    );
}

/** The paths of the files data set `dataset` is read from (none for built-in and synthetic sets). */
export function datasetFilePaths(ir: IrProgram, dataset: string, dataRoot?: string): string[] {
  return programDataFiles(ir, dataRoot)
    .filter((f) => f.dataset === dataset)
    .map((f) => f.file);
}

/**
 * The files data set `dataset` is read from (none for built-in and synthetic sets), each with its text
 * and the SHA-256 of that text: what a training's result depends on besides the program and the build.
 */
export function datasetFiles(
  ir: IrProgram,
  dataset: string,
  dataRoot?: string,
): { file: string; path: string; sha256: string; text: string }[] {
  return datasetFilePaths(ir, dataset, dataRoot).map((file) => {
    const text = readText(file);
    return { file: basename(file), path: file, sha256: createHash('sha256').update(text).digest('hex'), text };
  });
}

export const SPLIT_NONE = 0;
export const SPLIT_TRAIN = 1;
export const SPLIT_VAL = 2;
export const SPLIT_TEST = 3;

const SPLIT_CODES: Record<string, number> = { none: SPLIT_NONE, train: SPLIT_TRAIN, val: SPLIT_VAL, test: SPLIT_TEST };

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(
      code === 'ENOENT' ? `${file}: file not found` : `${file}: cannot read (${code ?? String(e)})`,
      file,
    );
  }
}

/** Non-negative decimal integer, or undefined (Number() would accept '', '1e3', ' 7'). */
function parseIndex(s: string): number | undefined {
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

function parseLabel(s: string): number | undefined {
  return /^-?\d+$/.test(s) ? Number(s) : undefined;
}

/** Lines after the `#` header, with their 1-based line numbers; blank trailing lines dropped. */
function dataLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!;
    if (t.startsWith('#') || t.trim() === '') continue;
    out.push({ line: i + 1, text: t });
  }
  return out;
}

/**
 * Loads `nodes.tsv` and `edges.tsv` from `dir`, or from `texts` (by those names) where given — an
 * exploration's job carries them to a worker that may not have the folder; the graph's name is the
 * folder's name.
 */
export function loadPlanetoid(dir: string, texts?: Readonly<Record<string, string>>): PlanetoidGraph {
  const { nodes: nodesFile, edges: edgesFile } = planetoidFiles(dir);
  const nodesText = texts?.['nodes.tsv'] ?? readText(nodesFile);
  const edgesText = texts?.['edges.tsv'] ?? readText(edgesFile);

  // The header states the feature count ("…; 1433 features)"); otherwise it is 1 + the largest index seen.
  const firstLine = nodesText.split('\n', 1)[0]!;
  const header = firstLine.startsWith('#') ? /(\d+)\s+features/.exec(firstLine) : null;
  const rows = dataLines(nodesText);
  if (rows.length === 0) throw new DataError(`${nodesFile}: no nodes`, nodesFile);
  const n = rows.length;
  const labels = new Int32Array(n);
  const split = new Uint8Array(n);
  const rowPtr = new Int32Array(n + 1);
  const cols: number[] = [];
  let maxFeat = -1;
  let maxLabel = -1;
  for (let i = 0; i < n; i++) {
    const { line, text } = rows[i]!;
    const where = `${nodesFile}:${line}`;
    const f = text.split('\t');
    if (f.length !== 4)
      throw new DataError(
        `${where}: expected 4 tab-separated fields (node, label, split, feature_indices), found ${f.length}`,
        nodesFile,
        line,
      );
    const node = parseIndex(f[0]!);
    if (node !== i)
      throw new DataError(
        `${where}: expected node ${i}, found '${f[0]}' (nodes must be 0-based and in order)`,
        nodesFile,
        line,
      );
    const label = parseLabel(f[1]!);
    if (label === undefined || label < -1)
      throw new DataError(`${where}: bad label '${f[1]}' (a class index or -1)`, nodesFile, line);
    const code = SPLIT_CODES[f[2]!];
    if (code === undefined)
      throw new DataError(`${where}: bad split '${f[2]}' (train, val, test or none)`, nodesFile, line);
    if (code !== SPLIT_NONE && label < 0)
      throw new DataError(`${where}: node in split '${f[2]}' has no label`, nodesFile, line);
    labels[i] = label;
    split[i] = code;
    if (label > maxLabel) maxLabel = label;
    if (f[3]!.length > 0) {
      for (const s of f[3]!.split(',')) {
        const c = parseIndex(s);
        if (c === undefined) throw new DataError(`${where}: bad feature index '${s}'`, nodesFile, line);
        cols.push(c);
        if (c > maxFeat) maxFeat = c;
      }
    }
    rowPtr[i + 1] = cols.length;
  }
  const features = header ? Number(header[1]) : maxFeat + 1;
  if (maxFeat >= features)
    throw new DataError(
      `${nodesFile}: feature index ${maxFeat} ≥ the ${features} features the header states`,
      nodesFile,
    );

  const erows = dataLines(edgesText);
  const edges = new Int32Array(erows.length * 2);
  for (let e = 0; e < erows.length; e++) {
    const { line, text } = erows[e]!;
    const where = `${edgesFile}:${line}`;
    const f = text.split('\t');
    if (f.length !== 2)
      throw new DataError(`${where}: expected 2 tab-separated node indices, found ${f.length} fields`, edgesFile, line);
    const a = parseIndex(f[0]!);
    const b = parseIndex(f[1]!);
    if (a === undefined || b === undefined)
      throw new DataError(`${where}: bad node index in '${text}'`, edgesFile, line);
    if (a >= n || b >= n)
      throw new DataError(`${where}: node ${Math.max(a, b)} out of range (${n} nodes)`, edgesFile, line);
    if (a >= b) throw new DataError(`${where}: expected a < b, found ${a} ${b}`, edgesFile, line);
    edges[2 * e] = a;
    edges[2 * e + 1] = b;
  }
  return {
    name: basename(dir.replace(/[\\/]+$/, '')),
    nodes: n,
    features,
    classes: maxLabel + 1,
    labels,
    split,
    featRowPtr: rowPtr,
    featCols: Int32Array.from(cols),
    edges,
  };
}

/**
 * The mean degree of a synthetic graph: a stated `degree` (IR from other tools), else from the number of
 * undirected edges the data set states (2·edges / nodes), else 4. One rule for the simulator and the
 * trainer, so both see the same graph (the trainer used 4 whatever the edges).
 */
export function syntheticDegree(nodes: number, edges?: number, degree?: number): number {
  return degree ?? (edges !== undefined && nodes > 0 ? (2 * edges) / nodes : 4);
}

/**
 * A seeded random graph a GCN can learn: each class has a set of characteristic words that its nodes draw
 * most of their features from, and most edges join nodes of the same class (homophily ≈ 0.8, as in Cora).
 * Split: 20 train nodes per class, then 20% val, rest test.
 */
export function syntheticGraph(opts: {
  nodes: number;
  features: number;
  classes: number;
  avgDegree: number;
  seed: number;
}): PlanetoidGraph {
  const { nodes: n, features: F, classes: C, avgDegree, seed } = opts;
  if (!(n > 0 && F > 0 && C > 0 && avgDegree >= 0))
    throw new RangeError('syntheticGraph: nodes, features and classes must be positive, avgDegree ≥ 0');
  const rng = new Rng(seed);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % C;
  // Shuffle so classes are not contiguous in node order (like the real sets).
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const shuffled = new Int32Array(n);
  for (let i = 0; i < n; i++) shuffled[i] = labels[order[i]!]!;
  labels.set(shuffled);

  const perClass = Math.max(1, Math.floor(F / C));
  const wordsPerNode = Math.max(2, Math.min(20, Math.floor(F / 10)));
  const rowPtr = new Int32Array(n + 1);
  const cols: number[] = [];
  for (let i = 0; i < n; i++) {
    const set = new Set<number>();
    const y = labels[i]!;
    for (let w = 0; w < wordsPerNode; w++) {
      // 60% of words from the class's own vocabulary band, the rest from anywhere.
      const c = rng.next() < 0.6 ? Math.min(F - 1, y * perClass + rng.int(perClass)) : rng.int(F);
      set.add(c);
    }
    const sorted = [...set].sort((a, b) => a - b);
    cols.push(...sorted);
    rowPtr[i + 1] = cols.length;
  }

  const byClass: number[][] = Array.from({ length: C }, () => []);
  for (let i = 0; i < n; i++) byClass[labels[i]!]!.push(i);
  const target = Math.round((n * avgDegree) / 2);
  const seen = new Set<number>();
  const pairs: number[] = [];
  let attempts = 0;
  while (pairs.length / 2 < target && attempts < target * 20 && n > 1) {
    attempts++;
    const a = rng.int(n);
    const same = byClass[labels[a]!]!;
    const b = rng.next() < 0.8 && same.length > 1 ? same[rng.int(same.length)]! : rng.int(n);
    if (a === b) continue;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const key = lo * n + hi;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push(lo, hi);
  }
  // Sorted like edges.tsv so consumers can rely on one order.
  const idx = Array.from({ length: pairs.length / 2 }, (_, e) => e).sort(
    (x, y) => pairs[2 * x]! - pairs[2 * y]! || pairs[2 * x + 1]! - pairs[2 * y + 1]!,
  );
  const edges = new Int32Array(pairs.length);
  idx.forEach((e, k) => {
    edges[2 * k] = pairs[2 * e]!;
    edges[2 * k + 1] = pairs[2 * e + 1]!;
  });

  const split = new Uint8Array(n);
  const trainPer = new Array<number>(C).fill(0);
  const nVal = Math.floor(n * 0.2);
  let val = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (trainPer[y]! < 20 && trainPer[y]! < Math.floor(n / C / 3)) {
      trainPer[y]!++;
      split[i] = SPLIT_TRAIN;
    } else if (val < nVal) {
      val++;
      split[i] = SPLIT_VAL;
    } else split[i] = SPLIT_TEST;
  }
  return {
    name: `synthetic-${seed}`,
    nodes: n,
    features: F,
    classes: C,
    labels,
    split,
    featRowPtr: rowPtr,
    featCols: Int32Array.from(cols),
    edges,
  };
}
