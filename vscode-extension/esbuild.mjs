// Bundles the extension (CommonJS: VS Code 1.82 loads extensions with require) and the language
// server (an ES module run by Node in a child process) into dist/.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
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
  banner: { js: "import { createRequire as __pimCreateRequire } from 'node:module'; const require = __pimCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

// The compiler's prelude (.pim sources of the standard classes) travels with the server.
const prelude = join(root, 'compiler/prelude');
if (existsSync(prelude)) {
  mkdirSync(join(here, 'dist/prelude'), { recursive: true });
  cpSync(prelude, join(here, 'dist/prelude'), { recursive: true });
}
