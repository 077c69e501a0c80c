// The server over Node IPC (how VS Code's client starts it: TransportKind.ipc forks with --node-ipc).
import { strict as assert } from 'node:assert';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node.js';
import { fileUri, serverMain } from '../support/client.js';

describe('language server over Node IPC', function () {
  this.timeout(60000);

  it('initializes and publishes diagnostics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pim-ipc-'));
    const child = fork(serverMain, ['--node-ipc'], { silent: true });
    const conn = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    try {
      const published = new Promise<PublishDiagnosticsParams>((resolve) =>
        conn.onNotification('textDocument/publishDiagnostics', resolve),
      );
      conn.onRequest('client/registerCapability', () => null);
      conn.listen();
      const init = (await conn.sendRequest('initialize', {
        processId: process.pid,
        rootUri: fileUri(dir),
        capabilities: {},
        workspaceFolders: null,
      })) as { capabilities: { hoverProvider?: boolean } };
      assert.equal(init.capabilities.hoverProvider, true);
      await conn.sendNotification('initialized', {});
      const uri = fileUri(join(dir, 'x.pim'));
      await conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'pim', version: 1, text: 'model m {\n  relu\n' },
      });
      const d = await published;
      assert.equal(d.uri, uri);
      assert.ok(
        d.diagnostics.some((x) => x.code === 'PIM1006'),
        JSON.stringify(d.diagnostics),
      );
    } finally {
      conn.dispose();
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
