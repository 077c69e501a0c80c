// Workspace symbols: named declarations of every known file, from their parses (no compilation).
import type { Member } from '@pim/grammar';
import { SymbolKind, type SymbolInformation } from 'vscode-languageserver';
import type { Workspace } from '../workspace.js';

/** `abc` matches `a_big_cat`: the query's characters in order, ignoring case. */
export function fuzzyMatch(query: string, name: string): boolean {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  for (const ch of n) if (i < q.length && ch === q[i]) i++;
  return i === q.length;
}

export function workspaceSymbols(workspace: Workspace, query: string, limit = 500): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  for (const path of workspace.files()) {
    const doc = workspace.document(path);
    if (!doc) continue;
    const add = (name: string, kind: SymbolKind, span: { start: number; end: number }, container?: string): void => {
      if (out.length >= limit || !fuzzyMatch(query, name)) return;
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
  }
  return out;
}
