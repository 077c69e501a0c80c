// Range formatting: the top-level declarations the range touches are formatted, the rest of the file
// is left as written. The whole file goes through the formatter (a declaration's layout may depend on
// its comments and indentation rules only), and since formatting keeps the syntax tree, the i-th
// declaration of the output is the i-th of the input: its formatted text replaces the original's.
import { parse } from '@pim/grammar';
import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver';
import { formatPim } from '../../format/format.js';
import type { PimDocument } from '../documents.js';
import { indentOptions, warnRefused } from './formatting.js';

export async function formatRange(
  doc: PimDocument,
  range: Range,
  options: FormattingOptions,
  printWidth: number,
  warn?: (message: string) => void,
): Promise<TextEdit[]> {
  const result = await formatPim(doc.text, { ...indentOptions(options), printWidth, filepath: doc.path }, doc.parse);
  if (!result.ok) warnRefused(result.diagnostics, warn);
  if (!result.ok || result.text === doc.text) return [];
  const from = doc.offsetAt(range.start);
  const to = doc.offsetAt(range.end);
  const items = doc.parse.ast.items;
  const formatted = parse(result.text, doc.path, { tokens: false }).ast.items;
  if (formatted.length !== items.length) return [];
  let first = -1;
  let last = -1;
  items.forEach((item, i) => {
    if (item.span.start <= to && item.span.end >= from) {
      if (first < 0) first = i;
      last = i;
    }
  });
  if (first < 0) return [];
  const start = items[first]!.span.start;
  const end = items[last]!.span.end;
  const newText = result.text.slice(formatted[first]!.span.start, formatted[last]!.span.end);
  if (newText === doc.text.slice(start, end)) return [];
  return [{ range: { start: doc.positionAt(start), end: doc.positionAt(end) }, newText }];
}
