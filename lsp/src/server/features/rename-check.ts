// A rename must not change what a program means. A new name can be captured where a use is written: in
// `crossbar { rows: K, cols: 32 }`, renaming the constant K to `cols` makes `rows: cols` read the
// sibling attribute (32, not 64), and the program still compiles. So the edits are applied in memory,
// each edited file's program compiled again, and the rename refused unless every use the compiler had
// resolved to the symbol still resolves to it under its new name, nothing else now resolves to it, and
// no new error appears (the same check rust-analyzer makes by resolving the new name at each use).
import { ResponseError, type TextEdit } from 'vscode-languageserver';
import type { PimSymbol, Program, Reference } from '../compiler-types.js';
import type { PimDocument } from '../documents.js';
import type { PimServices } from '../services.js';
import { filesSpelling } from './references.js';

type Span = { start: number; end: number };

/** The edits of one file as offsets, in the order of the text (edits do not overlap). */
function offsetsOf(doc: PimDocument, edits: readonly TextEdit[]): (Span & { text: string })[] {
  return edits
    .map((e) => ({ start: doc.offsetAt(e.range.start), end: doc.offsetAt(e.range.end), text: e.newText }))
    .sort((x, y) => x.start - y.start);
}

/** Each edit's old span and where its new text lands. */
function movedSpans(doc: PimDocument, edits: readonly TextEdit[]): { old: Span; now: Span }[] {
  let shift = 0;
  return offsetsOf(doc, edits).map((e) => {
    const start = e.start + shift;
    shift += e.text.length - (e.end - e.start);
    return { old: { start: e.start, end: e.end }, now: { start, end: start + e.text.length } };
  });
}

/** The document's text with the edits made. */
function applied(doc: PimDocument, edits: readonly TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of offsetsOf(doc, edits)) {
    out += doc.text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + doc.text.slice(at);
}

const errors = (p: Program | undefined) => p?.diagnostics.filter((d) => d.severity === 'error') ?? [];
const covers = (r: Reference, file: string, s: Span) =>
  r.file === file && r.span.start <= s.start && r.span.end >= s.end;

/**
 * The edited files, and the workspace files that spell the new name (one importing an edited file may
 * declare it too: two definitions).
 */
function filesToCheck(s: PimServices, edited: ReadonlyMap<string, unknown>, newName: string): Set<string> {
  return new Set([...edited.keys(), ...filesSpelling(s, [newName]).keys()]);
}

/** Throws a ResponseError when the rename would change a program's meaning or make it fail. */
export async function checkRenameKeepsMeaning(
  s: PimServices,
  sym: PimSymbol,
  newName: string,
  edited: ReadonlyMap<string, { doc: PimDocument; edits: TextEdit[] }>,
): Promise<void> {
  if (!s.compiler.available) return;
  const overlay = new Map([...edited].map(([path, e]) => [path, applied(e.doc, e.edits)]));
  const host = { readFile: (p: string) => overlay.get(p) ?? s.workspace.host.readFile(p) };
  // The symbol by its identity: kind, file and qualified name (another `tile u` elsewhere is not it).
  const renamed = sym.container ? `${sym.container}.${newName}` : newName;
  const is = (t: PimSymbol, qualified: string) =>
    t.kind === sym.kind && t.file === sym.file && t.qualifiedName === qualified;
  for (const entry of filesToCheck(s, edited, newName)) {
    const before = await s.compiler.compile(entry, { host: s.workspace.host, cache: s.analysis.sourceCache });
    const after = await s.compiler.compile(entry, { host, cache: new Map() });
    if (!before || !after) continue;
    const fresh = errors(after).length > errors(before).length ? errors(after)[0] : undefined;
    if (fresh) throw new ResponseError(-32602, `renaming to '${newName}' would not compile: ${fresh.message}`);
    // Uses the compiler resolved to the symbol, where they are after the edits (a name inserted where
    // there was none, to a block named by its kind, was no use of anything).
    const uses: { file: string; now: Span }[] = [];
    for (const [path, e] of edited)
      for (const m of movedSpans(e.doc, e.edits))
        if (
          m.old.end > m.old.start &&
          before.references.some((r) => covers(r, path, m.old) && is(r.target, sym.qualifiedName))
        )
          uses.push({ file: path, now: m.now });
    const lost = uses.find((u) => !after.references.some((r) => covers(r, u.file, u.now) && is(r.target, renamed)));
    const gained = after.references.find((r) => is(r.target, renamed) && !uses.some((u) => covers(r, u.file, u.now)));
    if (lost || gained) {
      const at = lost ?? { file: gained!.file, now: gained!.span };
      const doc = s.workspace.document(at.file);
      const line = doc ? doc.positionAt(at.now.start).line + 1 : 0;
      throw new ResponseError(
        -32602,
        `'${newName}' would mean something else at ${at.file.split('/').pop()}:${line}: the rename would change the program`,
      );
    }
  }
}
