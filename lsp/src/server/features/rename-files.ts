// workspace/willRenameFiles: when `.pim` files or folders are renamed or moved, the `import "…"`
// paths that reach them are rewritten, and so are the relative imports written in the moved files
// themselves (their base directory changes). Imports keep their written style: `./` when they had it.
import { dirname, relative, resolve, sep } from 'node:path';
import type { FileRename, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { uriToPath } from '../convert.js';
import type { PimServices } from '../services.js';

/** Where a path ends up after the renames (a file renamed itself, or inside a renamed folder). */
function moved(path: string, renames: { from: string; to: string }[]): string {
  for (const r of renames) {
    if (path === r.from) return r.to;
    if (path.startsWith(r.from + sep)) return r.to + path.slice(r.from.length);
  }
  return path;
}

function importText(fromDir: string, target: string, written: string): string {
  let rel = relative(fromDir, target).split(sep).join('/');
  if (!rel.startsWith('.') && (written.startsWith('./') || written.startsWith('../'))) rel = `./${rel}`;
  return rel;
}

export function willRenameFiles(s: PimServices, files: FileRename[]): WorkspaceEdit {
  const renames = files.map((f) => ({ from: uriToPath(f.oldUri), to: uriToPath(f.newUri) }));
  const changes: Record<string, TextEdit[]> = {};
  for (const path of s.workspace.files()) {
    const doc = s.workspace.document(path);
    if (!doc) continue;
    const newDir = dirname(moved(path, renames));
    for (const item of doc.parse.ast.items) {
      if (item.type !== 'Import') continue;
      const written = item.path.value;
      const target = resolve(dirname(path), written);
      const newTarget = moved(target, renames);
      if (newTarget === target && newDir === dirname(path)) continue;
      const text = importText(newDir, newTarget, written);
      if (text === written) continue;
      // The edit goes to the file under its current name: the client applies it before the rename.
      (changes[doc.uri] ??= []).push({ range: doc.range(item.path.span), newText: JSON.stringify(text) });
    }
  }
  return { changes };
}
