// Workspace symbols: named declarations of every known file, from their parses (no compilation).
import type { Member } from '@pim/grammar';
import { SymbolKind, type SymbolInformation } from 'vscode-languageserver';
import type { PimDocument } from '../documents.js';
import type { Workspace } from '../workspace.js';

/** `abc` matches `a_big_cat`: the query's characters in order, ignoring case. */
export function fuzzyMatch(query: string, name: string): boolean {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  for (const ch of n) if (i < q.length && ch === q[i]) i++;
  return i === q.length;
}

/**
 * Each file's declarations, by its stamp: a search reads a file again only when it changed, and keeps
 * the names, not the parse (the workspace keeps only so many parses).
 */
const declared = new WeakMap<Workspace, Map<string, { stamp: PimDocument | string; symbols: SymbolInformation[] }>>();

export function workspaceSymbols(workspace: Workspace, query: string, limit = 500): SymbolInformation[] {
  let index = declared.get(workspace);
  if (!index) declared.set(workspace, (index = new Map()));
  const out: SymbolInformation[] = [];
  for (const path of workspace.files()) {
    if (out.length >= limit) break;
    const stamp = workspace.stamp(path);
    if (stamp === undefined) continue;
    let known = index.get(path);
    if (known?.stamp !== stamp) {
      const doc = workspace.document(path);
      if (!doc) continue;
      index.set(path, (known = { stamp, symbols: symbolsOf(doc) }));
    }
    for (const sym of known.symbols) {
      if (out.length >= limit) break;
      if (fuzzyMatch(query, sym.name)) out.push(sym);
    }
  }
  return out;
}

/** The named declarations of one file, top level and nested, with their containers. */
function symbolsOf(doc: PimDocument): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  const add = (name: string, kind: SymbolKind, span: { start: number; end: number }, container?: string): void => {
    const info: SymbolInformation = { name, kind, location: { uri: doc.uri, range: doc.range(span) } };
    if (container) info.containerName = container;
    out.push(info);
  };
  const nested = (members: Member[] | undefined, container: string): void => {
    for (const m of members ?? []) {
      if (m.type === 'Block' && m.name) {
        add(m.name.name, SymbolKind.Object, m.name.span, container);
        nested(m.body, `${container}.${m.name.name}`);
      } else if (m.type === 'Block') nested(m.body, container);
      else if (m.type === 'Repeat') nested(m.body, container);
    }
  };
  for (const item of doc.parse.ast.items) {
    if (item.type === 'Const') add(item.name.name, SymbolKind.Constant, item.name.span);
    else if (item.type === 'Block' && item.name) {
      add(
        item.name.name,
        item.kind.name === 'class' ? SymbolKind.Class : SymbolKind.Module,
        item.name.span,
        item.kind.name,
      );
      nested(item.body, item.name.name);
    }
  }
  return out;
}
