// Completion: declaration kinds at top level; in a block, the attributes of its class (with type and
// default) and the block kinds allowed there; after `key:`, the names and choices that fit; after a
// number, units.
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList } from 'vscode-languageserver';
import type { Analysis, QuickAnalysis } from '../analysis.js';
import { type Catalogue, choicesOf, DECLARATION_KINDS, FALLBACK_UNITS, refKindOf } from '../catalogue.js';
import type { ClassInfo } from '../compiler-types.js';
import { completionContext, type CompletionPosition, type Frame } from '../completion-context.js';
import { catalogueOf, type PimServices } from '../services.js';

/** Block kinds and keywords allowed as members of the innermost frame. */
function kindsAllowed(frames: Frame[], cat: Catalogue): { names: string[]; extra: string[] } {
  const root = frames[0]?.kind ?? '';
  const inner = frames[frames.length - 1]!;
  // Inside a class declaration, a place rule's options, or an object value: attributes only.
  if (root === 'class' || inner.object || inner.kind === 'place') return { names: [], extra: [] };
  const depth = frames.filter((f) => f.kind !== 'repeat').length;
  switch (root) {
    case 'architecture':
      return { names: cat.componentKinds(), extra: [] };
    case 'model':
      return depth === 1 ? { names: cat.layerKinds(), extra: ['repeat'] } : { names: [], extra: [] };
    case 'mapping':
      return { names: [], extra: depth === 1 ? ['place'] : [] };
    case 'train':
    case 'run':
      return { names: depth === 1 ? cat.blockSections() : [], extra: [] };
    case 'explore':
      return { names: [], extra: depth === 1 ? ['vary', 'minimize', 'maximize'] : [] };
    default:
      return { names: [], extra: [] };
  }
}

/** The class of the innermost frame. */
function frameClass(frames: Frame[], cat: Catalogue): ClassInfo | undefined {
  const real = frames.filter((f) => f.kind !== 'repeat');
  const inner = real[real.length - 1];
  if (!inner) return undefined;
  return cat.forBlock(inner.kind, real.length === 1 ? undefined : real[0]!.kind, inner.object);
}

function attributeItems(cls: ClassInfo | undefined, present: Set<string>): CompletionItem[] {
  if (!cls) return [];
  return cls.attributes
    .filter((a) => !present.has(a.name))
    .map((a, i) => {
      const item: CompletionItem = {
        label: a.name,
        kind: CompletionItemKind.Property,
        detail: a.default !== undefined ? `${a.type} = ${a.default}` : a.type,
        insertText: `${a.name}: `,
        sortText: `0${String(i).padStart(3, '0')}`,
        labelDetails: { description: a.type },
      };
      if (a.doc) item.documentation = { kind: 'markdown', value: a.doc };
      return item;
    });
}

function kindItem(name: string, cls: ClassInfo | undefined, order: string): CompletionItem {
  const item: CompletionItem = {
    label: name,
    kind: CompletionItemKind.Class,
    sortText: order + name,
    detail: cls?.category,
  };
  if (cls?.doc) item.documentation = { kind: 'markdown', value: cls.doc };
  return item;
}

function keywordItem(word: string, snippet?: string): CompletionItem {
  const item: CompletionItem = { label: word, kind: CompletionItemKind.Keyword, sortText: `2${word}` };
  if (snippet) {
    item.insertText = snippet;
    item.insertTextFormat = InsertTextFormat.Snippet;
  }
  return item;
}

/** The value of `key: name` in the top-level block around an offset (`model:` of a mapping). */
function refValue(a: Analysis, offset: number, key: string): string | undefined {
  const block = a.doc.parse.ast.items.find((i) => i.type === 'Block' && i.span.start <= offset && offset <= i.span.end);
  if (block?.type !== 'Block') return undefined;
  for (const m of block.body ?? []) {
    if (m.type === 'Attribute' && m.key.name === key && m.value.type === 'Ref')
      return m.value.path.map((p) => p.name).join('.');
  }
  return undefined;
}

/** `place …` offers the model's layer kinds and names; after `on`, the architecture's partitions, tiles and GPUs. */
function placeItems(a: Analysis, offset: number, afterOn: boolean, cat: Catalogue): CompletionItem[] {
  const items: CompletionItem[] = [];
  const nested = [...(a.program?.nested.values() ?? [])];
  if (!afterOn) {
    const model = refValue(a, offset, 'model');
    const kinds = new Set<string>();
    for (const sym of nested) {
      if (sym.kind !== 'layer' || sym.container !== model) continue;
      items.push({
        label: sym.name,
        kind: CompletionItemKind.Reference,
        detail: `layer of ${model}`,
        sortText: `0${sym.name}`,
      });
      if (sym.node.type === 'Block') kinds.add(sym.node.kind.name);
    }
    for (const k of kinds.size ? kinds : new Set(cat.layerKinds())) items.push(kindItem(k, cat.layer(k), '1'));
    return items;
  }
  const arch = refValue(a, offset, 'architecture');
  for (const sym of nested) {
    if (!arch || !sym.qualifiedName.startsWith(`${arch}.`) || sym.node.type !== 'Block') continue;
    const kind = sym.node.kind.name;
    if (kind !== 'partition' && kind !== 'tile' && kind !== 'gpu') continue;
    if (items.some((i) => i.label === sym.name)) continue;
    items.push({
      label: sym.name,
      kind: CompletionItemKind.Reference,
      detail: `${kind} of ${arch}`,
      sortText: `0${sym.name}`,
    });
  }
  return items;
}

