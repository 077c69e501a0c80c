// publishDiagnostics: after every change (debounced per document), the compiler's diagnostics for
// that file with their codes and related locations; the parser's alone when there is no compiler.
// Large files get the parser's at once (the compiler's previous ones carried along), then the compiler's.
import { dirname, resolve } from 'node:path';
import { LineIndex, type Diagnostic as PimDiagnostic, type PimFile, type Span } from '@pim/grammar';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import { pathToUri, toRange, uriToPath } from '../convert.js';
import { commonEnds } from '../incremental.js';
import type { PimServices } from '../services.js';

interface Entry {
  span: Span;
  /** From the parser: recomputed on every change, never carried over. */
  syntax: boolean;
  d: Diagnostic;
}

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
} as const;

/** The longest a document's check waits for its edits to pause. */
const MAX_QUIET_MS = 1000;

export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Bumped per schedule, so a slow run never publishes over a newer one. */
  private readonly tickets = new Map<string, number>();
  /** What was last published per document, with offsets, so it can follow the next edit. */
  private readonly published = new Map<string, { text: string; entries: Entry[] }>();

  constructor(private readonly s: PimServices) {}

  /**
   * Re-checks a document soon; repeated calls within the delay collapse into one run. The delay grows
   * with the document's size, up to a second: a check of a large file (seconds) holds the thread,
   * and edits typed meanwhile would each start another, one after the other (a burst of a thousand
   * edits to a 2.6 MB file kept the server busy for minutes and at 2.6 GB). A small file is checked at
   * once, as before.
   */
  schedule(uri: string): void {
    const old = this.timers.get(uri);
    if (old) clearTimeout(old);
    const ticket = (this.tickets.get(uri) ?? 0) + 1;
    this.tickets.set(uri, ticket);
    // About a millisecond of check per kilobyte: measured by the document's size, not by the clock (a
    // check's wall time also holds the other documents' checks).
    const quiet = Math.min(MAX_QUIET_MS, (this.s.workspace.document(uriToPath(uri))?.text.length ?? 0) / 1000);
    this.timers.set(
      uri,
      setTimeout(
        () => {
          this.timers.delete(uri);
          void this.publish(uri, ticket);
        },
        Math.max(this.s.settings.diagnosticsDelay, quiet),
      ),
    );
  }

  clear(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
    this.tickets.set(uri, (this.tickets.get(uri) ?? 0) + 1);
    this.published.delete(uri);
    void this.s.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private async publish(uri: string, ticket: number): Promise<void> {
    const path = uriToPath(uri);
    let entries: Entry[];
    let version: number | undefined;
    let text: string;
    try {
      const doc = this.s.workspace.document(path);
      if (!doc) return;
      // Phase one, for large files: the parser's diagnostics right away, with the compiler's previous
      // ones carried over where the edit did not reach; the compiler's fresh ones follow.
      const prev = this.published.get(uri);
      if (
        this.s.compiler.available &&
        prev &&
        prev.text !== doc.text &&
        doc.text.length >= this.s.settings.fastDiagnosticsThreshold
      ) {
        const fast = [
          ...doc.parse.diagnostics.map((d) => this.entry(d, doc.lineIndex, true)),
          ...this.carry(prev, doc.text, doc.lineIndex),
        ];
        if (this.tickets.get(uri) !== ticket) return;
        await this.s.connection.sendDiagnostics({ uri, version: doc.version, diagnostics: fast.map((e) => e.d) });
        this.published.set(uri, { text: doc.text, entries: fast });
        // Let the notification leave before the compiler takes the thread.
        await new Promise((r) => setImmediate(r));
        if (this.tickets.get(uri) !== ticket) return;
      }
      const a = await this.s.analysis.analyze(path);
      if (!a) return;
      version = a.doc.version;
      text = a.doc.text;
      const index = a.doc.lineIndex;
      const own = a.program ? a.program.diagnostics.filter((d) => d.uri === a.doc.path) : a.doc.parse.diagnostics;
      entries = own.map((d) => this.entry(d, index, d.code.startsWith('PIM1')));
      if (a.program) entries.push(...this.fromImports(a.doc.path, a.doc.parse.ast, a.program.diagnostics, index));
      if (this.s.compiler.lastError) {
        this.s.connection.console.error(`pim: the compiler failed: ${this.s.compiler.lastError}`);
        this.s.compiler.lastError = undefined;
        // The parse still stands: show its diagnostics rather than nothing.
        if (!a.program) entries = a.doc.parse.diagnostics.map((d) => this.entry(d, index, true));
      }
    } catch (e) {
      this.s.connection.console.error(`pim: diagnostics failed for ${uri}: ${(e as Error).stack ?? e}`);
      return;
    }
    if (this.tickets.get(uri) !== ticket) return;
    this.published.set(uri, { text, entries });
    await this.s.connection.sendDiagnostics({ uri, version, diagnostics: entries.map((e) => e.d) });
  }

  /** Earlier non-syntax diagnostics that lie wholly before or after the edit, moved with the text. */
  private carry(prev: { text: string; entries: Entry[] }, text: string, index: LineIndex): Entry[] {
    const { prefix, suffix } = commonEnds(prev.text, text);
    const oldEnd = prev.text.length - suffix;
    const delta = text.length - prev.text.length;
    const out: Entry[] = [];
    for (const e of prev.entries) {
      if (e.syntax) continue;
      let span: Span | undefined;
      if (e.span.end <= prefix) span = e.span;
      else if (e.span.start >= oldEnd) span = { start: e.span.start + delta, end: e.span.end + delta };
      if (span) out.push({ span, syntax: false, d: { ...e.d, range: toRange(index, span) } });
    }
    return out;
  }

  private entry(d: PimDiagnostic, index: LineIndex, syntax: boolean): Entry {
    return { span: d.span, syntax, d: this.convert(d, index) };
  }

  /**
   * Problems this file causes or meets elsewhere: a diagnostic in an imported file whose related
   * location is here (a name this file defines again) is shown here too; an imported file with errors
   * marks its `import`.
   */
  private fromImports(path: string, ast: PimFile, all: PimDiagnostic[], index: LineIndex): Entry[] {
    const out: Entry[] = [];
    for (const d of all) {
      if (d.uri === path) continue;
      const here = d.related?.find((r) => r.uri === path);
      if (!here) continue;
      out.push(
        this.entry(
          { ...d, uri: path, span: here.span, related: [{ uri: d.uri, span: d.span, message: 'reported here' }] },
          index,
          false,
        ),
      );
    }
    for (const item of ast.items) {
      if (item.type !== 'Import') continue;
      const target = resolve(dirname(path), item.path.value);
      // A file importing itself has its own errors shown already (the cycle among them).
      if (target === path) continue;
      const errors = all.filter((d) => d.uri === target && d.severity === 'error');
      if (errors.length === 0) continue;
      const first = errors[0]!;
      out.push({
        span: item.path.span,
        syntax: false,
        d: {
          range: toRange(index, item.path.span),
          severity: DiagnosticSeverity.Error,
          code: first.code,
          source: 'pim',
          message: `imported file '${item.path.value}' has ${errors.length} error${errors.length === 1 ? '' : 's'}; the first: ${first.message}`,
          relatedInformation: errors.slice(0, 10).map((e) => this.related(e.uri, e.span, e.message)),
        },
      });
    }
    return out;
  }

  private related(uri: string, span: { start: number; end: number }, message: string): DiagnosticRelatedInformation {
    const doc = this.s.workspace.document(uri);
    const idx = doc?.lineIndex ?? new LineIndex('');
    return { location: { uri: pathToUri(uri), range: toRange(idx, span) }, message };
  }

  private convert(d: PimDiagnostic, index: LineIndex): Diagnostic {
    const out: Diagnostic = {
      range: toRange(index, d.span),
      severity: SEVERITY[d.severity],
      code: d.code,
      source: 'pim',
      message: d.message,
    };
    if (d.data) out.data = d.data;
    if (d.related?.length) {
      out.relatedInformation = d.related.map((r) => this.related(r.uri, r.span, r.message));
    }
    return out;
  }
}
