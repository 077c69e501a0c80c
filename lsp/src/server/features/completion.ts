// Completion: declaration kinds at top level; in a block, the attributes of its class (with type and
// default) and the block kinds allowed there; after `key:`, the names and choices that fit; after a
// number, units.
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList } from 'vscode-languageserver';
import type { Analysis, QuickAnalysis } from '../analysis.js';
import { choicesOf, DECLARATION_KINDS, FALLBACK_UNITS, refKindOf } from '../catalogue.js';
import type { ClassInfo } from '../compiler-types.js';
import { completionContext, type Frame } from '../completion-context.js';
import { classesOf, type PimServices } from '../services.js';

/** The top-level kind that decides what nests (architecture → components, model → layers …). */
function rootKind(frames: Frame[]): string {
  return frames[0]?.kind ?? '';
}

function kindsAllowed(frames: Frame[], classes: Map<string, ClassInfo>): { names: string[]; extra: string[] } {
  const root = rootKind(frames);
  const inner = frames[frames.length - 1]!;
  const byCategory = (c: ClassInfo['category']): string[] => [...classes.values()].filter((x) => x.category === c).map((x) => x.name);
  if (inner.kind === 'class' || frames.length > 1 && frames.slice(1).some((f) => f.kind === 'place')) return { names: [], extra: [] };
  switch (root) {
    case 'architecture':
      return { names: byCategory('component'), extra: [] };
    case 'model':
      return { names: byCategory('layer'), extra: ['repeat'] };
    case 'mapping':
      return { names: [], extra: frames.length === 1 ? ['place'] : [] };
    case 'train':
    case 'run':
      return { names: frames.length === 1 ? byCategory('section') : [], extra: [] };
    case 'explore':
      return { names: [], extra: frames.length === 1 ? ['vary', 'minimize', 'maximize'] : [] };
    default:
      return { names: [], extra: [] };
  }
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
  const item: CompletionItem = { label: name, kind: CompletionItemKind.Class, sortText: order + name, detail: cls?.category };
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

/** Top-level names by their declaration kind, from the program or from the workspace's parses. */
function declaredNames(s: PimServices, a: Analysis | undefined): { name: string; kind: string; doc?: string }[] {
  if (a?.program) return [...a.program.symbols.values()].map((x) => ({ name: x.name, kind: x.kind, ...(x.doc ? { doc: x.doc } : {}) }));
  const out: { name: string; kind: string; doc?: string }[] = [];
  const seen = new Set<string>();
  const docs = a ? [a.doc, ...s.workspace.openDocuments()] : s.workspace.openDocuments();
  for (const d of docs) {
    for (const item of d.parse.ast.items) {
      const name = item.type === 'Const' ? item.name.name : item.type === 'Block' ? item.name?.name : undefined;
      if (!name || seen.has(name)) continue;
      seen.add(name);
      out.push({ name, kind: item.type === 'Const' ? 'const' : (item as { kind: { name: string } }).kind.name, ...(item.doc ? { doc: item.doc } : {}) });
    }
  }
  return out;
}

export function completion(s: PimServices, quick: QuickAnalysis, offset: number): CompletionList {
  // Names and classes may come from the last compilation: completion never waits for the compiler.
  const program = quick.program ?? quick.stale;
  const a: Analysis = program ? { doc: quick.doc, program } : { doc: quick.doc };
  const ctx = completionContext(a.doc, offset);
  const classes = classesOf(a);
  const items: CompletionItem[] = [];
  const pos = ctx.position;
  switch (pos.where) {
    case 'top':
      for (const k of DECLARATION_KINDS) items.push(keywordItem(k, `${k} \${1:name} {\n\t$0\n}`));
      items.push(keywordItem('import', 'import "$0"'), keywordItem('const', 'const ${1:NAME} = $0'));
      break;
    case 'member': {
      const inner = pos.frames[pos.frames.length - 1]!;
      const present = new Set(inner.keys);
      const clsName = inner.kind === 'repeat' ? '' : inner.kind === 'place' ? 'place' : inner.kind;
      items.push(...attributeItems(classes.get(clsName), present));
      const allowed = kindsAllowed(inner.kind === 'repeat' ? pos.frames.filter((f) => f.kind !== 'repeat') : pos.frames, classes);
      for (const k of allowed.names) items.push(kindItem(k, classes.get(k), '1'));
      for (const k of allowed.extra) items.push(keywordItem(k));
      break;
    }
    case 'value': {
      if (pos.key === 'objective') {
        for (const o of s.compiler.objectives ?? []) items.push({ label: o, kind: CompletionItemKind.EnumMember, sortText: `0${o}` });
        break;
      }
      const inner = pos.frames[pos.frames.length - 1];
      const attr = inner ? classes.get(inner.kind)?.attributes.find((x) => x.name === pos.key) : undefined;
      const choices = attr ? choicesOf(attr.type) : undefined;
      if (choices) {
        for (const c of choices) items.push({ label: c, kind: CompletionItemKind.EnumMember, sortText: `0${c}` });
        break;
      }
      const wanted = attr ? refKindOf(attr.type) ?? (/^(model|architecture|mapping|dataset|device)$/.test(pos.key) ? pos.key : undefined) : /^(model|architecture|mapping|dataset|evaluate|cell)$/.test(pos.key) ? pos.key : undefined;
      for (const d of declaredNames(s, a)) {
        const fits = !wanted || d.kind === wanted || (wanted === 'evaluate' && (d.kind === 'train' || d.kind === 'run')) || (wanted === 'cell' && d.kind === 'device');
        if (!fits) continue;
        const item: CompletionItem = { label: d.name, kind: d.kind === 'const' ? CompletionItemKind.Constant : CompletionItemKind.Reference, detail: d.kind, sortText: `0${d.name}` };
        if (d.doc) item.documentation = { kind: 'markdown', value: d.doc };
        items.push(item);
      }
      if (!wanted && attr?.type === 'bool') items.push(keywordItem('true'), keywordItem('false'));
      // Object heads (optimizers, methods, graph inputs) are classes used as values.
      if (!wanted && pos.key !== 'place' && pos.key !== 'vary') {
        for (const c of classes.values()) if (c.category === 'section' && !items.some((i) => i.label === c.name)) items.push(kindItem(c.name, c, '3'));
      }
      break;
    }
    case 'unit': {
      const units = s.compiler.unitNames ?? FALLBACK_UNITS;
      units.forEach((u, i) => items.push({ label: u, kind: CompletionItemKind.Unit, sortText: String(i).padStart(4, '0') }));
      break;
    }
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
