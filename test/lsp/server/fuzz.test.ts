// Fuzz: random edit sequences on the samples, sent to the server as fast as possible, never crash it,
// never make a feature fail, and always end in diagnostics published for the last version.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { fileUri, repoRoot, startClient, type TestClient } from '../support/client.js';

type Edit = { at: number; del: number; insert: string };

const fragments = fc.constantFrom(
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  ':',
  ',',
  '.',
  '..',
  '=',
  '"',
  '\n',
  ' ',
  '/*',
  '*/',
  '//',
  '///',
  'a',
  '1',
  '1.2 GHz',
  '%',
  '-',
  '**',
  'tile t[2] {',
  'place',
  'in',
  'conv c1 { out: 6 }',
  'x: ',
  'import "nope.pim"',
);
const editArb: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  del: fc.nat({ max: 12 }),
  insert: fc.array(fragments, { maxLength: 3 }).map((a) => a.join('')),
});

function apply(text: string, e: Edit): string {
  const at = text.length === 0 ? 0 : e.at % (text.length + 1);
  return text.slice(0, at) + e.insert + text.slice(Math.min(text.length, at + e.del));
}

describe('server fuzz: random edits on the samples', function () {
  this.timeout(180000);
  const samplesDir = join(repoRoot, 'samples');
  const samples = readdirSync(samplesDir)
    .filter((f) => f.endsWith('.pim'))
    .map((f) => readFileSync(join(samplesDir, f), 'utf8'));
  let client: TestClient;

  before(async () => {
    // Threshold 0: every edit also takes the two-phase path (syntax first, then the compiler's).
    client = await startClient(samplesDir, { fastDiagnosticsThreshold: 0 });
  });
  after(async () => client.close());

  it('survives every sequence and publishes diagnostics for the final version', async () => {
    assert.ok(samples.length >= 1);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: samples.length - 1 }),
        fc.array(editArb, { minLength: 1, maxLength: 25 }),
        fc.nat(),
        async (which, edits, probe) => {
          const uri = fileUri(join(samplesDir, `fuzz-${run++}.pim`));
          let text = samples[which]!;
          let version = 1;
          client.open(uri, text, version);
          for (const e of edits) {
            text = apply(text, e);
            client.change(uri, text, ++version);
          }
          const final = await client.nextDiagnostics(uri, version, 30000);
          assert.equal(final.version, version);
          for (const d of final.diagnostics) assert.match(String(d.code), /^PIM\d{4}$/);
          // Every feature answers on the final text.
          const lines = text.split('\n');
          const line = probe % lines.length;
          const position = { line, character: probe % (lines[line]!.length + 1) };
          const textDocument = { uri };
          await Promise.all([
            client.connection.sendRequest('textDocument/hover', { textDocument, position }),
            client.connection.sendRequest('textDocument/completion', { textDocument, position }),
            client.connection.sendRequest('textDocument/definition', { textDocument, position }),
            client.connection.sendRequest('textDocument/documentSymbol', { textDocument }),
            client.connection.sendRequest('textDocument/semanticTokens/full', { textDocument }),
            client.connection.sendRequest('textDocument/foldingRange', { textDocument }),
            client.connection.sendRequest('textDocument/formatting', {
              textDocument,
              options: { tabSize: 2, insertSpaces: true },
            }),
            client.connection.sendRequest('textDocument/inlayHint', {
              textDocument,
              range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
            }),
          ]);
          await client.connection.sendNotification('textDocument/didClose', { textDocument });
          assert.equal(client.process.exitCode, null, 'the server exited');
          assert.doesNotMatch(client.stderr(), /failed|uncaught|unhandled/i, client.stderr());
        },
      ),
      // FUZZ_RUNS / FUZZ_SEED widen a local search; CI uses the fixed seed.
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 60), seed: Number(process.env['FUZZ_SEED'] ?? 424242) },
    );
  });
});
