// Property tests: random token soup, and random mutations of every sample, never make `parse()` or
// `compile()` throw. They only give diagnostics, each with a code from the catalogue and a span inside
// its file. The seed is fixed (PIM_FUZZ_SEED overrides it) so a failure replays; the number of inputs
// that ran is printed.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { catalogue, DECLARATION_KINDS, KEYWORDS, parse, type Diagnostic } from '@pim/grammar';
import { compile, type Program } from '@pim/compiler';

const SEED = Number(process.env['PIM_FUZZ_SEED'] ?? 20261126);
/** PIM_FUZZ_SCALE=10 runs ten times as many inputs (for a longer hunt than the test suite affords). */
const SCALE = Math.max(1, Number(process.env['PIM_FUZZ_SCALE'] ?? 1));
const runs = (n: number): number => Math.round(n * SCALE);
const SAMPLES_DIR = fileURLToPath(new URL('../../../samples/', import.meta.url));
const PRELUDE_DIR = fileURLToPath(new URL('../../../compiler/prelude/', import.meta.url));
const CODES = new Set(catalogue().map((c) => c.code));

let inputsRun = 0;

function preludeText(uri: string): string | undefined {
  return uri.startsWith(PRELUDE_DIR) ? fs.readFileSync(uri, 'utf8') : undefined;
}

/** Every diagnostic has a known code, a file of the program (or the prelude), and a span inside it. */
function checkDiagnostics(ds: readonly Diagnostic[], textOf: (uri: string) => string | undefined, input: string): void {
  for (const d of ds) {
    const where = `${d.code} ${JSON.stringify(d.message)} for input ${JSON.stringify(input.slice(0, 400))}`;
    assert.ok(CODES.has(d.code), `unknown code: ${where}`);
    assert.notEqual(d.code, 'PIM9001', `internal error: ${where}`);
    const text = textOf(d.uri);
    assert.ok(text !== undefined, `diagnostic in an unknown file ${d.uri}: ${where}`);
    assert.ok(Number.isInteger(d.span.start) && Number.isInteger(d.span.end), `span not whole: ${where}`);
    assert.ok(
      d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length,
      `span ${d.span.start}-${d.span.end} outside 0-${text.length}: ${where}`,
    );
    for (const r of d.related ?? []) {
      const rt = textOf(r.uri);
      assert.ok(
        rt !== undefined && r.span.start >= 0 && r.span.start <= r.span.end && r.span.end <= rt.length,
        `related span outside its file: ${where}`,
      );
    }
  }
}

/** Parses and compiles `text` as the file `entry` (other files come from disk); asserts the properties. */
function run(text: string, entry: string): void {
  inputsRun++;
  const parsed = parse(text, entry);
  checkDiagnostics(parsed.diagnostics, (u) => (u === entry ? text : undefined), text);
  let program: Program;
  try {
    program = compile(entry, { host: { readFile: (p) => (p === entry ? text : readOrUndefined(p)) } });
  } catch (e) {
    assert.fail(`compile() threw ${(e as Error).stack ?? String(e)}\nfor input ${JSON.stringify(text.slice(0, 400))}`);
  }
  checkDiagnostics(program.diagnostics, (u) => program.files.get(u)?.text ?? preludeText(u), text);
  // IR exactly when there is no error.
  assert.equal(program.ir !== undefined, !program.diagnostics.some((d) => d.severity === 'error'));
}

