// The files the server knows: open buffers (authoritative) and `.pim` files found under the workspace
// folders (read from disk on demand, re-read when their modification time changes).
import { readdirSync, statSync } from 'node:fs';
import { readSource } from '@pim/grammar/files';
import { join } from 'node:path';
import type { CompilerHost } from './compiler-types.js';
import { pathToUri } from './convert.js';
import { PimDocument } from './documents.js';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test']);
/** Upper bounds on what is scanned, so opening a huge folder (a home directory) cannot stall the server. */
const MAX_FILES = 5000;
const MAX_DIRS = 20000;
/**
 * Files read from disk whose parses are kept, the least recently used dropped first: a workspace of
 * 5,000 files kept every parse and held 1.17 GB after one workspace-symbol search.
 */
const MAX_CACHED = 300;

export class Workspace {
  private readonly open = new Map<string, PimDocument>();
  private readonly disk = new Map<string, { mtime: number; doc: PimDocument }>();
  private readonly known = new Set<string>();
  private dirsVisited = 0;

  constructor(readonly roots: string[]) {}

  /** Finds the `.pim` files under the roots. */
  scan(): void {
    for (const root of this.roots) this.walk(root, 0);
  }

  private walk(dir: string, depth: number): void {
    if (depth > 12 || this.known.size >= MAX_FILES || ++this.dirsVisited > MAX_DIRS) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) this.walk(join(dir, e.name), depth + 1);
      } else if (e.isFile() && e.name.endsWith('.pim')) {
        this.known.add(join(dir, e.name));
      }
    }
  }

  setOpen(doc: PimDocument): void {
    this.open.set(doc.path, doc);
    this.known.add(doc.path);
  }

  close(path: string): void {
    this.open.delete(path);
  }

  openDocuments(): PimDocument[] {
    return [...this.open.values()];
  }

  isOpen(path: string): boolean {
    return this.open.has(path);
  }

  /** A file was created, changed or deleted on disk. */
  fileChanged(path: string, deleted: boolean): void {
    this.disk.delete(path);
    if (deleted && !this.open.has(path)) this.known.delete(path);
    else this.known.add(path);
  }

  /** Every `.pim` file known: scanned, opened, or imported by one of them. */
  files(): string[] {
    return [...this.known];
  }

  /** The document for a path: the open buffer, else the file on disk; undefined when unreadable. */
  document(path: string): PimDocument | undefined {
    const open = this.open.get(path);
    if (open) return open;
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch {
      this.disk.delete(path);
      return undefined;
    }
    const cached = this.disk.get(path);
    this.disk.delete(path);
    if (cached && cached.mtime === mtime) {
      this.disk.set(path, cached); // now the most recently used
      return cached.doc;
    }
    // Bounded and regular files only: an import of /dev/zero must not take the server's memory.
    const read = readSource(path);
    if (!('text' in read)) return undefined;
    const text = read.text;
    const doc = new PimDocument(pathToUri(path), path, 0, text);
    this.disk.set(path, { mtime, doc });
    if (this.disk.size > MAX_CACHED) this.disk.delete(this.disk.keys().next().value!);
    return doc;
  }

  /**
   * What a file's contents are known by, to compare with `===`: an open buffer's document (a new one
   * for every change, and for every opening), else the file's modification time.
   */
  stamp(path: string): PimDocument | string | undefined {
    const open = this.open.get(path);
    if (open) return open;
    try {
      return `disk:${statSync(path).mtimeMs}`;
    } catch {
      return undefined;
    }
  }

  /** What the compiler reads through: unsaved buffers win over the disk. */
  readonly host: CompilerHost = {
    readFile: (path: string): string | undefined => {
      const doc = this.document(path);
      if (doc && path.endsWith('.pim')) this.known.add(path);
      return doc?.text;
    },
  };
}
