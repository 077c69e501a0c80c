// Document highlight, signature help, range formatting, selection range, type hierarchy, import updates
// on file renames (workspace/willRenameFiles) and code lens, each over a real JSON-RPC connection.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  CodeLens,
  DocumentHighlight,
  SelectionRange,
  SignatureHelp,
  TextEdit,
  TypeHierarchyItem,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { fileUri, marked, startClient, type TestClient } from '../support/client.js';

const lib = marked(`/// A sense amplifier.
class ‸{amp}sense_amp extends ‸{ampBase}component { bias: current = 10 uA, power: power = bias * 1 V }
class ‸{fast}fast_amp extends sense_amp { bias: current = 40 uA }
device cell { technology: reram, bits_per_cell: 2 }
`);

const main = marked(`import "lib/lib.pim"
const ‸{rowsDecl}rows = 64
architecture ‸{chip}chip {
  clock: 1 GHz
  tile t[2] { ima[‸{cols}rows / 32] { crossbar[4] { rows: ‸{rowsUse}rows, cols: 64, cell: cell } }, ‸{ampKind}sense_amp[2] { } }
  noc { flit: log2(‸{log2}rows) * 1 bit }
}
architecture ‸{big}big extends chip { chips: 2 }
model   net {input: tensor[4],   linear  l { out: 2 }}
model   other {input: tensor[4],   ‸{fmtFrom}linear   l { out: 2 }‸{fmtTo}}
dataset d { source: synthetic, shape: tensor[4], classes: 2, samples: 8 }
mapping m { model: net, architecture: chip, weights: fixed(‸{fixed}16 bit), place linear on t }
explore e {
  evaluate: r
  vary chip.clock in [1 GHz, 2 GHz]
  minimize area
  method: random { budget: 2 }
}
run r { mapping: m, dataset: d }
`);

