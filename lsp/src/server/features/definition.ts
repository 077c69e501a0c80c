// Go to definition: a name to its declaration (in whichever imported file), a block kind to its class,
// an import to the imported file.
import { dirname, resolve } from 'node:path';
import type { Location } from 'vscode-languageserver';
import type { Analysis } from '../analysis.js';
import { pathToUri } from '../convert.js';
import { nodesAt, referenceAt } from '../locate.js';
import { fallbackClasses } from '../catalogue.js';
import type { ClassInfo } from '../compiler-types.js';
import { astOf, classesOf, type PimServices } from '../services.js';

export function definition(s: PimServices, a: Analysis, offset: number): Location[] {
  const loc = (file: string, span: { start: number; end: number }): Location[] => {
    const doc = s.workspace.document(file);
    return doc ? [{ uri: doc.uri, range: doc.range(span) }] : [];
  };
  const ref = referenceAt(a, offset);
  if (ref) return loc(ref.target.file, ref.target.nameSpan);

  const path = nodesAt(astOf(a), offset);
  const inner = path[path.length - 1];
  const parent = path[path.length - 2];
  if (inner?.type === 'String' && parent?.type === 'Import') {
    const target = resolve(dirname(a.doc.path), inner.value);
    return s.workspace.document(target)
      ? [{ uri: pathToUri(target), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]
      : [];
  }
  const isKind = parent?.type === 'Block' && (parent.kind === inner || parent.base === inner);
  const isHead = parent?.type === 'Object' && parent.head === inner;
  if (inner?.type === 'Ident' && (isKind || isHead)) {
    // The compiler does not say where built-in classes live; the prelude sources do.
    const located = (c: ClassInfo | undefined): c is ClassInfo & { file: string } => !!c?.file && !!c.nameSpan;
    const cls = [classesOf(a).get(inner.name), fallbackClasses().get(inner.name)].find(located);
    if (cls) return loc(cls.file, cls.nameSpan!);
  }
  return [];
}
