// References across files: every workspace file (and what it imports) is compiled, and the uses whose
// target is the symbol under the cursor are collected.
import type { Location } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import type { PimSymbol } from '../compiler-types.js';
import { sameSymbol, symbolAt } from '../locate.js';
import type { PimServices } from '../services.js';

export interface Occurrence {
  file: string;
  span: { start: number; end: number };
  declaration: boolean;
}

/** The declaration and every use of a symbol in the workspace, deduplicated, in file order. */
export async function occurrences(s: PimServices, symbol: PimSymbol): Promise<Occurrence[]> {
  const out = new Map<string, Occurrence>();
  const add = (o: Occurrence): void => {
    const key = `${o.file}#${o.span.start}`;
    if (!out.has(key)) out.set(key, o);
  };
  add({ file: symbol.file, span: symbol.nameSpan, declaration: true });
  const files = new Set([...s.workspace.files(), symbol.file]);
  for (const f of files) {
    // Only a file that spells the name can use it (its imports are compiled with it anyway).
    if (!s.workspace.document(f)?.text.includes(symbol.name)) continue;
    const a = await s.analysis.analyze(f);
    for (const r of a?.program?.references ?? []) if (sameSymbol(r.target, symbol)) add({ file: r.file, span: r.span, declaration: false });
  }
  return [...out.values()].sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.span.start - y.span.start));
}

export async function references(s: PimServices, a: Analysis, offset: number, includeDeclaration: boolean): Promise<Location[]> {
  const hit = symbolAt(a, offset);
  if (!hit) return [];
  const all = await occurrences(s, hit.symbol);
  const out: Location[] = [];
  for (const o of all) {
    if (o.declaration && !includeDeclaration) continue;
    const doc = s.workspace.document(o.file);
    if (doc) out.push({ uri: doc.uri, range: doc.range(o.span) });
  }
  return out;
}
