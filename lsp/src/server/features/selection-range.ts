// Selection range (expand / shrink selection): from the innermost syntax node at each position out
// to the file, skipping nodes with the same span as their child; a block's member list (the text
// between its braces) is one step between a member and the block.
import { nodePath, type Node, type Span } from '@pim/grammar';
import type { Position, SelectionRange } from 'vscode-languageserver';
import { membersOf } from '../../format/comments.js';
import type { PimDocument } from '../documents.js';

function spansAt(doc: PimDocument, offset: number): Span[] {
  const path: Node[] = nodePath(doc.parse.ast, offset);
  const spans: Span[] = [];
  for (const n of path) {
    const members = membersOf(n);
    if (members && members.length && n.type !== 'File') {
      const inner = { start: members[0]!.span.start, end: members[members.length - 1]!.span.end };
      if (inner.start <= offset && offset <= inner.end) spans.push(inner);
    }
    spans.push(n.span);
  }
  // Outermost first, as found; the order by size is what a selection range chain needs.
  spans.sort((x, y) => x.end - x.start - (y.end - y.start));
  return spans.filter((s, i) => i === 0 || s.start !== spans[i - 1]!.start || s.end !== spans[i - 1]!.end).reverse();
}

export function selectionRanges(doc: PimDocument, positions: Position[]): SelectionRange[] {
  return positions.map((p) => {
    const offset = doc.offsetAt(p);
    let range: SelectionRange | undefined;
    for (const span of spansAt(doc, offset))
      range = range ? { range: doc.range(span), parent: range } : { range: doc.range(span) };
    return range ?? { range: { start: p, end: p } };
  });
}
