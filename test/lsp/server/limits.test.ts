// The server under inputs past the usual: a buffer over the source size limit, a file importing
// itself, and requests after `shutdown`.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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

  it('workspace symbols follow a file changed on disk (its declarations are indexed by modification time)', async () => {
    const path = join(dir, 'names.pim');
    writeFileSync(path, 'const first_name = 1\n');
    const find = async (q: string) =>
      ((await client.connection.sendRequest('workspace/symbol', { query: q })) as { name: string }[]).map(
        (x) => x.name,
      );
    assert.deepEqual(await find('first_name'), []); // not yet known to the server
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: fileUri(path), type: 1 }],
    });
    assert.deepEqual(await find('first_name'), ['first_name']);
    writeFileSync(path, 'const second_name = 1\n');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    assert.deepEqual(await find('first_name'), []);
    assert.deepEqual(await find('second_name'), ['second_name']);
  });

  it('a formatting the safe mode refuses (PIM9002) is shown to the user, not an empty edit alone', async () => {
    const shown: string[] = [];
    client.connection.onNotification('window/showMessage', (m: { message: string }) => shown.push(m.message));
    const uri = fileUri(join(dir, 'doc-before-brace.pim'));
    await client.openAndDiagnose(uri, 'architecture a /// d\n{ chips: 2 }\n');
    const edits = await client.connection.sendRequest('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.deepEqual(edits, []);
    for (let i = 0; i < 50 && shown.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(shown.join('\n'), /PIM9002: formatting would change what the file means/);
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