describe('editing features over JSON-RPC', function () {
  this.timeout(60000);
  let dir: string;
  let client: TestClient;
  let uri: string;
  let libUri: string;
  const req = <T>(method: string, params: object): Promise<T> =>
    client.connection.sendRequest(method, params) as Promise<T>;
  const pos = (m: { line: number; character: number }) => ({ line: m.line, character: m.character });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pim-editing-'));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib/lib.pim'), lib.text);
    writeFileSync(join(dir, 'main.pim'), main.text);
    uri = fileUri(join(dir, 'main.pim'));
    libUri = fileUri(join(dir, 'lib/lib.pim'));
    client = await startClient(dir);
    const d = await client.openAndDiagnose(uri, main.text);
    assert.deepEqual(d, [], 'the test program is clean');
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('announces the features', () => {
    const c = client.initialize.capabilities;
    for (const k of [
      'documentHighlightProvider',
      'signatureHelpProvider',
      'documentRangeFormattingProvider',
      'selectionRangeProvider',
      'typeHierarchyProvider',
      'codeLensProvider',
    ] as const)
      assert.ok(c[k], k);
    assert.ok(c.workspace?.fileOperations?.willRename?.filters.some((f) => f.pattern.glob === '**/*.pim'));
  });

  it('highlights the declaration (write) and the uses (read) of the name under the cursor', async () => {
    const h = await req<DocumentHighlight[]>('textDocument/documentHighlight', {
      textDocument: { uri },
      position: pos(main.at['rowsUse']!),
    });
    const starts = h.map((x) => [x.range.start.line, x.range.start.character, x.kind]);
    assert.deepEqual(starts, [
      [main.at['rowsDecl']!.line, main.at['rowsDecl']!.character, 3],
      [main.at['cols']!.line, main.at['cols']!.character, 2],
      [main.at['rowsUse']!.line, main.at['rowsUse']!.character, 2],
      [main.at['log2']!.line, main.at['log2']!.character, 2],
    ]);
    // A class's uses as a block kind are highlighted in the file that uses it.
    const cls = await req<DocumentHighlight[]>('textDocument/documentHighlight', {
      textDocument: { uri },
      position: pos(main.at['ampKind']!),
    });
    assert.deepEqual(
      cls.map((x) => x.range.start),
      [pos(main.at['ampKind']!)],
    );
  });

  it('helps with the signature of built-in functions, on text being typed too', async () => {
    const log2 = await req<SignatureHelp | null>('textDocument/signatureHelp', {
      textDocument: { uri },
      position: pos(main.at['log2']!),
    });
    assert.equal(log2?.signatures[0]!.label, 'log2(x: number)');
    const fixed = await req<SignatureHelp | null>('textDocument/signatureHelp', {
      textDocument: { uri },
      position: pos(main.at['fixed']!),
    });
    assert.equal(fixed?.signatures[0]!.label, 'fixed(bits: information)');
    assert.match(String((fixed?.signatures[0]!.documentation as { value: string }).value), /Fixed-point/);
    // While typing `min(1 GHz, ` (the file does not parse): the second argument of min.
    const typing = marked('architecture a { clock: min(1 GHz, ‸{arg}');
    const u = fileUri(join(dir, 'typing.pim'));
    await client.openAndDiagnose(u, typing.text);
    const min = await req<SignatureHelp | null>('textDocument/signatureHelp', {
      textDocument: { uri: u },
      position: pos(typing.at['arg']!),
    });
    assert.equal(min?.signatures[0]!.label, 'min(x, ...)');
    assert.equal(
      await req('textDocument/signatureHelp', { textDocument: { uri }, position: pos(main.at['chip']!) }),
      null,
    );
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: u } });
  });

  it('formats only the declarations a range touches', async () => {
    const edits = await req<TextEdit[]>('textDocument/rangeFormatting', {
      textDocument: { uri },
      range: { start: pos(main.at['fmtFrom']!), end: pos(main.at['fmtTo']!) },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.equal(edits.length, 1);
    assert.equal(edits[0]!.newText, 'model other { input: tensor[4], linear l { out: 2 } }');
    assert.equal(edits[0]!.range.start.line, main.at['fmtFrom']!.line);
    assert.equal(edits[0]!.range.start.character, 0);
    // `model   net` on the line above is left as written.
    assert.ok(edits.every((e) => e.range.start.line === main.at['fmtFrom']!.line));
  });

  it('expands the selection from a name out to the file', async () => {
    const [r] = await req<SelectionRange[]>('textDocument/selectionRange', {
      textDocument: { uri },
      positions: [pos(main.at['rowsUse']!)],
    });
    const chain: string[] = [];
    const lines = main.text.split('\n');
    const textOf = (x: SelectionRange) =>
      x.range.start.line === x.range.end.line
        ? lines[x.range.start.line]!.slice(x.range.start.character, x.range.end.character)
        : `lines ${x.range.start.line}-${x.range.end.line}`;
    for (let x: SelectionRange | undefined = r; x; x = x.parent) chain.push(textOf(x));
    assert.deepEqual(chain.slice(0, 4), [
      'rows',
      'rows: rows',
      'rows: rows, cols: 64, cell: cell',
      'crossbar[4] { rows: rows, cols: 64, cell: cell }',
    ]);
    assert.equal(chain.at(-1), `lines 0-${lines.length - 1}`);
  });

  it('shows the type hierarchy of classes and architectures (extends)', async () => {
    const [amp] = await req<TypeHierarchyItem[]>('textDocument/prepareTypeHierarchy', {
      textDocument: { uri },
      position: pos(main.at['ampKind']!),
    });
    assert.equal(amp?.name, 'sense_amp');
    assert.equal(amp.uri, libUri);
    const sup = await req<TypeHierarchyItem[]>('typeHierarchy/supertypes', { item: amp });
    assert.deepEqual(
      sup.map((x) => x.name),
      ['component'],
    );
    assert.match(sup[0]!.uri, /prelude\/components\.pim$/);
    const sub = await req<TypeHierarchyItem[]>('typeHierarchy/subtypes', { item: amp });
    assert.deepEqual(
      sub.map((x) => x.name),
      ['fast_amp'],
    );
    // The prelude's component class has the user's class among its subtypes.
    assert.ok(
      (await req<TypeHierarchyItem[]>('typeHierarchy/subtypes', { item: sup[0] })).some((x) => x.name === 'sense_amp'),
    );
    const [chip] = await req<TypeHierarchyItem[]>('textDocument/prepareTypeHierarchy', {
      textDocument: { uri },
      position: pos(main.at['chip']!),
    });
    assert.deepEqual(
      (await req<TypeHierarchyItem[]>('typeHierarchy/subtypes', { item: chip })).map((x) => x.name),
      ['big'],
    );
  });

  it('updates imports when a file or a folder is renamed (workspace/willRenameFiles)', async () => {
    const moved = await req<WorkspaceEdit>('workspace/willRenameFiles', {
      files: [{ oldUri: libUri, newUri: fileUri(join(dir, 'parts/amps.pim')) }],
    });
    assert.deepEqual(moved.changes, {
      [uri]: [
        { range: { start: { line: 0, character: 7 }, end: { line: 0, character: 20 } }, newText: '"parts/amps.pim"' },
      ],
    });
    const folder = await req<WorkspaceEdit>('workspace/willRenameFiles', {
      files: [{ oldUri: fileUri(join(dir, 'lib')), newUri: fileUri(join(dir, 'library')) }],
    });
    assert.equal(folder.changes?.[uri]?.[0]?.newText, '"library/lib.pim"');
    // Moving the importing file itself rewrites its own relative imports.
    const self = await req<WorkspaceEdit>('workspace/willRenameFiles', {
      files: [{ oldUri: uri, newUri: fileUri(join(dir, 'lib/main.pim')) }],
    });
    assert.equal(self.changes?.[uri]?.[0]?.newText, '"lib.pim"');
    const unrelated = await req<WorkspaceEdit>('workspace/willRenameFiles', {
      files: [{ oldUri: fileUri(join(dir, 'other.pim')), newUri: fileUri(join(dir, 'x.pim')) }],
    });
    assert.deepEqual(unrelated.changes, {});
  });

  it('puts reference counts and run commands above declarations (code lens)', async () => {
    const lenses = await req<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const at = (line: number) => lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title);
    assert.deepEqual(at(main.at['rowsDecl']!.line), ['3 references']);
    assert.deepEqual(at(main.at['chip']!.line), ['3 references']);
    assert.deepEqual(at(main.at['big']!.line), ['0 references']);
    const mapping = lenses.filter((l) => l.command?.command === 'pim.simulate');
    assert.equal(mapping.length, 1);
    assert.deepEqual(mapping[0]!.command!.arguments, [uri, 'm']);
    assert.ok(lenses.some((l) => l.command?.command === 'pim.explore'));
  });
});
