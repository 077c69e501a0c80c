// Pass: read and parse the entry file and everything it imports (paths relative to the importing
// file), reporting unreadable imports and import cycles with the cycle spelled out.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diag, LIMITS, LineIndex, parse, type Diagnostic, type Span } from '@pim/grammar';
import { readSource } from '@pim/grammar/files';
import type { CompilerHost, SourceFile } from '../api.js';

export const nodeHost: CompilerHost = {
  readFile(p: string) {
    const r = readSource(p);
    return 'text' in r ? r.text : r.problem === 'notFound' ? undefined : r;
  },
};

export function makeSourceFile(p: string, text: string): SourceFile {
  // The compiler never reads tokens: not keeping them saves memory and time on large files.
  const r = parse(text, p, { tokens: false });
  return { path: p, text, ast: r.ast, lineIndex: new LineIndex(text), parseDiagnostics: r.diagnostics };
}

export interface LoadResult {
  /** Entry first, then imports in discovery order. */
  files: Map<string, SourceFile>;
  diagnostics: Diagnostic[];
  /** Whether the entry itself could be read. */
  entryFound: boolean;
}

export function loadFiles(entry: string, host: CompilerHost, cache?: Map<string, SourceFile>): LoadResult {
  const files = new Map<string, SourceFile>();
  const diagnostics: Diagnostic[] = [];
  const stack: string[] = [];
  const rel = (p: string): string => path.relative(path.dirname(entry), p) || path.basename(p);

  /** A parsed file, or the diagnostic that says why it cannot be read (at `span` of `from`). */
  const read = (p: string, from: string, span: Span, shown: string): SourceFile | Diagnostic => {
    const text = host.readFile(p);
    if (text === undefined) return diag('importNotFound', from, span, shown);
    if (typeof text !== 'string') {
      if (text.problem === 'tooLarge') return diag('fileTooLarge', from, span, text.bytes, LIMITS.fileBytes);
      return text.problem === 'special'
        ? diag('importNotRegular', from, span, shown, text.what)
        : diag('importNotFound', from, span, shown);
    }
    const cached = cache?.get(p);
    if (cached && cached.text === text) return cached;
    const sf = makeSourceFile(p, text);
    cache?.set(p, sf);
    return sf;
  };

  const visit = (p: string, sf: SourceFile): void => {
    files.set(p, sf);
    stack.push(p);
    for (const item of sf.ast.items) {
      if (item.type !== 'Import') continue;
      const target = path.resolve(path.dirname(p), item.path.value);
      const onStack = stack.indexOf(target);
      if (onStack >= 0) {
        diagnostics.push(diag('importCycle', p, item.span, [...stack.slice(onStack), target].map(rel)));
        continue;
      }
      if (files.has(target)) continue;
      // Only sources: another file's contents would be parsed and echoed in code frames.
      if (path.extname(target) !== '.pim') {
        diagnostics.push(diag('importNotSource', p, item.path.span, item.path.value));
        continue;
      }
      if (files.size >= LIMITS.files) {
        diagnostics.push(diag('tooManyFiles', p, item.span, LIMITS.files));
        continue;
      }
      const child = read(target, p, item.path.span, item.path.value);
      if ('code' in child) {
        diagnostics.push(child);
        continue;
      }
      visit(target, child);
    }
    stack.pop();
  };

  const entrySf = read(entry, entry, { start: 0, end: 0 }, path.basename(entry));
  if ('code' in entrySf) {
    // A file too large or special is reported at its own start; a missing one by the caller.
    if (entrySf.code === 'PIM2003') return { files, diagnostics, entryFound: false };
    diagnostics.push(entrySf);
    return { files, diagnostics, entryFound: false };
  }
  visit(entry, entrySf);
  return { files, diagnostics, entryFound: true };
}

const PRELUDE_DIR = fileURLToPath(new URL('../../prelude/', import.meta.url));
export const PRELUDE_FILES = { component: 'components.pim', declaration: 'declarations.pim' } as const;
let preludeCache: Record<keyof typeof PRELUDE_FILES, SourceFile> | undefined;

/**
 * The component library and other built-in classes, parsed once per process. The bundled CLI
 * (cli/scripts/build-cli.mjs) carries the parse made at build time by the same parser, as JSON in
 * `globalThis.__PIM_PRELUDE_PARSE__`; it is used for a file only when its text and path are the ones
 * parsed then (JSON.parse is several times cheaper than a cold parse). JSON cannot share an object,
 * so `shared` lists where the parser's tree holds one object twice (a path to its first place, then
 * to the other): those places are made one object again.
 */
export function loadPrelude(): Record<keyof typeof PRELUDE_FILES, SourceFile> {
  if (!preludeCache) {
    type Key = string | number;
    type Built = Pick<SourceFile, 'path' | 'text' | 'ast' | 'parseDiagnostics'> & { shared: [Key[], Key[]][] };
    const built = (globalThis as { __PIM_PRELUDE_PARSE__?: string }).__PIM_PRELUDE_PARSE__;
    const parsed = built === undefined ? {} : (JSON.parse(built) as Record<string, Built>);
    const entries = Object.entries(PRELUDE_FILES).map(([ns, file]) => {
      const p = path.join(PRELUDE_DIR, file);
      const text = fs.readFileSync(p, 'utf8');
      const pre = parsed[ns];
      if (!pre || pre.path !== p || pre.text !== text) return [ns, makeSourceFile(p, text)] as const;
      const tree = { ast: pre.ast, parseDiagnostics: pre.parseDiagnostics };
      const at = (keys: Key[]): Record<Key, unknown> =>
        keys.reduce<Record<Key, unknown>>((o, k) => o[k] as Record<Key, unknown>, tree);
      for (const [first, other] of pre.shared) at(other.slice(0, -1))[other[other.length - 1]!] = at(first);
      return [
        ns,
        {
          path: p,
          text,
          ast: tree.ast,
          lineIndex: new LineIndex(text),
          parseDiagnostics: tree.parseDiagnostics,
        } satisfies SourceFile,
      ] as const;
    });
    preludeCache = Object.fromEntries(entries) as Record<keyof typeof PRELUDE_FILES, SourceFile>;
  }
  return preludeCache;
}