/** `vary a.b.` offers what `a.b` holds: nested blocks by name, then the attributes of its class. */
function varyItems(a: Analysis, path: string[], cat: Catalogue): CompletionItem[] {
  const p = a.program;
  if (!p) return [];
  if (path.length === 0) {
    return [...p.symbols.values()]
      .filter((x) => x.kind === 'architecture' || x.kind === 'device' || x.kind === 'const')
      .map((x) => ({ label: x.name, kind: CompletionItemKind.Reference, detail: x.kind, sortText: `0${x.name}` }));
  }
  const qualified = path.join('.');
  const sym = path.length === 1 ? p.symbols.get(qualified) : p.nested.get(qualified);
  if (!sym || sym.node.type !== 'Block') return [];
  const items: CompletionItem[] = [];
  for (const n of p.nested.values()) {
    if (n.container === qualified)
      items.push({
        label: n.name,
        kind: CompletionItemKind.Reference,
        detail: n.node.type === 'Block' ? n.node.kind.name : n.kind,
        sortText: `0${n.name}`,
      });
  }
  // Unnamed nested blocks are reached by their kind (`ima.crossbar.rows`).
  for (const m of sym.node.body ?? []) {
    if (m.type === 'Block' && !m.name && !items.some((i) => i.label === m.kind.name))
      items.push({
        label: m.kind.name,
        kind: CompletionItemKind.Reference,
        detail: m.kind.name,
        sortText: `0${m.kind.name}`,
      });
  }
  const root = path[0] ? p.symbols.get(path[0])?.kind : undefined;
  const cls = path.length === 1 ? cat.forBlock(sym.node.kind.name, undefined) : cat.forBlock(sym.node.kind.name, root);
  items.push(...attributeItems(cls, new Set()).map((i) => ({ ...i, insertText: i.label })));
  return items;
}

/** Top-level names by their declaration kind, from the program or from the workspace's parses. */
function declaredNames(s: PimServices, a: Analysis | undefined): { name: string; kind: string; doc?: string }[] {
  if (a?.program)
    return [...a.program.symbols.values()].map((x) => ({
      name: x.name,
      kind: x.kind,
      ...(x.doc ? { doc: x.doc } : {}),
    }));
  const out: { name: string; kind: string; doc?: string }[] = [];
  const seen = new Set<string>();
  const docs = a ? [a.doc, ...s.workspace.openDocuments()] : s.workspace.openDocuments();
  for (const d of docs) {
    for (const item of d.parse.ast.items) {
      const name = item.type === 'Const' ? item.name.name : item.type === 'Block' ? item.name?.name : undefined;
      if (!name || seen.has(name)) continue;
      seen.add(name);
      out.push({
        name,
        kind: item.type === 'Const' ? 'const' : (item as { kind: { name: string } }).kind.name,
        ...(item.doc ? { doc: item.doc } : {}),
      });
    }
  }
  return out;
}

