// Build step: bundle the `pimc` CLI into one CommonJS file (dist/pimc.bundle.cjs) and prime its
// V8 code cache, so a cold `pimc check` skips ES module resolution and most JavaScript compilation.
// Run after `tsc -b` (npm run build); bin/pimc.js loads the bundle (or dist/pimc.js without it).
//  - Chevrotain is inlined from its single-file build (lib/chevrotain.mjs) in place of grammar's
//    dynamic loader, which needs a top-level await that CommonJS cannot have.
//  - `import.meta.url` in each bundled module becomes that module's own file URL, so relative files
//    (the prelude, package.json, the IR schema and validator) are found exactly as without the bundle.
//  - Packages loaded lazily at run time (ajv, @pim/runtime, @pim/lsp) stay outside the bundle.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

// esbuild is a development dependency of the workspace (the VS Code extension bundles with it too).
// Without it pimc still works, from its modules, only slower to start.
let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  console.warn('build-cli: esbuild is not installed; pimc runs from its modules (slower start)');
  process.exit(0);
}

const cliDir = fileURLToPath(new URL('../', import.meta.url));
const outfile = path.join(cliDir, 'dist/pimc.bundle.cjs');
const outDir = path.dirname(outfile);
const cliRequire = createRequire(path.join(cliDir, 'package.json'));
const compilerDir = path.dirname(cliRequire.resolve('@pim/compiler/package.json'));

// grammar's chevrotain.js finds this file next to the package entry; so does the bundle.
const grammarRequire = createRequire(cliRequire.resolve('@pim/grammar'));
const chevrotainBundle = path.join(path.dirname(grammarRequire.resolve('chevrotain')), '..', 'chevrotain.mjs');
if (!fs.existsSync(chevrotainBundle))
  throw new Error(`build-cli: ${chevrotainBundle} not found (chevrotain's layout changed?)`);

const inlineAndRelocate = {
  name: 'pimc-inline-and-relocate',
  setup(b) {
    b.onLoad({ filter: /[\\/]grammar[\\/]dist[\\/]chevrotain\.js$/ }, (args) => {
      const src = fs.readFileSync(args.path, 'utf8');
      // The exports grammar takes from its loader; fail loudly if they change.
      const exported = /export const \{ ([\w, ]+) \} = chevrotain;/.exec(src);
      if (!exported) throw new Error(`build-cli: ${args.path} changed shape; update cli/scripts/build-cli.mjs`);
      return {
        contents: `export { ${exported[1]} } from ${JSON.stringify(chevrotainBundle)};\n`,
        loader: 'js',
        resolveDir: path.dirname(args.path),
      };
    });
    b.onLoad({ filter: /[\\/](cli|compiler|grammar|ir)[\\/]dist[\\/].*\.js$/ }, (args) => {
      const src = fs.readFileSync(args.path, 'utf8');
      if (!src.includes('import.meta.url')) return undefined;
      const rel = path.relative(outDir, args.path).split(path.sep).join('/');
      return { contents: src.replaceAll('import.meta.url', `__pimModuleUrl(${JSON.stringify(rel)})`), loader: 'js' };
    });
  },
};

// The prelude's parse, made now by the parser being bundled, for loadPrelude (passes/load.ts) to
// take instead of parsing it again at every start. It is embedded only when loadPrelude rebuilds
// from it a tree identical to the parser's (values, key order, prototypes and which objects are
// one object); otherwise the bundled CLI parses the prelude at start, as the modules do.
const { makeSourceFile, loadPrelude, PRELUDE_FILES } = await import(
  pathToFileURL(cliRequire.resolve('@pim/compiler')).href
);
const preludeParse = {};
const fresh = {};
for (const [ns, file] of Object.entries(PRELUDE_FILES)) {
  const p = path.join(compilerDir, 'prelude', file);
  const sf = makeSourceFile(p, fs.readFileSync(p, 'utf8'));
  fresh[ns] = sf;
  preludeParse[ns] = {
    path: p,
    text: sf.text,
    ast: sf.ast,
    parseDiagnostics: sf.parseDiagnostics,
    shared: sharedPlaces({ ast: sf.ast, parseDiagnostics: sf.parseDiagnostics }),
  };
}
const preludeJson = JSON.stringify(preludeParse);
globalThis.__PIM_PRELUDE_PARSE__ = preludeJson;
const rebuilt = loadPrelude();
delete globalThis.__PIM_PRELUDE_PARSE__;
const define = {};
if (
  Object.keys(fresh).every((ns) => isDeepStrictEqual(rebuilt[ns], fresh[ns]) && sameSharing(rebuilt[ns], fresh[ns]))
) {
  define['globalThis.__PIM_PRELUDE_PARSE__'] = JSON.stringify(preludeJson);
} else {
  console.warn('build-cli: the prelude parse does not survive JSON; the bundled CLI parses the prelude at start');
}

