// Where the bundled CLI lives (cli/scripts/build-cli.mjs) and whether bin/pimc.js will run it:
// it does when every file the bundle was built from is unchanged (a plain `tsc -b` makes it stale).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BUNDLE = path.join(ROOT, 'cli/dist/pimc.bundle.cjs');

export function bundleIsFresh(): boolean {
  try {
    const inputs = JSON.parse(fs.readFileSync(`${BUNDLE}.inputs.json`, 'utf8')) as Record<string, [number, number]>;
    return Object.entries(inputs).every(([file, [size, mtimeMs]]) => {
      const stat = fs.statSync(path.join(path.dirname(BUNDLE), file));
      return stat.size === size && stat.mtimeMs === mtimeMs;
    });
  } catch {
    return false;
  }
}
