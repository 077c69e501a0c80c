// Large files get the parser's diagnostics at once, with the compiler's previous ones moved along
// with the edit, and then the compiler's fresh ones (the threshold is lowered here to a small file).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { fileUri, startClient, type TestClient } from '../support/client.js';

async function until<T>(f: () => T | undefined, what: string, ms = 20000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('two-phase diagnostics', function () {
  this.timeout(60000);
  let dir: string;
  let client: TestClient;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pim-2p-'));
    client = await startClient(dir, { fastDiagnosticsThreshold: 0 });
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes syntax errors with the earlier semantic ones moved, then the compiler’s', async () => {
    const uri = fileUri(join(dir, 'a.pim'));
    const text = 'device d { technology: reram }\narchitecture a {\n  tile t { crossbar { rows: 8, cell: nope } }\n}\n';
    const v1 = await client.openAndDiagnose(uri, text);
    assert.equal(v1.length, 1);
    assert.equal(v1[0]!.code, 'PIM2001');
    assert.equal(v1[0]!.range.start.line, 2);

    // Insert a broken line above: the unknown name moves down one line.
    const edited = 'model broken {\n' + text;
    client.change(uri, edited, 2);
    const forV2 = (n: number) => {
      const got = client.published.filter((p: PublishDiagnosticsParams) => p.uri === uri && p.version === 2);
      return got.length >= n ? got : undefined;
    };
    const [fast, full] = await until(() => forV2(2), 'two publishes for version 2');
    const fastCodes = fast!.diagnostics.map((d) => d.code);
    assert.ok(fastCodes.includes('PIM1006'), JSON.stringify(fast!.diagnostics));
    const carried = fast!.diagnostics.find((d) => d.code === 'PIM2001');
    assert.ok(carried, 'the earlier semantic diagnostic is carried over');
    assert.equal(carried.range.start.line, 3);
    assert.equal(carried.range.start.character, v1[0]!.range.start.character);
    // The compiler's own set for the new text.
    assert.ok(full!.diagnostics.some((d) => d.code === 'PIM1006'));
  });
});