/** [path to an object's first place, path to another place of the same object], in JSON's order. */
function sharedPlaces(root) {
  const first = new Map();
  const pairs = [];
  const walk = (value, at) => {
    if (value === null || typeof value !== 'object') return;
    if (first.has(value)) return void pairs.push([first.get(value), at]);
    first.set(value, at);
    for (const [k, v] of Object.entries(value)) walk(v, [...at, Array.isArray(value) ? Number(k) : k]);
  };
  walk(root, []);
  return pairs;
}

/** Whether two equal trees also share objects at the same places (an isomorphism of identities). */
function sameSharing(a, b, ab = new Map(), ba = new Map()) {
  if (a === null || typeof a !== 'object') return true;
  if (ab.has(a) || ba.has(b)) return ab.get(a) === b && ba.get(b) === a;
  ab.set(a, b);
  ba.set(b, a);
  return Object.keys(a).every((k) => sameSharing(a[k], b[k], ab, ba));
}

const tmp = `${outfile}.tmp-${process.pid}`;
const buildStart = Date.now();
const result = await build({
  entryPoints: [path.join(cliDir, 'dist/pimc.js')],
  plugins: [inlineAndRelocate],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Dynamic import() stays a real import(): the lazily loaded packages are ES modules.
  supported: { 'dynamic-import': true },
  external: ['ajv', 'ajv/*', '@pim/runtime', '@pim/runtime/*', '@pim/lsp', '@pim/lsp/*'],
  banner: {
    js: [
      '// Generated by cli/scripts/build-cli.mjs from dist/pimc.js. Do not edit.',
      "const __pimModuleUrl = (rel) => require('node:url').pathToFileURL(require('node:path').join(__dirname, rel)).href;",
    ].join('\n'),
  },
  outfile: tmp,
  metafile: true,
  define,
  logLevel: 'warning',
});
// ASCII only, so bin/pimc.js can read it as latin1 (several times faster than decoding UTF-8, and
// a one-byte string for V8). esbuild escapes strings but keeps regular expressions and comments as
// written; a \u escape means the same character in a regular expression, identifier or comment.
const text = fs
  .readFileSync(tmp, 'utf8')
  .replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
fs.writeFileSync(tmp, text);

// What the bundle was built from, with each file's size and time: bin/pimc.js runs the modules
// instead of a bundle that a later `tsc -b` (or an updated chevrotain) has made stale. A file
// rewritten while this ran may not be the one bundled: it is recorded as never matching.
const inputs = {};
for (const input of Object.keys(result.metafile.inputs)) {
  const file = path.resolve(input);
  const { size, mtimeMs } = fs.statSync(file);
  inputs[path.relative(outDir, file).split(path.sep).join('/')] = [size, mtimeMs > buildStart ? -1 : mtimeMs];
}
if (Object.values(inputs).some(([, mtimeMs]) => mtimeMs === -1))
  console.warn('build-cli: sources changed during the build; pimc runs from its modules until the next build');
fs.writeFileSync(`${outfile}.inputs.json`, JSON.stringify(inputs) + '\n');
fs.renameSync(tmp, outfile);

// Prime the code cache: bin/pimc.js writes it after a run when it is missing or stale. The cache
// holds the functions compiled by the time it is written, so the run checks the samples (the
// repository's) to cover the parser and the checking passes; a program with errors still primes it.
fs.rmSync(`${outfile}.v8cache`, { force: true });
const samplesDir = path.join(cliDir, '../samples');
const samples = fs.existsSync(samplesDir)
  ? fs
      .readdirSync(samplesDir)
      .filter((f) => f.endsWith('.pim'))
      .map((f) => path.join(samplesDir, f))
  : [];
if (samples.length === 0) {
  samples.push(path.join(outDir, 'prime.pim'));
  fs.writeFileSync(samples[0], 'const clock = 1 GHz\n');
}
try {
  execFileSync(process.execPath, [path.join(cliDir, 'bin/pimc.js'), 'check', ...samples], { stdio: 'ignore' });
} catch {
  // Diagnostics (exit status 1) do not matter here; a crash shows up in the tests.
}
fs.rmSync(path.join(outDir, 'prime.pim'), { force: true });
if (!fs.existsSync(`${outfile}.v8cache`))
  console.warn(`build-cli: no code cache written beside ${path.relative(process.cwd(), outfile)}`);
