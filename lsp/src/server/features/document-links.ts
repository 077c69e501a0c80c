// Document links: every `import "x.pim"` is a link to the imported file (from the parse alone).
import { dirname, resolve } from 'node:path';
import type { DocumentLink } from 'vscode-languageserver';
import { pathToUri } from '../convert.js';
import type { PimDocument } from '../documents.js';

export function documentLinks(doc: PimDocument): DocumentLink[] {
  const out: DocumentLink[] = [];
  for (const item of doc.parse.ast.items) {
    if (item.type !== 'Import') continue;
    out.push({
      range: doc.range(item.path.span),
      target: pathToUri(resolve(dirname(doc.path), item.path.value)),
      tooltip: 'Open the imported file',
    });
  }
  return out;
}
