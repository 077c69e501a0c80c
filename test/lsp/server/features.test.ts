// Every language-server feature over a real JSON-RPC connection (stdio) on a two-file workspace.
// Positions are marked in the test text with ‸{name}.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  CodeAction,
  CompletionList,
  DocumentSymbol,
  FoldingRange,
  Hover,
  InlayHint,
  Location,
  SemanticTokens,
  SymbolInformation,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { fileUri, marked, startClient, type TestClient } from '../support/client.js';

const devices = marked(`/// Two-bit ReRAM cell.
device ‸{devDecl}reram2b { technology: reram, bits_per_cell: 2 }
`);

const main = marked(`import "devices.pim"

/// A small chip.
architecture ‸{archName}chip {
  clock: 1 GHz‸{clockUnit}
  tile t[4] {
    ima[1 + 1] { ‸{xbarKind}crossbar[8] { ‸{xbarBody}rows: 128, cols: 128, cell: ‸{cellRef}reram2b } }
  }
}
dataset mnist { source: builtin }
model net {
  input: tensor[1, 28, 28]
  flatten
  linear ‸{f1}f1 { out: 10 }
}
mapping m { model: ‸{netRef}net, architecture: chip, place ‸{placeWhat}linear on ‸{placeOn}t }
run r { mapping: m, dataset: mnist }
`);

