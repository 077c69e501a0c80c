// Compiler benchmark (`npm run bench`): parse+check throughput on a generated 5 MB program, and the
// cold wall time of `pimc check samples/isaac.pim` in a fresh process. Goals: ≥ 1 MB/s and
// ≤ 200 ms. The figures depend on the machine and its load; `node -e 0` and JSON.parse are measured
// beside them as references. `pimc` is timed as the build leaves it: the bundled CLI with its code
// cache (docs/ARCHITECTURE.md, CLI).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@pim/grammar';
import { compile } from '@pim/compiler';
import { bundleIsFresh } from './bundle.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// The same launcher as the installed `pimc` command (node_modules/.bin/pimc links to it).
const PIMC = path.join(ROOT, 'cli/bin/pimc.js');

/** One self-contained unit of declarations; `i` keeps every name unique. */
function chunk(i: number): string {
  return `// ── unit ${i} ──────────────────────────────────────────────
/// Cell technology ${i}.
device cell_${i} {
  technology: reram, bits_per_cell: ${1 + (i % 4)}
  r_on: ${50 + (i % 50)} kOhm, r_off: 1 MOhm, read_voltage: 0.2 V
  read_latency: 100 ns, write_latency: 50 ns, write_energy: 0.1 pJ, endurance: 1e8, variation: 2 %
}
const clock_${i} = ${(1 + (i % 10) / 10).toFixed(1)} GHz
const dac_power_${i} = 4 mW / (8 * 128)
architecture chip_${i} {
  clock: clock_${i}
  tile t[${8 + (i % 8)}] {
    edram buffer { capacity: 64 KB, bus_width: 256 bit, power: 20.7 mW, area: 0.083 mm2 }
    router { flit: 32 bit, ports: 8, shared_by: 4 }
    ima[4] {
      crossbar[8] { rows: 128, cols: 128, cell: cell_${i} }
      adc[8] { resolution: 8 bit, rate: 1.28 GHz }
      dac[8 * 128] { resolution: 1 bit, power: dac_power_${i} }
      register input { capacity: 2 KB }
    }
  }
  noc { topology: mesh, dims: [4, 4], hop_latency: 1 cycle }
}
model net_${i} {
  input: tensor[1, 28, 28]
  conv c1 { out: ${4 + (i % 4)}, kernel: 5, padding: 2 }
  relu
  maxpool { size: 2 }
  repeat 2 { conv c2 { out: 8, kernel: 3, padding: 1 }, relu }
  flatten
  linear f1 { out: 64 }
  relu
  linear f2 { out: 10 }
}
`;
}

/** A program of about `bytes` characters. */
export function generateProgram(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const c = chunk(i);
    parts.push(c);
    size += c.length;
  }
  return parts.join('');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Microseconds to touch a fresh 4 KiB page for the first time (each page of a new 64 MiB buffer):
 * the machine's page-fault cost. A cold start pays it for every page of memory it uses, Node's own
 * start-up (~2,200 pages) included, so it explains much of the cold figures on a given machine.
 */
function pageTouchMicros(): number {
  const bytes = 64 << 20;
  const t0 = performance.now();
  const b = Buffer.allocUnsafeSlow(bytes);
  for (let i = 0; i < bytes; i += 4096) b[i] = 1;
  return ((performance.now() - t0) * 1000) / (bytes / 4096);
}

/** Wall time of a fresh `node …` process, in ms. */
function wallMs(args: string[]): number {
  const t0 = performance.now();
  execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  return performance.now() - t0;
}

export async function benchCompiler(): Promise<Record<string, number>> {
  const text = generateProgram(5 * 1024 * 1024);
  const mb = text.length / (1024 * 1024);
  const entry = path.join(ROOT, 'bench-generated.pim');
  const host = { readFile: (p: string) => (p === entry ? text : undefined) };

  // Warm the code paths once (the JIT), on a small program, then time the big one.
  compile(entry, {
    host: { readFile: (p) => (p === entry ? generateProgram(64 * 1024) : undefined) },
    checkOnly: true,
  });
  let t0 = performance.now();
  const parsed = parse(text, entry);
  const parseS = (performance.now() - t0) / 1000;
  if (parsed.diagnostics.length)
    throw new Error(`generated program has syntax errors: ${parsed.diagnostics[0]!.message}`);
  t0 = performance.now();
  const program = compile(entry, { host, checkOnly: true });
  const checkS = (performance.now() - t0) / 1000;
  const errors = program.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`generated program has errors: ${errors[0]!.code} ${errors[0]!.message}`);

  // A reference for the machine's speed: JSON.parse of a document of the same size (V8's own parser).
  const json = JSON.stringify(
    Array.from({ length: Math.ceil(text.length / 64) }, (_, i) => ({ name: `n${i}`, value: i * 1.5, unit: 'GHz' })),
  );
  t0 = performance.now();
  JSON.parse(json);
  const jsonS = (performance.now() - t0) / 1000;

  const runs = 7;
  const bundled = bundleIsFresh();
  // Interleaved, so a change in the machine's load hits the three alike. `--version` loads the CLI
  // (bundle, Chevrotain, the parser) and checks nothing: the difference to `check` is the check.
  const isaac: number[] = [];
  const version: number[] = [];
  const node: number[] = [];
  for (let k = 0; k < runs; k++) {
    node.push(wallMs(['-e', '0']));
    version.push(wallMs([PIMC, '--version']));
    isaac.push(wallMs([PIMC, 'check', 'samples/isaac.pim']));
  }
  return {
    'program size (MB)': mb,
    'parse throughput (MB/s)': mb / parseS,
    'parse+check throughput (MB/s) [goal >= 1]': mb / checkS,
    'cold pimc check samples/isaac.pim, median of 7 (ms) [goal <= 200]': median(isaac),
    'cold pimc --version (loading only), median of 7 (ms)': median(version),
    'cold node -e 0, median of 7 (ms)': median(node),
    'pimc ran its bundle (1 yes, 0 no: stale, rebuild)': bundled && bundleIsFresh() ? 1 : 0,
    'reference: JSON.parse throughput (MB/s)': json.length / (1024 * 1024) / jsonS,
    'reference: first touch of a 4 KiB page (us)': pageTouchMicros(),
  };
}
