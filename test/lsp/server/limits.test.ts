// The server under inputs past the usual: a buffer over the source size limit, a file importing
// itself, and requests after `shutdown`.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIMITS } from '@pim/grammar';
import { fileUri, startClient, type TestClient } from '../support/client.js';

describe('language server: limits and lifecycle', function () {
  this.timeout(60000);
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pim-lsp-limits-'));
    client = await startClient(dir);
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an open buffer over the size limit gets PIM1105, as a file on disk does, and is not parsed', async () => {
    const line = 'device d { technology: reram, bits_per_cell: 2 }\n';
    const text = line.repeat(Math.ceil((LIMITS.fileBytes + 1) / line.length));
    const uri = fileUri(join(dir, 'big.pim'));
    const diagnostics = await client.openAndDiagnose(uri, text);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['PIM1105'],
    );
    assert.deepEqual(await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }), []);
  });

  it('a file importing itself: the cycle once, not again as an imported file with errors', async () => {
    const path = join(dir, 'self.pim');
    const text = 'import "self.pim"\nconst a = 1\n';
    writeFileSync(path, text);
    const diagnostics = await client.openAndDiagnose(fileUri(path), text);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['PIM2004'],
      JSON.stringify(diagnostics),
    );
  });

  it('after shutdown a request is refused (InvalidRequest), not answered', async () => {
    const uri = fileUri(join(dir, 'self.pim'));
    await client.connection.sendRequest('shutdown');
    await assert.rejects(
      client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri },
        position: { line: 1, character: 6 },
      }),
      (e: { code?: number }) => e.code === -32600,
    );
  });
});
