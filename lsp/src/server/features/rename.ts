// Rename a declared name and all its uses, across imported and importing files. Two cases need more
// than replacing the name where it is written:
// - a nested block without a name (`ima[12] { … }`) is named by its kind; renaming it gives it a name
//   (`ima tile_ima[12]`) instead of changing its kind;
// - a class used as the kind of such a block also names it, so renaming the class renames the paths
//   that reach it (`vary chip.t.sense_amp.bias`) with it.
import { isKeyword } from '@pim/grammar';
import { ResponseError, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import type { PimSymbol } from '../compiler-types.js';
import { symbolAt } from '../locate.js';
import type { PimServices } from '../services.js';
import type { PimDocument } from '../documents.js';
import { checkRenameKeepsMeaning } from './rename-check.js';
import { occurrences, usesOfUnnamedBlocks, type Occurrence } from './references.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The part of a use that spells the name (a use may span a qualified path). */
function nameSpanWithin(
  text: string,
  span: { start: number; end: number },
  name: string,
): { start: number; end: number } | undefined {
  const slice = text.slice(span.start, span.end);
  if (slice === name) return span;
  const re = new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`, 'g');
  let m: RegExpExecArray | null;
  let last: number | undefined;
  while ((m = re.exec(slice))) last = m.index;
  return last === undefined ? undefined : { start: span.start + last, end: span.start + last + name.length };
}

/** A nested block without a name: its kind stands for its name. */
function namedByKind(sym: PimSymbol): boolean {
  return sym.node.type === 'Block' && !sym.node.name && sym.node.kind.span.start === sym.nameSpan.start;
}

export function prepareRename(a: Analysis, offset: number): { range: Range; placeholder: string } | null {
  const hit = symbolAt(a, offset);
  if (!hit) return null;
  const span = nameSpanWithin(a.doc.text, hit.span, hit.symbol.name);
  if (!span) return null;
  return { range: a.doc.range(span), placeholder: hit.symbol.name };
}

/** Refuses a new name that is no identifier, a keyword, or already taken where the symbol lives. */
function checkNewName(a: Analysis, sym: PimSymbol, newName: string): void {
  if (!IDENT.test(newName) || isKeyword(newName)) throw new ResponseError(-32602, `'${newName}' is not a valid name`);
  if (newName === sym.name) return;
  const p = a.program;
  const taken = sym.container ? p?.nested.get(`${sym.container}.${newName}`) : p?.symbols.get(newName);
  if (sym.kind === 'class' && p?.classes.get(newName)?.builtin)
    throw new ResponseError(-32602, `'${newName}' is a built-in class`);
  if (taken) throw new ResponseError(-32602, `'${newName}' is already declared (${taken.kind} ${taken.qualifiedName})`);
}

export async function rename(
  s: PimServices,
  a: Analysis,
  offset: number,
  newName: string,
): Promise<WorkspaceEdit | null> {
  const hit = symbolAt(a, offset);
  if (!hit) return null;
  checkNewName(a, hit.symbol, newName);
  const sym = hit.symbol;
  const edited = new Map<string, { doc: PimDocument; edits: TextEdit[] }>();
  const add = (doc: PimDocument, e: TextEdit) => {
    const at = edited.get(doc.path) ?? { doc, edits: [] };
    at.edits.push(e);
    edited.set(doc.path, at);
  };
  const edit = (o: Occurrence, name: string): void => {
    const doc = s.workspace.document(o.file);
    if (!doc) return;
    if (o.declaration && namedByKind(sym)) {
      // Give the block a name rather than change its kind.
      const at = doc.positionAt(o.span.end);
      add(doc, { range: { start: at, end: at }, newText: ` ${newName}` });
      return;
    }
    const span = nameSpanWithin(doc.text, o.span, name);
    if (span) add(doc, { range: doc.range(span), newText: newName });
  };
  const all = await occurrences(s, sym);
  for (const o of all) edit(o, sym.name);
  if (sym.kind === 'class') for (const o of await usesOfUnnamedBlocks(s, sym.name, all)) edit(o, sym.name);
  if (newName !== sym.name) await checkRenameKeepsMeaning(s, sym, newName, edited);
  return { changes: Object.fromEntries([...edited.values()].map((e) => [e.doc.uri, e.edits])) };
}
