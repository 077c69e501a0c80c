// publishDiagnostics: after every change (debounced per document), the compiler's diagnostics for
// that file with their codes and related locations; the parser's alone when there is no compiler.
import { dirname, resolve } from 'node:path';
import { LineIndex, type Diagnostic as PimDiagnostic, type PimFile } from '@pim/grammar';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import { pathToUri, toRange, uriToPath } from '../convert.js';
import type { PimServices } from '../services.js';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Bumped per schedule, so a slow run never publishes over a newer one. */
  private readonly tickets = new Map<string, number>();

  constructor(private readonly s: PimServices) {}

  /** Re-checks a document soon; repeated calls within the delay collapse into one run. */
  schedule(uri: string): void {
    const old = this.timers.get(uri);
    if (old) clearTimeout(old);
    const ticket = (this.tickets.get(uri) ?? 0) + 1;
    this.tickets.set(uri, ticket);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.publish(uri, ticket);
      }, this.s.settings.diagnosticsDelay),
    );
  }

  clear(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
    this.tickets.set(uri, (this.tickets.get(uri) ?? 0) + 1);
    void this.s.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private async publish(uri: string, ticket: number): Promise<void> {
    let diagnostics: Diagnostic[];
    let version: number | undefined;
    try {
      const a = await this.s.analysis.analyze(uriToPath(uri));
      if (!a) return;
      version = a.doc.version;
      const own = a.program ? a.program.diagnostics.filter((d) => d.uri === a.doc.path) : a.doc.parse.diagnostics;
      diagnostics = own.map((d) => this.convert(d, a.doc.lineIndex));
      if (a.program) diagnostics.push(...this.fromImports(a.doc.path, a.doc.parse.ast, a.program.diagnostics, a.doc.lineIndex));
      if (this.s.compiler.lastError) {
        this.s.connection.console.error(`pim: the compiler failed: ${this.s.compiler.lastError}`);
        this.s.compiler.lastError = undefined;
        // The parse still stands: show its diagnostics rather than nothing.
        if (!a.program) diagnostics = a.doc.parse.diagnostics.map((d) => this.convert(d, a.doc.lineIndex));
      }
    } catch (e) {
      this.s.connection.console.error(`pim: diagnostics failed for ${uri}: ${(e as Error).stack ?? e}`);
      return;
    }
    if (this.tickets.get(uri) !== ticket) return;
    await this.s.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  /**
   * Problems this file causes or meets elsewhere: a diagnostic in an imported file whose related
   * location is here (a name this file defines again) is shown here too; an imported file with errors
   * marks its `import`.
   */
  private fromImports(path: string, ast: PimFile, all: PimDiagnostic[], index: LineIndex): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const d of all) {
      if (d.uri === path) continue;
      const here = d.related?.find((r) => r.uri === path);
      if (!here) continue;
      const converted = this.convert({ ...d, uri: path, span: here.span, related: [{ uri: d.uri, span: d.span, message: 'reported here' }] }, index);
      out.push(converted);
    }
    for (const item of ast.items) {
      if (item.type !== 'Import') continue;
      const target = resolve(dirname(path), item.path.value);
      const errors = all.filter((d) => d.uri === target && d.severity === 'error');
      if (errors.length === 0) continue;
      const first = errors[0]!;
      out.push({
        range: toRange(index, item.path.span),
        severity: DiagnosticSeverity.Error,
        code: first.code,
        source: 'pim',
        message: `imported file '${item.path.value}' has ${errors.length} error${errors.length === 1 ? '' : 's'}; the first: ${first.message}`,
        relatedInformation: errors.slice(0, 10).map((e) => this.related(e.uri, e.span, e.message)),
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
