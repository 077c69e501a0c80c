// Which build of pim computes a job's result. Two machines at different commits (one upgraded, one
// not) compile and train the same job differently, so the build is part of what a job's id hashes
// and of what a journal records: a worker refuses a job of another build, a queue is per build, and
// `--resume` refuses a journal of another build instead of mixing two models' results in one front.
//
// The build is named by the code that can run for a job: the JavaScript modules reachable by import
// from the evaluator and from the compiler (followed through tsc's output, which writes every import
// as a plain string), the compiler's prelude, which it reads as files, and the name and version of
// every other package they import (tfjs, chevrotain) or read (mnist's digits), and Node's major version
// (V8's Math functions draw the trainer's random numbers). Files a build left
// behind and nothing imports (a deleted source's old output) do not count, so a clean clone and a
// working tree at the same commit agree.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Packages read by path rather than imported, whose contents change a result. */
const READ_PACKAGES = ['mnist'];

/** Node's major version, which a build's results depend on (V8's Math functions). */
const NODE_MAJOR = `node@${process.versions.node.split('.')[0]}`;

/** The `.pim` files of a folder (a prelude), in name order; none when it is not there. */
function pimFiles(dir: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.pim'))
    .sort()
    .map((f) => path.join(dir, f));
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+|^\s*export\s+\*\s+from\s*)(['"])([^'"\n]+)\1/gm;

/** The specifiers a module imports (static, re-exported or dynamic with a literal). */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(IMPORT)) out.push(m[2]!);
  return out;
}

interface PackageDir {
  dir: string;
  name: string;
  version: string;
  exports: unknown;
  main?: string;
}

/** The package `name` as Node finds it from `fromDir`: the nearest node_modules/<name> upward. */
function findPackage(name: string, fromDir: string): PackageDir | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name, 'package.json');
    if (fs.existsSync(candidate)) {
      const json = JSON.parse(fs.readFileSync(candidate, 'utf8')) as Record<string, unknown>;
      return {
        dir: fs.realpathSync(path.dirname(candidate)),
        name,
        version: String(json['version'] ?? '?'),
        exports: json['exports'],
        ...(typeof json['main'] === 'string' ? { main: json['main'] } : {}),
      };
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** 'a/b' → ['a', './b']; '@s/a/b' → ['@s/a', './b']; no subpath: '.'. */
function splitSpecifier(spec: string): [string, string] {
  const parts = spec.split('/');
  const n = spec.startsWith('@') ? 2 : 1;
  const rest = parts.slice(n).join('/');
  return [parts.slice(0, n).join('/'), rest ? `./${rest}` : '.'];
}

/** A workspace package's module for a subpath (its `exports` map of plain strings, or `main`). */
function packageModule(p: PackageDir, subpath: string): string | undefined {
  const e = p.exports;
  const target =
    typeof e === 'string' && subpath === '.'
      ? e
      : e && typeof e === 'object'
        ? (e as Record<string, unknown>)[subpath]
        : subpath === '.'
          ? p.main
          : undefined;
  return typeof target === 'string' && /\.[cm]?js$/.test(target) ? path.join(p.dir, target) : undefined;
}

/**
 * The hash of the build: every module reachable from `entries` (files), each by its path relative to
 * its package and its contents, the files of `extraFiles`, and `name@version` of every other package
 * imported or listed in `readPackages`. Packages whose name starts with `followScope` are followed
 * into; the rest are counted by version only.
 */
export function buildHash(
  entries: readonly string[],
  opts: {
    followScope: string;
    extraFiles?: readonly string[];
    readPackages?: readonly string[];
    /** Further names of what the build depends on (the runtime's version). */
    also?: readonly string[];
  },
): string {
  const seen = new Set<string>();
  const external = new Set<string>();
  const files: [string, string][] = [];
  const pkgRoot = new Map<string, string>();
  const relName = (file: string): string => {
    for (const [dir, name] of pkgRoot)
      // '/'-separated, so a build is named alike on every system.
      if (file.startsWith(dir + path.sep)) return `${name}/${path.relative(dir, file).split(path.sep).join('/')}`;
    return path.basename(file);
  };
  const visit = (file: string): void => {
    const real = fs.realpathSync(file);
    if (seen.has(real)) return;
    seen.add(real);
    const text = fs.readFileSync(real, 'utf8');
    files.push([real, text]);
    for (const spec of importsOf(text)) {
      if (spec.startsWith('node:')) continue;
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(real), spec);
        if (fs.existsSync(target) && fs.statSync(target).isFile()) visit(target);
        continue;
      }
      const [name, sub] = splitSpecifier(spec);
      const p = findPackage(name, path.dirname(real));
      if (!p) {
        // A Node built-in named without 'node:' (tsc keeps what the source wrote), or an optional package not installed.
        external.add(`${name}@-`);
        continue;
      }
      if (!name.startsWith(opts.followScope)) {
        external.add(`${name}@${p.version}`);
        continue;
      }
      pkgRoot.set(p.dir, name);
      const m = packageModule(p, sub);
      if (m && fs.existsSync(m)) visit(m);
    }
  };
  const extraFiles = opts.extraFiles ?? [];
  // owningPackage starts from the file's real path, so its folder is real as visit's paths are.
  for (const f of [...entries, ...extraFiles]) {
    const p = owningPackage(f);
    if (p) pkgRoot.set(p.dir, p.name);
  }
  for (const e of entries) visit(e);
  for (const f of extraFiles) files.push([fs.realpathSync(f), fs.readFileSync(f, 'utf8')]);
  for (const a of opts.also ?? []) external.add(a);
  for (const name of opts.readPackages ?? []) {
    const p = entries.length ? findPackage(name, path.dirname(entries[0]!)) : undefined;
    external.add(`${name}@${p?.version ?? '-'}`);
  }
  const h = createHash('sha256');
  const named = files.map(([f, text]) => [relName(f), text] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [name, text] of named) h.update(`${name}\0${text.length}\0${text}\0`);
  for (const e of [...external].sort()) h.update(`${e}\0`);
  return h.digest('hex');
}

