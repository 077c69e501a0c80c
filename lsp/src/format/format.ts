// `formatPim`: the formatter as a function, for the CLI and the language server.
import { diag, parse, type Diagnostic, type ParseResult } from '@pim/grammar';
import { astDifference } from './ast-compare.js';
import plugin, { primeParse } from './plugin.js';

export interface FormatOptions {
  printWidth?: number;
  tabWidth?: number;
  useTabs?: boolean;
  /** Used in diagnostics. */
  filepath?: string;
}

export type FormatResult = { ok: true; text: string } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Formats a `.pim` text; a text with syntax errors is returned untouched as its diagnostics.
 * `parsed`, when given, must be the parse of `text` (the language server has it already).
 */
export async function formatPim(
  text: string,
  options: FormatOptions = {},
  parsed: ParseResult = parse(text, options.filepath ?? '<input>'),
): Promise<FormatResult> {
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return { ok: false, diagnostics: errors };
  // Prettier's standalone build: no file-system plugin lookup, and it bundles into the VS Code server.
  const prettier = await import('prettier/standalone');
  primeParse(text, parsed);
  const formatted = await prettier.format(text, {
    parser: 'pim',
    plugins: [plugin],
    printWidth: options.printWidth ?? 100,
    tabWidth: options.tabWidth ?? 2,
    useTabs: options.useTabs ?? false,
    filepath: options.filepath,
    // A file's line endings are kept (its first line break decides), in the editor and in `pimc fmt`.
    endOfLine: 'auto',
  });
  // As black's safe mode: the output must parse to the same tree, comments and doc comments included
  // (`architecture a /// d` + `{ chips: 2 }` once became chips's documentation), or nothing is changed.
  const file = options.filepath ?? '<input>';
  const reparsed = parse(formatted, file);
  const changed = reparsed.diagnostics.some((d) => d.severity === 'error')
    ? 'the output does not parse'
    : astDifference(parsed.ast, reparsed.ast);
  if (changed)
    return { ok: false, diagnostics: [diag('formattingChangesMeaning', file, { start: 0, end: 0 }, changed)] };
  return { ok: true, text: formatted };
}
