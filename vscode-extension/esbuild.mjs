// Bundles the extension (CommonJS: VS Code 1.82 loads extensions with require) and the language
// server (an ES module run by Node in a child process) into dist/.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

await build({
  entryPoints: [join(here, 'src/extension.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  outfile: join(here, 'dist/extension.js'),
  logLevel: 'warning',
});

// The compiler finds its prelude relative to its own module (`../../prelude/`); in the bundle the
// prelude sits next to server.mjs.
const preludeNextToBundle = {
  name: 'prelude-next-to-bundle',
  setup(b) {
    b.onLoad({ filter: /compiler[\\/]dist[\\/]passes[\\/]load\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const from = "new URL('../../prelude/', import.meta.url)";
      if (!src.includes(from)) throw new Error(`${args.path}: prelude location changed; update esbuild.mjs`);
      return { contents: src.replace(from, "new URL('./prelude/', import.meta.url)"), loader: 'js' };
    });
  },
};

await build({
  entryPoints: [join(root, 'lsp/dist/server/main.js')],
  plugins: [preludeNextToBundle],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  outfile: join(here, 'dist/server.mjs'),
  // CommonJS dependencies call require() for Node built-ins; give the ES module one.
  banner: {
    js: "import { createRequire as __pimCreateRequire } from 'node:module'; const require = __pimCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// pimc, for the Compile, Simulate and Explore commands: an ES module run by the extension host's own
// Node (dist/pimc/pimc.mjs), split into chunks so the parts a command does not use are not loaded.
// Files the CLI reads beside its modules are placed beside the bundle and the references moved:
// the prelude (shared with the server), the CLI's package.json (its version), the IR validator and
// the Planetoid data sets. tfjs (training) stays out: it is large and needs its WebAssembly files.
const relocate = {
  name: 'pimc-relocate',
  setup(b) {
    const moves = [
      [
        /compiler[\\/]dist[\\/]passes[\\/]load\.js$/,
        "new URL('../../prelude/', import.meta.url)",
        "new URL('../prelude/', import.meta.url)",
      ],
      [
        /cli[\\/]dist[\\/]pimc\.js$/,
        "new URL('../package.json', import.meta.url)",
        "new URL('./package.json', import.meta.url)",
      ],
      [
        /runtime[\\/]dist[\\/]data[\\/]planetoid\.js$/,
        "new URL('../../../data/', import.meta.url)",
        "new URL('../data/', import.meta.url)",
      ],
    ];
    for (const [filter, from, to] of moves) {
      b.onLoad({ filter }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        if (!src.includes(from)) throw new Error(`${args.path}: ${from} not found; update esbuild.mjs`);
        return { contents: src.replace(from, to), loader: 'js', resolveDir: dirname(args.path) };
      });
    }
  },
};
rmSync(join(here, 'dist/pimc'), { recursive: true, force: true });
await build({
  entryPoints: { pimc: join(here, 'src/pimc-bundled.mjs') },
  plugins: [relocate],
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  outdir: join(here, 'dist/pimc'),
  outExtension: { '.js': '.mjs' },
  chunkNames: '[name]-[hash]',
  external: ['@tensorflow/*', 'mnist', 'bullmq', 'ioredis'],
  banner: {
    js: "import { createRequire as __pimCreateRequire } from 'node:module'; const require = __pimCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
const cliPkg = JSON.parse(readFileSync(join(root, 'cli/package.json'), 'utf8'));
writeFileSync(
  join(here, 'dist/pimc/package.json'),
  JSON.stringify({ name: cliPkg.name, version: cliPkg.version, private: true, type: 'module' }, null, 2) + '\n',
);
cpSync(join(root, 'ir/dist/ir-validator.cjs'), join(here, 'dist/pimc/ir-validator.cjs'));
for (const set of ['cora', 'citeseer'])
  cpSync(join(root, 'data', set), join(here, 'dist/data', set), { recursive: true });
cpSync(join(root, 'data/LICENSE-planetoid'), join(here, 'dist/data/LICENSE-planetoid'));

// The compiler's prelude (.pim sources of the standard classes) travels with the server.
const prelude = join(root, 'compiler/prelude');
if (existsSync(prelude)) {
  mkdirSync(join(here, 'dist/prelude'), { recursive: true });
  cpSync(prelude, join(here, 'dist/prelude'), { recursive: true });
}