describe('language server over JSON-RPC', function () {
  this.timeout(60000);
  let dir: string;
  let client: TestClient;
  let mainUri: string;
  let devUri: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pim-lsp-'));
    writeFileSync(join(dir, 'devices.pim'), devices.text);
    writeFileSync(join(dir, 'main.pim'), main.text);
    mainUri = fileUri(join(dir, 'main.pim'));
    devUri = fileUri(join(dir, 'devices.pim'));
    client = await startClient(dir);
    await client.openAndDiagnose(mainUri, main.text);
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const req = <T>(method: string, params: object): Promise<T> =>
    client.connection.sendRequest(method, params) as Promise<T>;
  const at = (m: { line: number; character: number }) => ({ line: m.line, character: m.character });
  const td = () => ({ uri: mainUri });

  it('announces every feature', () => {
    const c = client.initialize.capabilities;
    for (const k of [
      'completionProvider',
      'hoverProvider',
      'definitionProvider',
      'referencesProvider',
      'renameProvider',
      'documentSymbolProvider',
      'workspaceSymbolProvider',
      'semanticTokensProvider',
      'documentFormattingProvider',
      'codeActionProvider',
      'inlayHintProvider',
      'foldingRangeProvider',
    ] as const) {
      assert.ok(c[k], `missing ${k}`);
    }
  });

  it('positions: one that is no whole number is refused (InvalidParams); one past the end of a line is its end', async () => {
    for (const position of [{ line: 1.5, character: 2.5 }, { line: 'a', character: 0 }, {}])
      await assert.rejects(
        req('textDocument/rename', { textDocument: td(), position, newName: 'x' }),
        (e: { code?: number; message?: string }) => e.code === -32602 && /invalid position/.test(e.message ?? ''),
      );
    // Past the end of the `mapping m {…}` line: what is at its end, not the next line's `run`.
    const lines = main.text.split('\n');
    const line = lines.findIndex((l) => l.startsWith('mapping m'));
    const hoverAt = (character: number) =>
      req<unknown>('textDocument/hover', { textDocument: td(), position: { line, character } });
    const next = await req<unknown>('textDocument/hover', {
      textDocument: td(),
      position: { line: line + 1, character: 0 },
    });
    assert.notDeepEqual(next, await hoverAt(lines[line]!.length), 'the test needs the two places to differ');
    assert.deepEqual(await hoverAt(10_000), await hoverAt(lines[line]!.length));
  });

  it('publishes no diagnostics for a valid file, and the compiler’s codes after an edit', async () => {
    const clean = client.published.filter((p) => p.uri === mainUri).at(-1)!;
    assert.deepEqual(clean.diagnostics, []);
    const broken = main.text.replace('cell: reram2b', 'cell: reram2');
    const next = client.nextDiagnostics(mainUri, 2);
    client.change(mainUri, broken, 2);
    const d = (await next).diagnostics;
    assert.equal(d.length, 1);
    assert.equal(d[0]!.code, 'PIM2001');
    assert.match(d[0]!.message, /reram2/);
    assert.deepEqual((d[0]!.data as { replacements: string[] }).replacements, ['reram2b']);
    // The quick fix replaces the name with the suggestion.
    const actions = await req<CodeAction[]>('textDocument/codeAction', {
      textDocument: td(),
      range: d[0]!.range,
      context: { diagnostics: d },
    });
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.title, "Replace with 'reram2b'");
    const edit = actions[0]!.edit!.changes![mainUri]![0]!;
    assert.equal(edit.newText, 'reram2b');
    assert.deepEqual(edit.range, d[0]!.range);
    const fixed = client.nextDiagnostics(mainUri, 3);
    client.change(mainUri, main.text, 3);
    assert.deepEqual((await fixed).diagnostics, []);
  });

  it('publishes syntax diagnostics for text that does not parse, and keeps symbols and completion', async () => {
    const uri = fileUri(join(dir, 'broken.pim'));
    const text = 'model m {\n  conv c1 { out: }\n  relu\n}\narchitecture a {\n  \n';
    const d = await client.openAndDiagnose(uri, text);
    assert.ok(d.length >= 1);
    const syntax = d.filter((x) => String(x.code).startsWith('PIM1'));
    assert.ok(syntax.length >= 1, JSON.stringify(d));
    assert.equal(syntax[0]!.range.start.line, 1);
    assert.match(syntax[0]!.message, /unexpected '\}'/);
    const symbols = await req<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['m', 'a'],
    );
    const items = await req<CompletionList>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 5, character: 2 },
    });
    const labels = items.items.map((i) => i.label);
    assert.ok(labels.includes('tile') && labels.includes('clock'), labels.join(','));
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  it('shows problems met in imported files: a redefined name, an import with errors', async () => {
    writeFileSync(join(dir, 'broken-lib.pim'), 'device bad { technology: }\n');
    const uri = fileUri(join(dir, 'dup.pim'));
    const m = marked(
      'import "devices.pim"\nimport ‸{imp}"broken-lib.pim"\ndevice ‸{dup}reram2b { technology: reram }\n',
    );
    const d = await client.openAndDiagnose(uri, m.text);
    const dup = d.find((x) => x.code === 'PIM2002');
    assert.ok(dup, JSON.stringify(d));
    assert.deepEqual(dup.range.start, at(m.at['dup']!));
    assert.equal(dup.relatedInformation?.[0]?.location.uri, devUri);
    const imp = d.find((x) => x.range.start.line === m.at['imp']!.line);
    assert.ok(imp, JSON.stringify(d));
    assert.match(imp.message, /imported file 'broken-lib\.pim' has 1 error/);
    assert.equal(imp.relatedInformation?.[0]?.location.uri, fileUri(join(dir, 'broken-lib.pim')));
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  it('serves an unsaved (untitled) buffer', async () => {
    const uri = 'untitled:Untitled-1';
    const m = marked(
      'model net {\n  input: tensor[1, 4, 4]\n  flatten\n  linear ‸{f}f { out: 2 }\n}\nmapping q { model: net, architecture: nowhere }\n',
    );
    const d = await client.openAndDiagnose(uri, m.text);
    assert.ok(
      d.some((x) => x.code === 'PIM2001' && /nowhere/.test(x.message)),
      JSON.stringify(d),
    );
    const h = await req<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at(m.at['f']!) });
    assert.match((h?.contents as { value: string }).value, /16 → 2/);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  it('marks a vary value the attribute refuses, at that value, as the stated value would be', async () => {
    const uri = fileUri(join(dir, 'space.pim'));
    const m = marked(
      'import "main.pim"\nexplore space {\n  evaluate: r\n  vary chip.clock in [1 GHz, ‸{zero}0 GHz]\n  minimize energy\n}\n',
    );
    const d = await client.openAndDiagnose(uri, m.text);
    assert.equal(d.length, 1, JSON.stringify(d));
    assert.equal(d[0]!.code, 'PIM3010');
    assert.equal(d[0]!.message, "'clock' of architecture 'chip' is 0 Hz, but it must be above 0");
    const zero = at(m.at['zero']!);
    assert.deepEqual(d[0]!.range, {
      start: zero,
      end: { line: zero.line, character: zero.character + '0 GHz'.length },
    });
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  it('re-checks a file when a file it imports changes', async () => {
    const renamed = devices.text.replace('reram2b', 'reram4b');
    const next = client.nextDiagnostics(mainUri);
    client.open(devUri, renamed, 1);
    const d = (await next).diagnostics;
    assert.equal(d[0]?.code, 'PIM2001', JSON.stringify(d));
    const back = client.nextDiagnostics(mainUri);
    client.change(devUri, devices.text, 2);
    assert.deepEqual((await back).diagnostics, []);
  });

  it('completes declaration kinds, attributes with type and default, names and units', async () => {
    const top = await req<CompletionList>('textDocument/completion', {
      textDocument: td(),
      position: { line: main.text.split('\n').length - 1, character: 0 },
    });
    assert.ok(['architecture', 'model', 'mapping', 'import'].every((k) => top.items.some((i) => i.label === k)));

    // Inside the crossbar block, right after `{ `: its attributes (not those already given) and no layer kinds.
    const attrs = await req<CompletionList>('textDocument/completion', {
      textDocument: td(),
      position: at(main.at['xbarBody']!),
    });
    const labels = attrs.items.map((i) => i.label);
    assert.ok(labels.includes('cell_area'), labels.join(','));
    assert.ok(!labels.includes('rows'), 'rows is already given');
    assert.ok(!labels.includes('conv'));
    const cellArea = attrs.items.find((i) => i.label === 'cell_area')!;
    assert.match(cellArea.detail ?? '', /^area = /);

    const names = await req<CompletionList>('textDocument/completion', {
      textDocument: td(),
      position: at(main.at['cellRef']!),
    });
    assert.ok(
      names.items.some((i) => i.label === 'reram2b' && i.detail === 'device'),
      JSON.stringify(names.items.map((i) => i.label)),
    );
    assert.ok(!names.items.some((i) => i.label === 'net'), 'a model is not a cell');

    const what = (
      await req<CompletionList>('textDocument/completion', { textDocument: td(), position: at(main.at['placeWhat']!) })
    ).items.map((i) => i.label);
    assert.ok(what.includes('f1') && what.includes('linear'), what.join(','));
    assert.ok(!what.includes('t'));
    const where = (
      await req<CompletionList>('textDocument/completion', { textDocument: td(), position: at(main.at['placeOn']!) })
    ).items.map((i) => i.label);
    assert.deepEqual(where, ['t']);

    const units = await req<CompletionList>('textDocument/completion', {
      textDocument: td(),
      position: at(main.at['clockUnit']!),
    });
    assert.ok(units.items.some((i) => i.label === 'GHz'));
    assert.ok(units.items.some((i) => i.label === 'MHz'));
    // The edit replaces the unit being typed.
    const ghz = units.items.find((i) => i.label === 'GHz')!;
    assert.equal((ghz.textEdit as TextEdit).range.start.character, main.at['clockUnit']!.character - 3);
  });

  it('completes by context: layers in a model, sections and optimizer options in train, choices, objectives', async () => {
    const uri = fileUri(join(dir, 'ctx.pim'));
    const m = marked(`model q {
  input: tensor[1, 28, 28]
  ‸{layer}
  conv c1 { out: 6, kernel: 5, ‸{conv} }
}
train t {
  epochs: 3, optimizer: sgd { ‸{sgd} }
  ‸{section}
}
explore e {
  minimize ‸{objective}
}
architecture a {
  noc { topology: ‸{choice} }
}
`);
    await client.openAndDiagnose(uri, m.text);
    const labels = async (k: string) =>
      (
        await req<CompletionList>('textDocument/completion', { textDocument: { uri }, position: at(m.at[k]!) })
      ).items.map((i) => i.label);
    const layer = await labels('layer');
    assert.ok(
      ['conv', 'linear', 'relu', 'maxpool', 'repeat'].every((x) => layer.includes(x)),
      layer.join(','),
    );
    assert.ok(!layer.includes('crossbar'));
    const conv = await labels('conv');
    assert.ok(conv.includes('stride') && conv.includes('padding'), conv.join(','));
    assert.ok(!conv.includes('out') && !conv.includes('kernel'));
    assert.ok((await labels('sgd')).includes('lr'));
    const section = await labels('section');
    assert.ok(
      section.includes('faults') && section.includes('noise') && section.includes('dataset'),
      section.join(','),
    );
    assert.ok(!section.includes('sgd') && !section.includes('epochs'), 'optimizers are values; epochs is given');
    assert.ok((await labels('objective')).includes('accuracy'));
    assert.ok((await labels('choice')).includes('mesh3d'));
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  it('completes after `on` in a place rule listing several layers, and offers fixed(…) for a precision', async () => {
    const uri = fileUri(join(dir, 'place.pim'));
    const m = marked(`architecture a { tile tt[2] { ima { crossbar { rows: 8, cols: 8 } } } }
model q { input: tensor[4], linear l1 { out: 2 }, relu }
mapping mm {
  model: q, architecture: a
  place l1, ‸{second}relu on tt
  weights: ‸{weights}fixed(8 bit)
  place conv, linear on ‸{on}
}
`);
    await client.openAndDiagnose(uri, m.text);
    const complete = (k: string) =>
      req<CompletionList>('textDocument/completion', { textDocument: { uri }, position: at(m.at[k]!) });
    assert.deepEqual(
      (await complete('on')).items.map((i) => i.label),
      ['tt'],
    );
    const second = (await complete('second')).items.map((i) => i.label);
    assert.ok(second.includes('l1') && second.includes('linear') && !second.includes('tt'), second.join(','));
    const weights = (await complete('weights')).items;
    assert.deepEqual(
      weights.map((i) => i.label),
      ['fixed(…)', 'float(…)'],
    );
    const fixed = weights[0]!;
    assert.equal((fixed.textEdit as TextEdit).newText, 'fixed(${1:16} bit)');
    assert.equal(fixed.insertTextFormat, 2);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  it('completes a vary path from the last clean compilation while the line is being typed', async () => {
    const uri = fileUri(join(dir, 'vary.pim'));
    const clean =
      'architecture a {\n  clock: 1 GHz\n  noc { flit: 32 bit }\n}\nexplore e {\n  vary a.clock in [1 GHz]\n}\n';
    await client.openAndDiagnose(uri, clean);
    const typing = marked(clean.replace('vary a.clock in [1 GHz]', 'vary a.‸{path}'));
    const v2 = client.nextDiagnostics(uri, 2);
    client.change(uri, typing.text, 2);
    assert.ok(
      (await v2).diagnostics.some((d) => String(d.code).startsWith('PIM1')),
      'the typed line does not parse',
    );
    const items = (
      await req<CompletionList>('textDocument/completion', { textDocument: { uri }, position: at(typing.at['path']!) })
    ).items.map((i) => i.label);
    assert.ok(items.includes('noc') && items.includes('clock'), items.join(','));
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  it('hovers with doc comments, SI values, rolled-up figures and layer shapes', async () => {
    const h = (m: { line: number; character: number }) =>
      req<Hover | null>('textDocument/hover', { textDocument: td(), position: at(m) });
    const text = (x: Hover | null) => (x?.contents as { value: string } | undefined)?.value ?? '';

    const ref = text(await h(main.at['cellRef']!));
    assert.match(ref, /device reram2b/);
    assert.match(ref, /Two-bit ReRAM cell\./);

    const clock = text(await h({ line: main.at['clockUnit']!.line, character: 3 }));
    assert.match(clock, /clock: frequency/);
    assert.match(clock, /1000000000 Hz|1e\+?9 Hz|1 GHz/);

    const xbar = text(await h(main.at['xbarKind']!));
    assert.match(xbar, /crossbar\[8\]/);
    assert.match(xbar, /×64 in the system/);
    assert.match(xbar, /\*\*power\*\*/);
    assert.match(xbar, /\*\*area\*\*/);

    const layer = text(await h(main.at['f1']!));
    assert.match(layer, /784 → 10/);
    assert.match(layer, /\*\*MACs\*\* 7,840/);

    const arch = text(await h(main.at['archName']!));
    assert.match(arch, /A small chip\./);

    const imp = text(await h({ line: 0, character: 9 }));
    assert.match(imp, /devices\.pim`/);
    assert.match(imp, /- `device reram2b`/);
  });

  it('goes to the definition in the imported file, and to a built-in class', async () => {
    const defs = await req<Location[]>('textDocument/definition', {
      textDocument: td(),
      position: at(main.at['cellRef']!),
    });
    assert.equal(defs.length, 1);
    assert.equal(defs[0]!.uri, devUri);
    assert.deepEqual(defs[0]!.range.start, at(devices.at['devDecl']!));
    const kind = await req<Location[]>('textDocument/definition', {
      textDocument: td(),
      position: at(main.at['xbarKind']!),
    });
    assert.equal(kind.length, 1);
    assert.match(kind[0]!.uri, /prelude\/components\.pim$/);
  });

  it('finds references across files from the declaration, and renames them all', async () => {
    const refs = await req<Location[]>('textDocument/references', {
      textDocument: { uri: devUri },
      position: at(devices.at['devDecl']!),
      context: { includeDeclaration: true },
    });
    assert.deepEqual(refs.map((r) => r.uri).sort(), [devUri, mainUri].sort());
    const use = refs.find((r) => r.uri === mainUri)!;
    assert.deepEqual(use.range.start, at(main.at['cellRef']!));

    const prep = await req<{ placeholder: string } | null>('textDocument/prepareRename', {
      textDocument: td(),
      position: at(main.at['cellRef']!),
    });
    assert.equal(prep?.placeholder, 'reram2b');
    const edit = await req<WorkspaceEdit>('textDocument/rename', {
      textDocument: td(),
      position: at(main.at['cellRef']!),
      newName: 'cell4',
    });
    assert.deepEqual(Object.keys(edit.changes!).sort(), [devUri, mainUri].sort());
    for (const edits of Object.values(edit.changes!))
      assert.ok(
        edits.every(
          (e) => e.newText === 'cell4' && e.range.end.character - e.range.start.character === 'reram2b'.length,
        ),
      );
    await assert.rejects(
      req('textDocument/rename', { textDocument: td(), position: at(main.at['cellRef']!), newName: 'not valid' }),
    );
  });

  it('lists document and workspace symbols', async () => {
    const symbols = await req<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: td() });
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['devices.pim', 'chip', 'mnist', 'net', 'm', 'r'],
    );
    const chip = symbols.find((s) => s.name === 'chip')!;
    assert.ok(chip.children!.some((c) => c.name === 't' && c.detail === 'tile[4]'));
    const ws = await req<SymbolInformation[]>('workspace/symbol', { query: 'rrm2' });
    assert.ok(
      ws.some((s) => s.name === 'reram2b' && s.location.uri === devUri),
      JSON.stringify(ws),
    );
  });

  it('colours kinds, attribute keys, declarations and units with semantic tokens', async () => {
    const legend = client.initialize.capabilities.semanticTokensProvider!.legend;
    const tokens = await req<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: td() });
    const lines = main.text.split('\n');
    const decoded: { text: string; type: string; mods: string[] }[] = [];
    let line = 0;
    let ch = 0;
    for (let i = 0; i < tokens.data.length; i += 5) {
      const [dl, dc, len, type, mods] = tokens.data.slice(i, i + 5) as [number, number, number, number, number];
      line += dl;
      ch = dl === 0 ? ch + dc : dc;
      decoded.push({
        text: lines[line]!.slice(ch, ch + len),
        type: legend.tokenTypes[type]!,
        mods: legend.tokenModifiers.filter((_, b) => mods & (1 << b)),
      });
    }
    const find = (t: string) => decoded.find((d) => d.text === t);
    assert.equal(find('crossbar')?.type, 'class');
    assert.equal(find('rows')?.type, 'property');
    assert.equal(find('GHz')?.type, 'unit');
    assert.equal(find('import')?.type, 'keyword');
    assert.equal(find('chip')?.type, 'type');
    assert.ok(find('chip')?.mods.includes('declaration'));
    assert.equal(find('reram2b')?.type, 'type');
  });

  it('formats through the Prettier plugin, and leaves broken text alone', async () => {
    const uri = fileUri(join(dir, 'fmt.pim'));
    await client.openAndDiagnose(uri, 'model   m {relu\n\n\n  flatten}');
    const edits = await req<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 4, insertSpaces: true },
    });
    assert.equal(edits.length, 1);
    assert.equal(edits[0]!.newText, 'model m {\n    relu\n\n    flatten\n}\n');
    // A tab size far past any editor's is held to 16 columns (1e8 made a 446 MB edit, then crashed).
    const wide = await req<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 1e8, insertSpaces: true },
    });
    assert.equal(wide[0]!.newText, `model m {\n${' '.repeat(16)}relu\n\n${' '.repeat(16)}flatten\n}\n`);
    const broken = client.nextDiagnostics(uri, 2);
    client.change(uri, 'model m {', 2);
    await broken;
    assert.deepEqual(
      await req<TextEdit[]>('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      }),
      [],
    );
  });

  it('shows inlay hints for totals and inferred shapes', async () => {
    const hints = await req<InlayHint[]>('textDocument/inlayHint', {
      textDocument: td(),
      range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } },
    });
    const labels = hints.map((h) => String(h.label));
    assert.ok(labels.includes('×64 total'), labels.join(' | '));
    assert.ok(labels.includes('= 2  ×8 total'), labels.join(' | '));
    assert.ok(labels.includes('→ 10'), labels.join(' | '));
    assert.ok(labels.includes('→ 784'), labels.join(' | '));
  });

  it('links imports to their files', async () => {
    const links = await req<{ target: string; range: { start: { line: number; character: number } } }[]>(
      'textDocument/documentLink',
      { textDocument: td() },
    );
    assert.equal(links.length, 1);
    assert.equal(links[0]!.target, devUri);
    assert.deepEqual(links[0]!.range.start, { line: 0, character: 7 });
  });

  it('folds blocks', async () => {
    const ranges = await req<FoldingRange[]>('textDocument/foldingRange', { textDocument: td() });
    const arch = main.at['archName']!.line;
    assert.ok(
      ranges.some((r) => r.startLine === arch && r.endLine === arch + 4),
      JSON.stringify(ranges),
    );
  });
});
