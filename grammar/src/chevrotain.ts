// Chevrotain, loaded from its single-file build. The package entry (lib/src/api.js) imports lodash-es
// as several hundred separate ES modules, which costs about a second at every start of `pimc`; the
// package also ships the same code bundled in one file (lib/chevrotain.mjs), which loads in ~50 ms.
// That file is not in the package's `exports`, so it is found next to the resolved entry. Where
// `chevrotain` cannot be resolved from here (code bundled by esbuild, e.g. the VS Code extension's
// server), the plain specifier is used, which the bundler has already inlined.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ChevrotainApi from 'chevrotain';

async function load(): Promise<typeof ChevrotainApi> {
  let bundle: string | undefined;
  try {
    const entry = createRequire(import.meta.url).resolve('chevrotain');
    bundle = path.join(path.dirname(entry), '..', 'chevrotain.mjs');
  } catch {
    bundle = undefined;
  }
  if (bundle) {
    try {
      return (await import(pathToFileURL(bundle).href)) as typeof ChevrotainApi;
    } catch {
      // Fall through to the package entry.
    }
  }
  return import('chevrotain');
}

const chevrotain = await load();

export const { createToken, Lexer, CstParser } = chevrotain;
