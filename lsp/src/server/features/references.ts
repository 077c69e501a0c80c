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

/** Workspace files that spell a name: only they can use it (their imports are compiled with them anyway). */
function filesSpelling(s: PimServices, name: string, ...more: string[]): string[] {
  return [...new Set([...s.workspace.files(), ...more])].filter((f) => s.workspace.document(f)?.text.includes(name));
}

/** The declaration and every use of a symbol in the workspace, deduplicated, in file order. */
export async function occurrences(s: PimServices, symbol: PimSymbol): Promise<Occurrence[]> {
  const out = new Map<string, Occurrence>();
  const add = (o: Occurrence): void => {
    const key = `${o.file}#${o.span.start}`;
    if (!out.has(key)) out.set(key, o);
  };
  add({ file: symbol.file, span: symbol.nameSpan, declaration: true });
  for (const f of filesSpelling(s, symbol.name, symbol.file)) {
    const a = await s.analysis.analyze(f);
    for (const r of a?.program?.references ?? [])
      if (sameSymbol(r.target, symbol)) add({ file: r.file, span: r.span, declaration: false });
  }
  return [...out.values()].sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.span.start - y.span.start));
}

/**
 * Uses of nested blocks without a name whose kind is one of `kindUses` (a class's uses as a block
 * kind): such a block is named by its kind, so a path through it spells the class's name.
 */
export async function usesOfUnnamedBlocks(s: PimServices, name: string, kindUses: Occurrence[]): Promise<Occurrence[]> {
  const at = new Set(kindUses.filter((o) => !o.declaration).map((o) => `${o.file}#${o.span.start}`));
  const out = new Map<string, Occurrence>();
  for (const f of filesSpelling(s, name)) {
    const a = await s.analysis.analyze(f);
    for (const r of a?.program?.references ?? []) {
      const t = r.target;
      if (t.kind !== 'component' || t.node.type !== 'Block' || t.node.name || !at.has(`${t.file}#${t.nameSpan.start}`))
        continue;
      out.set(`${r.file}#${r.span.start}`, { file: r.file, span: r.span, declaration: false });
    }
  }
  return [...out.values()];
}

export async function references(
  s: PimServices,
  a: Analysis,
  offset: number,
  includeDeclaration: boolean,
): Promise<Location[]> {
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