/** After `key:` (or in an objective, `vary` or `place`): the names and choices that fit the key. */
function valueItems(
  s: PimServices,
  a: Analysis,
  offset: number,
  pos: Extract<CompletionPosition, { where: 'value' }>,
  cat: Catalogue,
): CompletionItem[] {
  if (pos.key === 'objective')
    return (s.compiler.objectives ?? []).map((o) => ({
      label: o,
      kind: CompletionItemKind.EnumMember,
      sortText: `0${o}`,
    }));
  if (pos.key === 'vary') return varyItems(a, pos.path ?? [], cat);
  if (pos.key === 'place' || pos.key === 'place-on') return placeItems(a, offset, pos.key === 'place-on', cat);
  const items: CompletionItem[] = [];
  const attr = frameClass(pos.frames, cat)?.attributes.find((x) => x.name === pos.key);
  if (attr && /^(required\()?precision\)?$/.test(attr.type)) {
    // A precision is written with its constructor: `weights: fixed(16 bit)`.
    for (const f of s.compiler.functions.filter((x) => x.precision)) {
      items.push({
        label: `${f.name}(…)`,
        kind: CompletionItemKind.Function,
        detail: f.doc,
        insertText: `${f.name}(\${1:${f.name === 'fixed' ? 16 : 32}} bit)`,
        sortText: `0${f.name}`,
      });
    }
    return items;
  }
  const choices = attr ? choicesOf(attr.type) : undefined;
  if (choices) {
    for (const c of choices) {
      const cls = cat.declaration(c);
      items.push(cls ? kindItem(c, cls, '0') : { label: c, kind: CompletionItemKind.EnumMember, sortText: `0${c}` });
    }
    return items;
  }
  const wanted = attr
    ? refKindOf(attr.type)
    : /^(model|architecture|mapping|dataset|evaluate|cell)$/.test(pos.key)
      ? pos.key
      : undefined;
  const fits = (kind: string): boolean =>
    !wanted ||
    kind === wanted ||
    ((wanted === 'experiment' || wanted === 'evaluate') && (kind === 'train' || kind === 'run')) ||
    (wanted === 'cell' && kind === 'device');
  for (const d of declaredNames(s, a)) {
    if (!fits(d.kind)) continue;
    const item: CompletionItem = {
      label: d.name,
      kind: d.kind === 'const' ? CompletionItemKind.Constant : CompletionItemKind.Reference,
      detail: d.kind,
      sortText: `0${d.name}`,
    };
    if (d.doc) item.documentation = { kind: 'markdown', value: d.doc };
    items.push(item);
  }
  if (!wanted && /bool/.test(attr?.type ?? '')) items.push(keywordItem('true'), keywordItem('false'));
  // `input: graph { … }` and other object values.
  if (!wanted && pos.key === 'input')
    items.push(
      kindItem('graph', cat.declaration('graph'), '1'),
      keywordItem('tensor', 'tensor[${1:C}, ${2:H}, ${3:W}]'),
    );
  return items;
}

/** After a number: the units of the attribute's type (all units when it is not known), common ones first. */
function unitItems(
  s: PimServices,
  pos: Extract<CompletionPosition, { where: 'unit' }>,
  cat: Catalogue,
): CompletionItem[] {
  const inner =
    pos.key !== undefined ? frameClass(pos.frames, cat)?.attributes.find((x) => x.name === pos.key) : undefined;
  const type = inner?.type.replace(/^required\((.*)\)$/, '$1');
  const units = (type && s.compiler.unitsForType(type)) || s.compiler.unitNames || FALLBACK_UNITS;
  // Common units first, in the order people use them.
  const rank = (u: string): number => {
    const i = FALLBACK_UNITS.indexOf(u);
    return i < 0 ? FALLBACK_UNITS.length : i;
  };
  return [...units]
    .sort((x, y) => rank(x) - rank(y) || (x < y ? -1 : 1))
    .map((u, i) => ({ label: u, kind: CompletionItemKind.Unit, sortText: String(i).padStart(4, '0') }));
}

export function completion(s: PimServices, quick: QuickAnalysis, offset: number): CompletionList {
  // Names and classes may come from the last compilation: completion never waits for the compiler.
  const broken = quick.doc.parse.diagnostics.some((d) => d.severity === 'error');
  const program = (broken ? quick.stale : undefined) ?? quick.program ?? quick.stale;
  const a: Analysis = program ? { doc: quick.doc, program } : { doc: quick.doc };
  const ctx = completionContext(a.doc, offset);
  const cat = catalogueOf(s, a);
  const items: CompletionItem[] = [];
  const pos = ctx.position;
  switch (pos.where) {
    case 'top':
      for (const k of DECLARATION_KINDS) items.push(keywordItem(k, `${k} \${1:name} {\n\t$0\n}`));
      items.push(keywordItem('import', 'import "$0"'), keywordItem('const', 'const ${1:NAME} = $0'));
      break;
    case 'member': {
      const inner = pos.frames[pos.frames.length - 1]!;
      items.push(...attributeItems(frameClass(pos.frames, cat), new Set(inner.keys)));
      const allowed = kindsAllowed(pos.frames, cat);
      const root = pos.frames[0]!.kind;
      for (const k of allowed.names)
        items.push(
          kindItem(
            k,
            root === 'model' ? cat.layer(k) : root === 'architecture' ? cat.component(k) : cat.declaration(k),
            '1',
          ),
        );
      for (const k of allowed.extra) items.push(keywordItem(k));
      break;
    }
    case 'value':
      items.push(...valueItems(s, a, offset, pos, cat));
      break;
    case 'unit':
      items.push(...unitItems(s, pos, cat));
      break;
    case 'none':
      break;
  }
  const range = { start: a.doc.positionAt(ctx.prefixStart), end: a.doc.positionAt(offset) };
  for (const it of items) {
    const insert = it.insertText ?? it.label;
    it.textEdit = { range, newText: insert };
    delete it.insertText;
    if (it.insertTextFormat === undefined && /\$\{?\d/.test(insert)) it.insertTextFormat = InsertTextFormat.Snippet;
  }
  return { isIncomplete: false, items };
}
