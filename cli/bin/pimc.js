#!/usr/bin/env node
// Committed, executable entry point: tsc does not set the execute bit on its output.
// A cold `pimc check` spends most of its time loading code, not compiling `.pim`. So the build
// bundles the CLI into one CommonJS file (cli/scripts/build-cli.mjs), which skips resolving and linking
// ~60 ES modules, and this launcher compiles it with V8's code cache stored beside it, which skips
// most JavaScript parsing and compilation. It is CommonJS itself (bin/package.json): an ES module
// entry would start Node's ESM loader just to run it. Without a bundle, or with one older than the
// files it was built from (after a plain `tsc -b`), the CLI runs from its modules as built.
'use strict';
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const bundle = path.join(__dirname, '../dist/pimc.bundle.cjs');

/** Whether every file the bundle was built from is as it was then (a stat each, ~1 ms in all). */
function isFresh() {
  try {
    const inputs = JSON.parse(fs.readFileSync(`${bundle}.inputs.json`, 'utf8'));
    const dir = path.dirname(bundle);
    for (const [file, [size, mtimeMs]] of Object.entries(inputs)) {
      const stat = fs.statSync(path.join(dir, file));
      if (stat.size !== size || stat.mtimeMs !== mtimeMs) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** The bundle's `run`, or undefined when there is no bundle, it is stale, or PIMC_NO_BUNDLE=1. */
function loadBundle() {
  if (process.env['PIMC_NO_BUNDLE'] === '1' || !isFresh()) return undefined;
  let source;
  let stat;
  try {
    source = fs.readFileSync(bundle, 'latin1'); // ASCII (the build escapes the rest): no UTF-8 decoding
    stat = fs.statSync(bundle);
  } catch {
    return undefined;
  }
  // V8 checks a cache against its own version and flags but, of the source, only its length; the
  // key also names this bundle's size and time, so a rebuilt bundle never runs with a stale cache.
  const cacheFile = `${bundle}.v8cache`;
  const key = Buffer.from(`${process.version} ${process.arch} ${stat.size} ${stat.mtimeMs}\n`);
  let cachedData;
  try {
    const stored = fs.readFileSync(cacheFile);
    if (stored.subarray(0, key.length).equals(key)) cachedData = stored.subarray(key.length);
  } catch {
    // No cache yet: written after this run.
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    // At exit, so the cache also holds the functions compiled lazily while running the command.
    process.once('exit', () => {
      const tmp = `${cacheFile}.tmp-${process.pid}`;
      try {
        fs.writeFileSync(tmp, Buffer.concat([key, script.createCachedData()]));
        fs.renameSync(tmp, cacheFile);
      } catch {
        // A read-only installation runs without a cache.
        try {
          fs.rmSync(tmp, { force: true });
        } catch {
          // Nothing was written.
        }
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  return module.exports.run;
}

const run = loadBundle();
if (run) {
  // Code compiled by node:vm cannot import(); the packages loaded lazily (the runtime, the
  // formatter) are imported from here, the same bare specifiers resolved from this package.
  run((specifier) => import(specifier));
} else {
  import('../dist/pimc.js').then((cli) => cli.run());
}
