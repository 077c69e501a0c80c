// What is under the cursor: the innermost node, and the symbol it names or declares.
import { nodePath, type Node, type PimFile } from '@pim/grammar';
import type { Analysis } from './analysis.js';
import type { PimSymbol, Reference } from './compiler-types.js';
import { astOf } from './services.js';

export function nodesAt(ast: PimFile, offset: number): Node[] {
  return nodePath(ast, offset);
}

/** A reference in this file whose span holds the offset. */
export function referenceAt(a: Analysis, offset: number): Reference | undefined {
  let best: Reference | undefined;
  for (const r of a.program?.references ?? []) {
    if (r.file !== a.doc.path || offset < r.span.start || offset > r.span.end) continue;
    if (!best || r.span.end - r.span.start < best.span.end - best.span.start) best = r;
  }
  return best;
}

/** A symbol declared in this file whose name holds the offset. */
export function declarationAt(a: Analysis, offset: number): PimSymbol | undefined {
  const p = a.program;
  if (!p) return undefined;
  for (const table of [p.symbols, p.nested]) {
    for (const s of table.values()) {
      if (s.file === a.doc.path && offset >= s.nameSpan.start && offset <= s.nameSpan.end) return s;
    }
  }
  return undefined;
}

/** The symbol under the cursor, whether the cursor is on a use or on the declaration. */
export function symbolAt(
  a: Analysis,
  offset: number,
): { symbol: PimSymbol; span: { start: number; end: number } } | undefined {
  const r = referenceAt(a, offset);
  if (r) return { symbol: r.target, span: r.span };
  const d = declarationAt(a, offset);
  if (d) return { symbol: d, span: d.nameSpan };
  return undefined;
}

export function sameSymbol(x: PimSymbol, y: PimSymbol): boolean {
  return x.file === y.file && x.nameSpan.start === y.nameSpan.start && x.name === y.name;
}

export { astOf };
