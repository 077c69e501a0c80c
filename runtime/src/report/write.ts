// Writes a report's JSON, CSV folder and HTML file, each atomically; errors name the path that could
// not be written.
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '@pim/grammar/files';
import { join } from 'node:path';
import type { SimReport } from '../sim/types.js';
import { toCsvFiles, toJson } from './data.js';
import { renderHtml } from './html.js';

export interface WriteOptions {
  json?: string;
  csvDir?: string;
  html?: string;
}

function write(path: string, text: string): void {
  try {
    writeFileAtomic(path, text);
  } catch (e) {
    throw new Error(`${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Returns the files written. */
export async function writeReports(r: SimReport, opts: WriteOptions): Promise<string[]> {
  const written: string[] = [];
  if (opts.json) {
    write(opts.json, toJson(r));
    written.push(opts.json);
  }
  if (opts.csvDir) {
    try {
      mkdirSync(opts.csvDir, { recursive: true });
    } catch (e) {
      throw new Error(
        `${opts.csvDir}: cannot create folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
    for (const [name, text] of Object.entries(toCsvFiles(r))) {
      const p = join(opts.csvDir, name);
      write(p, text);
      written.push(p);
    }
  }
  if (opts.html) {
    write(opts.html, await renderHtml(r));
    written.push(opts.html);
  }
  return written;
}
