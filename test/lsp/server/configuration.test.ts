// Formatting follows the client's `pim.format.printWidth` when the client answers workspace/configuration.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TextEdit } from 'vscode-languageserver-protocol';
import { fileUri, serverMain, startClient } from '../support/client.js';

describe('client configuration', function () {
  this.timeout(60000);

  it('formats with the print width the client configures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pim-cfg-'));
    const client = await startClient(dir, {}, serverMain, (section) =>
      section === 'pim.format' ? { printWidth: 20 } : null,
    );
    try {
      const uri = fileUri(join(dir, 'a.pim'));
      await client.openAndDiagnose(uri, 'model m { relu, flatten }\n');
      const edits = (await client.connection.sendRequest('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      })) as TextEdit[];
      assert.equal(edits[0]?.newText, 'model m {\n  relu\n  flatten\n}\n');
    } finally {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
