// The Prettier 3 plugin for `.pim`: `prettier --plugin ./lsp/dist/format/plugin.js --write "**/*.pim"`.
import type { AstPath, Doc, Parser, Plugin, Printer, SupportLanguage } from 'prettier';
import { LineIndex, parse, type ParseResult, type PimFile } from '@pim/grammar';
import { printPimFile } from './printer.js';

/** The root handed to Prettier: the file, with comments under a name Prettier does not claim. */
export interface PimRoot {
  type: 'PimRoot';
  file: PimFile;
  text: string;
  span: { start: number; end: number };
}

/** A syntax error as Prettier reports it: message plus `loc` (1-based line, column). */
export class PimSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly loc: { start: { line: number; column: number } },
    readonly code: string,
  ) {
    super(message);
  }
}

/** The last parse handed in by `formatPim` (or made here), so one text is never parsed twice. */
let lastParse: { text: string; result: ParseResult } | undefined;

/** Lets a caller that already parsed `text` spare the plugin a second parse. */
export function primeParse(text: string, result: ParseResult): void {
  lastParse = { text, result };
}

function parsePim(text: string, options?: { filepath?: string }): PimRoot {
  const uri = options?.filepath ?? '<input>';
  const result = lastParse && lastParse.text === text ? lastParse.result : parse(text, uri);
  lastParse = undefined;
  const first = result.diagnostics.find((d) => d.severity === 'error');
  if (first) {
    const pos = new LineIndex(text).position(first.span.start);
    throw new PimSyntaxError(`${first.code}: ${first.message}`, { start: pos }, first.code);
  }
  // Prettier attaches whatever sits in `comments` of the root; the printer places them itself.
  return { type: 'PimRoot', file: result.ast, text, span: { start: 0, end: text.length } };
}

const locStart = (node: { span?: { start: number } }): number => node.span?.start ?? 0;
const locEnd = (node: { span?: { end: number } }): number => node.span?.end ?? 0;

export const languages: SupportLanguage[] = [
  { name: 'pim', parsers: ['pim'], extensions: ['.pim'], vscodeLanguageIds: ['pim'], linguistLanguageId: 0 },
];

export const parsers: Record<string, Parser<PimRoot>> = {
  pim: { parse: (text, options) => parsePim(text, options), astFormat: 'pim-ast', locStart, locEnd },
};

export const printers: Record<string, Printer<PimRoot>> = {
  'pim-ast': {
    print(path: AstPath<PimRoot>): Doc {
      const root = path.node;
      return printPimFile(root.text, root.file);
    },
    // The whole tree is printed in one call; Prettier need not walk it.
    getVisitorKeys: () => [],
  },
};

export const options = {};
export const defaultOptions = { printWidth: 100, tabWidth: 2 };

const plugin: Plugin<PimRoot> = { languages, parsers, printers, defaultOptions };
export default plugin;
