// Rename a declared name and all its uses, across imported and importing files.
import { isKeyword } from '@pim/grammar';
import { ResponseError, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import { symbolAt } from '../locate.js';
import type { PimServices } from '../services.js';
import { occurrences } from './references.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The part of a use that spells the name (a use may span a qualified path). */
function nameSpanWithin(text: string, span: { start: number; end: number }, name: string): { start: number; end: number } | undefined {
  const slice = text.slice(span.start, span.end);
  if (slice === name) return span;
  const re = new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`, 'g');
  let m: RegExpExecArray | null;
  let last: number | undefined;
  while ((m = re.exec(slice))) last = m.index;
  return last === undefined ? undefined : { start: span.start + last, end: span.start + last + name.length };
}

export function prepareRename(a: Analysis, offset: number): { range: Range; placeholder: string } | null {
  const hit = symbolAt(a, offset);
  if (!hit) return null;
  const span = nameSpanWithin(a.doc.text, hit.span, hit.symbol.name);
  if (!span) return null;
  return { range: a.doc.range(span), placeholder: hit.symbol.name };
}

export async function rename(s: PimServices, a: Analysis, offset: number, newName: string): Promise<WorkspaceEdit | null> {
  if (!IDENT.test(newName) || isKeyword(newName)) throw new ResponseError(-32602, `'${newName}' is not a valid name`);
  const hit = symbolAt(a, offset);
  if (!hit) return null;
  const changes: Record<string, TextEdit[]> = {};
  for (const o of await occurrences(s, hit.symbol)) {
    const doc = s.workspace.document(o.file);
    if (!doc) continue;
    const span = nameSpanWithin(doc.text, o.span, hit.symbol.name);
    if (!span) continue;
    (changes[doc.uri] ??= []).push({ range: doc.range(span), newText: newName });
  }
  return { changes };
}
