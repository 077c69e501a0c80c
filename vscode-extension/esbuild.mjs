// Bundles the extension (CommonJS: VS Code 1.82 loads extensions with require) and the language
// server (an ES module run by Node in a child process) into dist/.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
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

await build({
  entryPoints: [join(root, 'lsp/dist/server/main.js')],
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
