// Type hierarchy over `extends`: classes (the user's and the prelude's) and architectures. Supertypes
// follow `extends`; subtypes are the workspace's and the prelude's declarations that extend the item.
// Read from the syntax trees of the workspace's files and of the prelude, so it needs no compilation.
import type { Block } from '@pim/grammar';
import { SymbolKind, type TypeHierarchyItem } from 'vscode-languageserver';
import { pathToUri } from '../convert.js';
import { fallbackClasses } from '../catalogue.js';
import { nodesAt } from '../locate.js';
import type { PimDocument } from '../documents.js';
import type { PimServices } from '../services.js';

type Kind = 'class' | 'architecture';

interface Declared {
  name: string;
  kind: Kind;
  base?: string;
  doc: PimDocument | undefined;
  file: string;
  block?: Block;
  nameSpan?: { start: number; end: number };
}

/** Every `class` and `architecture` declaration: the prelude's classes, then the workspace's files. */
function declarations(s: PimServices): Declared[] {
  const out: Declared[] = [];
  for (const c of fallbackClasses().values()) {
    if (!c.file || !c.nameSpan) continue;
    const base = (c as { base?: string }).base;
    out.push({
      name: c.name,
      kind: 'class',
      ...(base ? { base } : {}),
      doc: undefined,
      file: c.file,
      nameSpan: c.nameSpan,
    });
  }
  for (const f of s.workspace.files()) {
    const doc = s.workspace.document(f);
    for (const item of doc?.parse.ast.items ?? []) {
      if (item.type !== 'Block' || !item.name || (item.kind.name !== 'class' && item.kind.name !== 'architecture'))
        continue;
      out.push({
        name: item.name.name,
        kind: item.kind.name,
        ...(item.base ? { base: item.base.name } : {}),
        doc,
        file: f,
        block: item,
        nameSpan: item.name.span,
      });
    }
  }
  return out;
}

function item(s: PimServices, d: Declared): TypeHierarchyItem | undefined {
  const doc = d.doc ?? s.workspace.document(d.file);
  if (!doc || !d.nameSpan) return undefined;
  const range = doc.range(d.block?.span ?? d.nameSpan);
  return {
    name: d.name,
    kind: d.kind === 'class' ? SymbolKind.Class : SymbolKind.Module,
    detail: d.base ? `${d.kind} extends ${d.base}` : d.kind,
    uri: d.doc?.uri ?? pathToUri(d.file),
    range,
    selectionRange: doc.range(d.nameSpan),
    data: { name: d.name, kind: d.kind },
  };
}

/** The user's declarations win over the prelude's of the same name (the compiler reports the clash). */
function find(all: Declared[], name: string, kind: Kind): Declared | undefined {
  const hits = all.filter((d) => d.name === name && d.kind === kind);
  return hits.find((d) => d.block) ?? hits[0];
}

export function prepareTypeHierarchy(s: PimServices, doc: PimDocument, offset: number): TypeHierarchyItem[] | null {
  const path = nodesAt(doc.parse.ast, offset);
  const inner = path[path.length - 1];
  const block = [...path].reverse().find((n): n is Block => n.type === 'Block');
  if (inner?.type !== 'Ident' || !block) return null;
  const all = declarations(s);
  // On a declaration's name or the name after its `extends`: that declaration's kind.
  const top = block.kind.name === 'class' || block.kind.name === 'architecture' ? (block.kind.name as Kind) : undefined;
  let target: Declared | undefined;
  if (top && (inner === block.name || inner === block.base)) target = find(all, inner.name, top);
  // A block kind inside an architecture: its class.
  else if (inner === block.kind) target = find(all, inner.name, 'class');
  const it = target && item(s, target);
  return it ? [it] : null;
}

export function supertypes(s: PimServices, of: TypeHierarchyItem): TypeHierarchyItem[] {
  const { name, kind } = of.data as { name: string; kind: Kind };
  const all = declarations(s);
  const base = find(all, name, kind)?.base;
  const parent = base ? find(all, base, kind) : undefined;
  const it = parent && item(s, parent);
  return it ? [it] : [];
}

export function subtypes(s: PimServices, of: TypeHierarchyItem): TypeHierarchyItem[] {
  const { name, kind } = of.data as { name: string; kind: Kind };
  return declarations(s)
    .filter((d) => d.kind === kind && d.base === name)
    .map((d) => item(s, d))
    .filter((x): x is TypeHierarchyItem => !!x);
}