function readOrUndefined(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

// ── Token soup ───────────────────────────────────────────────────────────────────────────────────

// The grammar's keywords and declaration kinds (imported, in their order), then block kinds and other words.
const WORDS = [
  ...KEYWORDS,
  ...DECLARATION_KINDS,
  'component',
  'tile',
  'ima',
  'crossbar',
  'adc',
  'dac',
  'edram',
  'router',
  'gpu',
  'partition',
  'noc',
  'link',
  'tsv',
  'conv',
  'linear',
  'relu',
  'batchnorm',
  'maxpool',
  'flatten',
  'add',
  'gcn',
  'readout',
  'dropout',
  'faults',
  'noise',
  'mitigate',
  'droplayer',
  'sgd',
  'cf_mesmo',
  'graph',
  'tensor',
  'fixed',
  'log2',
  'max',
  'rows',
  'cols',
  'cell',
  'out',
  'kernel',
  'from',
  'input',
  'clock',
  'power',
  'area',
  'bits_per_cell',
  'model',
  'architecture',
  'weights',
  'adjacency',
  'replicate',
  'balanced',
  'dataset',
  'source',
  'builtin',
  'x',
  'a',
  'b',
  'c1',
  'isaac',
  'mnist',
  'cora',
  '_',
  'required',
  'one_of',
  'ref',
  'list',
  'count',
];
const NUMBERS = ['0', '1', '2', '16', '128', '1.2', '.5', '1e-3', '1e999', '0x80', '0x', '3.', '1..4', '-1'];
const UNITS = [
  '',
  ' GHz',
  ' KB',
  ' mm2',
  ' mW',
  ' ns',
  ' K',
  ' C',
  ' %',
  ' GB/s',
  ' pJ/bit',
  ' bit',
  ' cycles',
  ' furlong',
  'x',
  ' Ω',
  ' µs',
  ' °C',
];
const PUNCT = ['{', '}', '[', ']', '(', ')', ':', ',', '=', '.', '..', '*', '**', '/', '+', '-', '*', '"', '\\'];
const OTHER = [
  '"a string"',
  '"unterminated',
  '// comment\n',
  '/// doc\n',
  '/* block */',
  '/* open',
  '\n',
  '\t',
  '@',
  '#',
  '$',
  '~',
  '€',
  '🙂',
  '\u0000',
  '\uFEFF',
  '\r\n',
];

const tokenArb = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...NUMBERS), fc.constantFrom(...UNITS)).map(([n, u]) => n + u) },
  { weight: 5, arbitrary: fc.constantFrom(...PUNCT) },
  { weight: 2, arbitrary: fc.constantFrom(...OTHER) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
const sepArb = fc.constantFrom(' ', ' ', '\n', '', ', ');
const soupArb = fc.array(fc.tuple(tokenArb, sepArb), { maxLength: 80 }).map((ts) => ts.map(([t, s]) => t + s).join(''));

// ── Mutations of the samples ─────────────────────────────────────────────────────────────────────

/** Words, numbers, single punctuation and runs of blanks: units of mutation that keep most of a file. */
function chunks(text: string): string[] {
  return text.match(/\s+|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[^\sA-Za-z0-9_]/g) ?? [];
}

type Mutation =
  | { op: 'delete'; at: number; len: number }
  | { op: 'duplicate'; at: number; len: number }
  | { op: 'swap'; at: number; with: number }
  | { op: 'insert'; at: number; token: string }
  | { op: 'deleteChar'; at: number }
  | { op: 'insertChar'; at: number; ch: string }
  | { op: 'replaceChar'; at: number; ch: string }
  | { op: 'number'; at: number; to: string };

const pos = fc.nat({ max: 1_000_000 });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: pos, len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: pos, len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constant('swap' as const), at: pos, with: pos }),
  fc.record({ op: fc.constant('insert' as const), at: pos, token: tokenArb }),
  fc.record({ op: fc.constant('deleteChar' as const), at: pos }),
  fc.record({
    op: fc.constant('insertChar' as const),
    at: pos,
    ch: fc.constantFrom('{', '}', '[', ']', ':', ',', '"', '/', '*', '.', '0', 'x', ' ', '\n', '@'),
  }),
  fc.record({
    op: fc.constant('replaceChar' as const),
    at: pos,
    ch: fc.constantFrom('{', '}', ':', ',', '"', '0', '9', 'q', ' ', '\n', '-'),
  }),
  // Edge values for a number of the file: zero (divisions), signs, huge and fractional counts.
  fc.record({
    op: fc.constant('number' as const),
    at: pos,
    to: fc.constantFrom('0', '-1', '-0.5', '0.5', '1e308', '99999999', '1e-300', '2.5'),
  }),
);

function mutate(text: string, ms: Mutation[]): string {
  let cs = chunks(text);
  for (const m of ms) {
    if (m.op === 'deleteChar' || m.op === 'insertChar' || m.op === 'replaceChar') {
      const s = cs.join('');
      const at = s.length === 0 ? 0 : m.at % s.length;
      const next =
        m.op === 'deleteChar'
          ? s.slice(0, at) + s.slice(at + 1)
          : m.op === 'insertChar'
            ? s.slice(0, at) + m.ch + s.slice(at)
            : s.slice(0, at) + m.ch + s.slice(at + 1);
      cs = chunks(next);
      continue;
    }
    if (m.op === 'number') {
      const numbers = cs.flatMap((c, i) => (/^\d/.test(c) ? [i] : []));
      if (numbers.length > 0) cs[numbers[m.at % numbers.length]!] = m.to;
      continue;
    }
    const n = cs.length;
    if (n === 0) {
      if (m.op === 'insert') cs = [m.token];
      continue;
    }
    const at = m.at % n;
    if (m.op === 'delete') cs.splice(at, m.len);
    else if (m.op === 'duplicate') cs.splice(at, 0, ...cs.slice(at, at + m.len));
    else if (m.op === 'swap') {
      const j = m.with % n;
      [cs[at], cs[j]] = [cs[j]!, cs[at]!];
    } else cs.splice(at, 0, m.token);
  }
  return cs.join('');
}

describe('compiler: property tests (never throw, only catalogued diagnostics)', function () {
  this.timeout(120_000);
  const samples = fs
    .readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith('.pim'))
    .sort();

  after(() => {
    console.log(`      fuzz: ${inputsRun} inputs ran (seed ${SEED}; PIM_FUZZ_SEED=n replays another)`);
  });

  it('the samples themselves compile without errors', () => {
    assert.ok(samples.length >= 1);
    for (const f of samples) {
      const entry = path.join(SAMPLES_DIR, f);
      const p = compile(entry);
      assert.deepEqual(
        p.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`),
        [],
        f,
      );
    }
  });

  it('random token soup', () => {
    fc.assert(
      fc.property(soupArb, (text) => run(text, '/fuzz/soup.pim')),
      { seed: SEED, numRuns: runs(400) },
    );
  });

  it('random unicode and control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => run(text, '/fuzz/chars.pim')),
      { seed: SEED, numRuns: runs(150) },
    );
  });

  for (const f of fs
    .readdirSync(SAMPLES_DIR)
    .filter((x) => x.endsWith('.pim'))
    .sort()) {
    it(`mutations of samples/${f}`, () => {
      const entry = path.join(SAMPLES_DIR, f);
      const original = fs.readFileSync(entry, 'utf8');
      fc.assert(
        fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (ms) => run(mutate(original, ms), entry)),
        { seed: SEED, numRuns: runs(40) },
      );
    });
  }
});
