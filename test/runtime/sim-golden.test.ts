// Golden JSON reports: `pimc simulate` on the samples must keep producing the reports in golden/, so a
// change in any model shows up as a reviewed diff. Regenerate after an intended change with
//   UPDATE_GOLDENS=1 npx mocha --no-config test/runtime/dist/sim-golden.test.js
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { compile } from '@pim/compiler';
import { simulate, toJson } from '@pim/runtime/sim';

const GOLDEN = resolve('test/runtime/golden');
const SAMPLES = resolve('samples');
const update = process.env['UPDATE_GOLDENS'] === '1';

/** Paths where two JSON values differ (numbers within 1e-9 relative are equal). */
function diff(a: unknown, b: unknown, path = '$', out: string[] = []): string[] {
  if (out.length >= 10) return out;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > 1e-9 * Math.max(Math.abs(a), Math.abs(b))) out.push(`${path}: ${a} ≠ golden ${b}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: length ${a.length} ≠ golden ${b.length}`);
    else a.forEach((x, i) => diff(x, b[i], `${path}[${i}]`, out));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys)
      diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else if (a !== b) out.push(`${path}: ${JSON.stringify(a)} ≠ golden ${JSON.stringify(b)}`);
  return out;
}

/** Per-link and per-router lists (thousands of entries on 8 chips) are kept as count, sum and max. */
function condense(r: Record<string, unknown>): unknown {
  const noc = r['noc'] as Record<string, Record<string, unknown> | null> | null;
  for (const n of Object.values(noc ?? {})) {
    if (!n) continue;
    for (const k of ['links', 'routers_load']) {
      const bits = (n[k] as { bits: number }[]).map((x) => x.bits);
      n[k] = { count: bits.length, total_bits: bits.reduce((a, b) => a + b, 0), max_bits: Math.max(0, ...bits) };
    }
  }
  // the thermal grid (grid² numbers per tier) and per-unit list likewise
  const t = r['thermal'] as { tiers: Record<string, unknown>[]; tiles: { temperature_k: number }[] } | undefined;
  if (t) {
    for (const q of t.tiers) {
      const cells = q['cells'] as number[];
      q['cells'] = {
        count: cells.length,
        mean_k: cells.reduce((a, b) => a + b, 0) / cells.length,
        max_k: Math.max(...cells),
      };
    }
    const temps = t.tiles.map((u) => u.temperature_k);
    (t as Record<string, unknown>)['tiles'] = {
      count: temps.length,
      mean_k: temps.reduce((a, b) => a + b, 0) / temps.length,
      max_k: Math.max(...temps),
    };
  }
  return r;
}

function report(sample: string, mapping: string): unknown {
  const file = join(SAMPLES, `${sample}.pim`);
  const p = compile(file);
  assert.ok(p.ir, `${file} does not compile: ${p.diagnostics.map((d) => d.message).join('; ')}`);
  return condense(JSON.parse(toJson(simulate(p.ir, { mapping, dataRoot: dirname(file) }))) as Record<string, unknown>);
}

describe('sim: golden reports of the samples', function () {
  this.timeout(120000);
  if (update) {
    it('regenerates the golden reports', () => {
      mkdirSync(GOLDEN, { recursive: true });
      for (const f of readdirSync(SAMPLES).filter((x) => x.endsWith('.pim'))) {
        const p = compile(join(SAMPLES, f));
        if (!p.ir) continue;
        for (const m of p.ir.mappings)
          writeFileSync(
            join(GOLDEN, `${f.replace(/\.pim$/, '')}.${m.name}.json`),
            JSON.stringify(report(f.replace(/\.pim$/, ''), m.name), null, 2) + '\n',
          );
      }
    });
    return;
  }
  const goldens = existsSync(GOLDEN) ? readdirSync(GOLDEN).filter((f) => f.endsWith('.json')) : [];
  it('has golden reports for the ISAAC sample', () => {
    assert.ok(
      goldens.some((g) => g.startsWith('isaac.')),
      `no golden report for samples/isaac.pim in ${GOLDEN}`,
    );
  });
  for (const g of goldens) {
    const [sample, mapping] = g.replace(/\.json$/, '').split('.') as [string, string];
    it(`${sample}.pim --mapping ${mapping} matches golden/${g}`, () => {
      const want = JSON.parse(readFileSync(join(GOLDEN, g), 'utf8')) as unknown;
      const d = diff(report(sample, mapping), want);
      assert.deepEqual(
        d,
        [],
        `report differs from golden/${g} (UPDATE_GOLDENS=1 npm test rewrites it after an intended change):\n${d.join('\n')}`,
      );
    });
  }
});
