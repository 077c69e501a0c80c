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

/** A place in the workspace, as a key: a file and an offset in it. */
const placeKey = (file: string, span: { start: number }): string => `${file}#${span.start}`;

/**
 * Workspace files (and `more`) that spell one of the names, with the indexes of the names each spells:
 * only they can use a name (their imports are compiled with them anyway).
 */
export function filesSpelling(s: PimServices, names: string[], more: string[] = []): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const f of new Set([...s.workspace.files(), ...more])) {
    const text = s.workspace.document(f)?.text;
    if (text === undefined) continue;
    // One pass over the words of the file, not one search of it per name: a file declaring 100,000
    // constants asked for its code lenses took 34 s, and the server answered nothing else meanwhile.
    const words = new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g));
    const spelled = new Set(names.flatMap((name, i) => (words.has(name) ? [i] : [])));
    if (spelled.size > 0) out.set(f, spelled);
  }
  return out;
}

/** The declaration and every use of a symbol in the workspace, deduplicated, in file order. */
export async function occurrences(s: PimServices, symbol: PimSymbol): Promise<Occurrence[]> {
  return (await occurrencesOfEach(s, [symbol]))[0]!;
}

/**
 * `occurrences` of several symbols at once (in their order): a workspace file that spells several of
 * the names is analyzed once and its references read once, not once per symbol.
 */
export async function occurrencesOfEach(s: PimServices, symbols: PimSymbol[]): Promise<Occurrence[][]> {
  const found = symbols.map(() => new Map<string, Occurrence>());
  const add = (i: number, o: Occurrence): void => {
    const k = placeKey(o.file, o.span);
    if (!found[i]!.has(k)) found[i]!.set(k, o);
  };
  /** Indexes of the symbols declared at a place: a reference's target is looked up, not compared with each. */
  const declaredAt = new Map<string, number[]>();
  symbols.forEach((sym, i) => {
    add(i, { file: sym.file, span: sym.nameSpan, declaration: true });
    const k = placeKey(sym.file, sym.nameSpan);
    declaredAt.set(k, [...(declaredAt.get(k) ?? []), i]);
  });
  const names = symbols.map((sym) => sym.name);
  for (const [f, spelled] of filesSpelling(
    s,
    names,
    symbols.map((sym) => sym.file),
  )) {
    const a = await s.analysis.analyze(f);
    for (const r of a?.program?.references ?? [])
      for (const i of declaredAt.get(placeKey(r.target.file, r.target.nameSpan)) ?? [])
        if (spelled.has(i) && sameSymbol(r.target, symbols[i]!))
          add(i, { file: r.file, span: r.span, declaration: false });
  }
  return found.map((m) =>
    [...m.values()].sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.span.start - y.span.start)),
  );
}

/**
 * Uses of nested blocks without a name whose kind is one of `kindUses` (a class's uses as a block
 * kind): such a block is named by its kind, so a path through it spells the class's name.
 */
export async function usesOfUnnamedBlocks(s: PimServices, name: string, kindUses: Occurrence[]): Promise<Occurrence[]> {
  const at = new Set(kindUses.filter((o) => !o.declaration).map((o) => placeKey(o.file, o.span)));
  const out = new Map<string, Occurrence>();
  for (const f of filesSpelling(s, [name]).keys()) {
    const a = await s.analysis.analyze(f);
    for (const r of a?.program?.references ?? []) {
      const t = r.target;
      if (t.kind !== 'component' || t.node.type !== 'Block' || t.node.name || !at.has(placeKey(t.file, t.nameSpan)))
        continue;
      out.set(placeKey(r.file, r.span), { file: r.file, span: r.span, declaration: false });
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
