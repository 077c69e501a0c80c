// Hover on an architecture with a thermal block shows the chip's peak temperature for the mapping on it
// (the figure `pimc simulate` prints), through the language server over JSON-RPC.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import { compile } from '@pim/compiler';
import { simulate } from '@pim/runtime/simulate';
import { fileUri, marked, startClient, type TestClient } from '../support/client.js';

const src = marked(`device r { bits_per_cell: 2, r_on: 100 kOhm, r_off: 1 MOhm }
architecture ‸{hot}chip {
  tile t[16] { edram buffer { capacity: 64 KB } ima[4] { crossbar[8] { rows: 128, cols: 128, cell: r } adc[8] { resolution: 8 bit } } }
  noc { topology: mesh, dims: [4, 4] }
  thermal { grid: 16 }
}
architecture ‸{cold}plain {
  tile t[4] { ima[1] { crossbar[4] { rows: 128, cols: 128, cell: r } } }
}
model m {
  input: tensor[256]
  linear a { out: 64 }
}
mapping mm { model: m, architecture: ‸{ref}chip, weights: fixed(16 bit), place linear on t }
`);

describe('language server: hover shows an architecture’s peak temperature', function () {
  this.timeout(60000);
  let dir: string;
  let client: TestClient;
  let uri: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pim-lsp-thermal-'));
    writeFileSync(join(dir, 'chip.pim'), src.text);
    uri = fileUri(join(dir, 'chip.pim'));
    client = await startClient(dir);
    await client.openAndDiagnose(uri, src.text);
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const hover = async (m: { line: number; character: number }) =>
    (
      (await client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri },
        position: { line: m.line, character: m.character + 1 },
      })) as Hover | null
    )?.contents as { value: string } | undefined;

  it('on the architecture’s name and on a reference to it: the peak pimc simulate computes', async () => {
    const p = compile(join(dir, 'chip.pim'));
    assert.ok(p.ir);
    const peak = simulate(p.ir, { mapping: 'mm', detail: false }).thermal!.peak_k.toFixed(1);
    for (const at of [src.at['hot']!, src.at['ref']!]) {
      const h = await hover(at);
      assert.ok(h, 'a hover');
      assert.match(h.value, new RegExp(`\\*\\*peak temperature\\*\\* ${peak.replace('.', '\\.')} K`));
      assert.match(h.value, /running `mm`/);
    }
  });

  it('nothing about temperature for an architecture without a thermal block', async () => {
    const h = await hover(src.at['cold']!);
    assert.ok(h);
    assert.doesNotMatch(h.value, /peak temperature/);
  });
});