/** The package a file belongs to: the nearest folder upward with a package.json that has a name. */
function owningPackage(file: string): { dir: string; name: string } | undefined {
  for (let dir = path.dirname(fs.realpathSync(file)); ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      const name = (JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: unknown }).name;
      if (typeof name === 'string') return { dir, name };
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

let cached: string | undefined;

/**
 * Set by the VS Code extension's bundle (vscode-extension/esbuild.mjs): the folder of the prelude and
 * mnist's package.json, which the bundle keeps beside its modules. Undefined when the modules run from
 * their packages.
 */
const BUNDLE_FILES: readonly URL[] | undefined = undefined;

/**
 * Bundled, the modules are esbuild's chunks beside this one (the bundle's folder holds nothing else,
 * rebuilt whole each time): every chunk counts, with the prelude and mnist's version beside them.
 */
function bundleHash(files: readonly URL[]): string {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const chunks = fs
    .readdirSync(dir)
    .filter((f) => /\.[cm]?js$/.test(f))
    .map((f) => path.join(dir, f));
  const beside = files.flatMap((u) => {
    const p = fileURLToPath(u);
    if (!fs.existsSync(p)) return [];
    return fs.statSync(p).isDirectory() ? pimFiles(p) : [p];
  });
  return buildHash([], { followScope: '@pim/', extraFiles: [...chunks, ...beside], also: [NODE_MAJOR] });
}

/**
 * This process's build of pim (its hash), computed once: what a job made here is trained with. The
 * evaluator and the compiler it is given are the entries; the compiler is found as the runtime finds
 * its packages.
 */
export function toolchainId(): string {
  if (cached) return cached;
  if (BUNDLE_FILES) return (cached = bundleHash(BUNDLE_FILES));
  const evaluator = fileURLToPath(new URL('./evaluator.js', import.meta.url));
  const compiler = findPackage('@pim/compiler', path.dirname(evaluator));
  const compilerEntry = compiler && packageModule(compiler, '.');
  const entries = [evaluator, ...(compilerEntry ? [compilerEntry] : [])];
  const extraFiles = compiler ? pimFiles(path.join(compiler.dir, 'prelude')) : [];
  cached = buildHash(entries, { followScope: '@pim/', extraFiles, readPackages: READ_PACKAGES, also: [NODE_MAJOR] });
  return cached;
}

/** A build's short name for messages and queue names. */
export const shortBuild = (id: string): string => id.slice(0, 12);
