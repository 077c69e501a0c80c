// Document formatting through the Prettier plugin; a document with syntax errors is left alone.
import type { FormattingOptions, TextEdit } from 'vscode-languageserver';
import { formatPim } from '../../format/format.js';
import type { PimDocument } from '../documents.js';

export async function formatDocument(
  doc: PimDocument,
  options: FormattingOptions,
  printWidth: number,
): Promise<TextEdit[]> {
  const result = await formatPim(
    doc.text,
    {
      tabWidth: options.tabSize,
      useTabs: !options.insertSpaces,
      printWidth,
      filepath: doc.path,
    },
    doc.parse,
  );
  if (!result.ok || result.text === doc.text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.text.length) }, newText: result.text }];
}
