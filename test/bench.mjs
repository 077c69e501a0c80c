// `npm run bench`: every area's benchmark, measured figures beside the goals of the issues.
// Each area exports an async bench function from its built module; this runner only orders them
// and prints one table (and writes it to .bench/latest.json for the closing notes).
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const suites = [
  { name: 'compiler', paths: ['test/compiler/dist/bench.js'], fn: 'benchCompiler' },
  { name: 'simulator', paths: ['test/runtime/dist/bench/simulator.js'], fn: 'benchSimulator' },
  { name: 'trainer', paths: ['test/runtime/dist/bench/trainer.js'], fn: 'benchTrainer' },
  { name: 'explorer', paths: ['test/runtime/dist/bench/explorer.js'], fn: 'benchExplorer' },
  { name: 'thermal', paths: ['test/runtime/dist/bench/thermal.js'], fn: 'benchThermal' },
  { name: 'explore-scale', paths: ['test/runtime/dist/bench/explore-scale.js'], fn: 'benchExploreScale' },
  { name: 'editor', paths: ['test/lsp/dist/bench.js'], fn: 'benchLsp' },
];

const only = process.argv.slice(2);
const results = {};
let failed = false;
for (const s of suites) {
  if (only.length && !only.includes(s.name)) continue;
  const path = s.paths.find((p) => fs.existsSync(p));
  if (!path) {
    console.log(`${s.name}: no benchmark module built (${s.paths.join(' or ')})`);
    failed = true;
    continue;
  }
  const mod = await import(pathToFileURL(path).href);
  if (typeof mod[s.fn] !== 'function') {
    console.log(`${s.name}: ${path} does not export ${s.fn}()`);
    failed = true;
    continue;
  }
  process.stderr.write(`bench: ${s.name}…\n`);
  const t0 = performance.now();
  results[s.name] = await mod[s.fn]();
  process.stderr.write(`bench: ${s.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}
for (const [suite, figures] of Object.entries(results)) {
  console.log(`\n## ${suite}`);
  for (const [k, v] of Object.entries(figures))
    console.log(`  ${k.padEnd(48)} ${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`);
}
fs.mkdirSync('.bench', { recursive: true });
fs.writeFileSync('.bench/latest.json', JSON.stringify({ date: new Date().toISOString(), results }, null, 2) + '\n');
process.exitCode = failed ? 1 : 0;
