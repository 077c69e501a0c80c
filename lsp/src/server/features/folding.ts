// Folding ranges from tokens (braces and brackets), comments, imports and `// #region` markers —
// token-based so a document that does not parse still folds.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { PimDocument } from '../documents.js';

export function foldingRanges(doc: PimDocument): FoldingRange[] {
  const out: FoldingRange[] = [];
  const line = (offset: number): number => doc.positionAt(offset).line;
  const lexed = { tokens: doc.parse.tokens };
  const stack: number[] = [];
  let lastImportStart = -1;
  let lastImportEnd = -1;
  for (const t of lexed.tokens) {
    const name = t.tokenType.name;
    if (name === 'LCurly' || name === 'LBracket') stack.push(t.startOffset);
    else if ((name === 'RCurly' || name === 'RBracket') && stack.length) {
      const open = stack.pop()!;
      const start = line(open);
      const end = line(t.startOffset) - 1;
      if (end > start) out.push({ startLine: start, endLine: end });
    }
    if (name === 'Import') {
      const l = line(t.startOffset);
      if (lastImportEnd >= 0 && l === lastImportEnd + 1) lastImportEnd = l;
      else {
        if (lastImportEnd > lastImportStart)
          out.push({ startLine: lastImportStart, endLine: lastImportEnd, kind: FoldingRangeKind.Imports });
        lastImportStart = lastImportEnd = l;
      }
    }
  }
  if (lastImportEnd > lastImportStart)
    out.push({ startLine: lastImportStart, endLine: lastImportEnd, kind: FoldingRangeKind.Imports });

  const comments = doc.parse.ast.comments;
  const regions: number[] = [];
  let runStart = -1;
  let runEnd = -1;
  const flushRun = (): void => {
    if (runEnd > runStart) out.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Comment });
    runStart = runEnd = -1;
  };
  for (const c of comments) {
    const l = line(c.span.start);
    if (/^\/\/\s*#region\b/.test(c.text)) {
      regions.push(l);
      continue;
    }
    if (/^\/\/\s*#endregion\b/.test(c.text)) {
      const s = regions.pop();
      if (s !== undefined && l > s) out.push({ startLine: s, endLine: l, kind: FoldingRangeKind.Region });
      continue;
    }
    if (c.kind === 'block') {
      flushRun();
      const e = line(c.span.end - 1);
      if (e > l) out.push({ startLine: l, endLine: e, kind: FoldingRangeKind.Comment });
      continue;
    }
    // Consecutive whole-line `//` comments fold together.
    const lineStart = doc.text.lastIndexOf('\n', c.span.start - 1) + 1;
    const alone = doc.text.slice(lineStart, c.span.start).trim() === '';
    if (alone && runEnd >= 0 && l === runEnd + 1) runEnd = l;
    else {
      flushRun();
      if (alone) runStart = runEnd = l;
    }
  }
  flushRun();
  return out;
}
