// Document formatting through the Prettier plugin; a document with syntax errors is left alone.
import type { Diagnostic } from '@pim/grammar';
import type { FormattingOptions, TextEdit } from 'vscode-languageserver';
import { formatPim } from '../../format/format.js';
import type { PimDocument } from '../documents.js';

/** The widest indentation a client may ask for: `tabSize: 1e8` made a 446 MB edit, then ran out of memory. */
const MAX_TAB_SIZE = 16;

/** Prettier's indentation options from the client's, the width clamped to 1 … MAX_TAB_SIZE. */
export function indentOptions(options: FormattingOptions): { tabWidth: number; useTabs: boolean } {
  const size = Number.isFinite(options.tabSize) ? Math.round(options.tabSize) : 2;
  return { tabWidth: Math.min(MAX_TAB_SIZE, Math.max(1, size)), useTabs: !options.insertSpaces };
}

/**
 * A refusal that is not the file's syntax errors (those are on screen already) reaches the user: an
 * empty edit alone would look like formatting that did nothing.
 */
export function warnRefused(diagnostics: readonly Diagnostic[], warn: ((message: string) => void) | undefined): void {
  const d = diagnostics.find((x) => !x.code.startsWith('PIM1'));
  if (d && warn) warn(`pim: ${d.code}: ${d.message}`);
}

export async function formatDocument(
  doc: PimDocument,
  options: FormattingOptions,
  printWidth: number,
  warn?: (message: string) => void,
): Promise<TextEdit[]> {
  const result = await formatPim(doc.text, { ...indentOptions(options), printWidth, filepath: doc.path }, doc.parse);
  if (!result.ok) warnRefused(result.diagnostics, warn);
  if (!result.ok || result.text === doc.text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.text.length) }, newText: result.text }];
}
