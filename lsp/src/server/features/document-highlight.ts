// Document highlight: the declaration (write) and every use (read) in this document of the name
// under the cursor, from the compiler's references — the same ones references and rename use.
import { DocumentHighlightKind, type DocumentHighlight } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import { sameSymbol, symbolAt } from '../locate.js';

export function documentHighlights(a: Analysis, offset: number): DocumentHighlight[] {
  const hit = symbolAt(a, offset);
  if (!hit) return [];
  const path = a.doc.path;
  const out: DocumentHighlight[] = [];
  const seen = new Set<number>();
  const add = (span: { start: number; end: number }, kind: DocumentHighlightKind): void => {
    if (seen.has(span.start)) return;
    seen.add(span.start);
    out.push({ range: a.doc.range(span), kind });
  };
  if (hit.symbol.file === path) add(hit.symbol.nameSpan, DocumentHighlightKind.Write);
  for (const r of a.program?.references ?? [])
    if (r.file === path && sameSymbol(r.target, hit.symbol)) add(r.span, DocumentHighlightKind.Read);
  return out.sort(
    (x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character,
  );
}
