// The language server: document lifecycle, then one handler per feature. Every handler is guarded:
// an exception is logged and answered with an empty result, never a crash.
import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisService } from './analysis.js';
import { CompilerService } from './compiler-service.js';
import { uriToPath } from './convert.js';
import { PimDocument } from './documents.js';
import { codeActions } from './features/code-actions.js';
import { codeLenses } from './features/code-lens.js';
import { completion } from './features/completion.js';
import { definition } from './features/definition.js';
import { DiagnosticsPublisher } from './features/diagnostics.js';
import { documentHighlights } from './features/document-highlight.js';
import { documentLinks } from './features/document-links.js';
import { documentSymbols } from './features/document-symbols.js';
import { foldingRanges } from './features/folding.js';
import { formatDocument } from './features/formatting.js';
import { hover } from './features/hover.js';
import { withPeakTemperature } from './features/hover-temperature.js';
import { inlayHints } from './features/inlay-hints.js';
import { references } from './features/references.js';
import { formatRange } from './features/range-formatting.js';
import { prepareRename, rename } from './features/rename.js';
import { willRenameFiles } from './features/rename-files.js';
import { selectionRanges } from './features/selection-range.js';
import { signatureHelp } from './features/signature-help.js';
import { prepareTypeHierarchy, subtypes, supertypes } from './features/type-hierarchy.js';
import { legend, semanticTokens } from './features/semantic-tokens.js';
import { workspaceSymbols } from './features/workspace-symbols.js';
import type { PimServices, Settings } from './services.js';
import { Workspace } from './workspace.js';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let services: PimServices | undefined;
  let diagnostics: DiagnosticsPublisher | undefined;
  let watchRegistration = false;
  let pullConfiguration = false;

  /** The print width for a document: the client's `pim.format.printWidth` when it answers, else the start-up value. */
  const printWidthFor = async (uri: string, fallback: number): Promise<number> => {
    if (!pullConfiguration) return fallback;
    try {
      const cfg = (await connection.workspace.getConfiguration({ scopeUri: uri, section: 'pim.format' })) as {
        printWidth?: unknown;
      } | null;
      return typeof cfg?.printWidth === 'number' && cfg.printWidth > 0 ? cfg.printWidth : fallback;
    } catch {
      return fallback;
    }
  };

  /** Runs a handler; on any exception logs it and returns the fallback. */
  const guard = <T>(name: string, fallback: T, fn: () => T | Promise<T>): Promise<T> =>
    Promise.resolve()
      .then(fn)
      .catch((e: unknown) => {
        // A refused rename is an answer, not a failure.
        if (e && typeof e === 'object' && 'code' in e && (e as { code: unknown }).code === -32602) throw e;
        connection.console.error(`pim: ${name} failed: ${(e as Error)?.stack ?? String(e)}`);
        return fallback;
      });

  /** Waits for the compiler (hover, navigation, hints). */
  const analysisFor = async (uri: string) => (services ? services.analysis.analyze(uriToPath(uri)) : undefined);
  /** Never waits for the compiler (completion, tokens, outline, folding, formatting). */
  const quickFor = (uri: string) => services?.analysis.quick(uriToPath(uri));

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    const roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (roots.length === 0 && params.rootUri) roots.push(uriToPath(params.rootUri));
    const init = (params.initializationOptions ?? {}) as Partial<Settings>;
    const settings: Settings = {
      printWidth: typeof init.printWidth === 'number' ? init.printWidth : 100,
      // No added quiet time by default: a check takes tens of milliseconds even on a 5,000-line file, and
      // the publisher's tickets drop results a newer change has overtaken.
      diagnosticsDelay: typeof init.diagnosticsDelay === 'number' ? init.diagnosticsDelay : 0,
      fastDiagnosticsThreshold:
        typeof init.fastDiagnosticsThreshold === 'number' ? init.fastDiagnosticsThreshold : 20000,
    };
    const workspace = new Workspace(roots);
    const compiler = await CompilerService.create();
    services = { connection, workspace, compiler, settings, analysis: new AnalysisService(workspace, compiler) };
    diagnostics = new DiagnosticsPublisher(services);
    watchRegistration = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    pullConfiguration = !!params.capabilities.workspace?.configuration;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        completionProvider: { triggerCharacters: [':', ' ', '.'] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        semanticTokensProvider: { legend, full: true },
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        inlayHintProvider: true,
        foldingRangeProvider: true,
        documentLinkProvider: { resolveProvider: false },
        documentHighlightProvider: true,
        signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [' '] },
        documentRangeFormattingProvider: true,
        selectionRangeProvider: true,
        typeHierarchyProvider: true,
        codeLensProvider: { resolveProvider: false },
        workspace: {
          fileOperations: {
            willRename: {
              filters: [
                { pattern: { glob: '**/*.pim', matches: 'file' } },
                { pattern: { glob: '**', matches: 'folder' } },
              ],
            },
          },
        },
      },
      serverInfo: { name: 'pim-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    services?.workspace.scan();
    if (watchRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.pim' }],
      });
    }
  });

  // ── document lifecycle ─────────────────────────────────────────────────────
  const changed = (doc: TextDocument): void => {
    if (!services || !diagnostics) return;
    const path = uriToPath(doc.uri);
    const previous = services.workspace.isOpen(path) ? services.workspace.document(path) : undefined;
    const pim = new PimDocument(doc.uri, path, doc.version, doc.getText(), previous);
    services.workspace.setOpen(pim);
    services.analysis.invalidate();
    diagnostics.schedule(doc.uri);
    // Files that import this one may gain or lose errors.
    for (const dep of services.analysis.dependents(pim.path)) {
      const open = services.workspace.openDocuments().find((d) => d.path === dep);
      if (open) diagnostics.schedule(open.uri);
    }
  };
  documents.onDidOpen((e) => changed(e.document));
  documents.onDidChangeContent((e) => changed(e.document));
  documents.onDidClose((e) => {
    if (!services || !diagnostics) return;
    services.workspace.close(uriToPath(e.document.uri));
    services.analysis.invalidate();
    diagnostics.clear(e.document.uri);
  });
  connection.onDidChangeWatchedFiles((p) => {
    if (!services || !diagnostics) return;
    for (const c of p.changes) services.workspace.fileChanged(uriToPath(c.uri), c.type === FileChangeType.Deleted);
    services.analysis.invalidate();
    for (const d of services.workspace.openDocuments()) diagnostics.schedule(d.uri);
  });

  // ── features ───────────────────────────────────────────────────────────────
  connection.onCompletion((p) =>
    guard('completion', null, () => {
      const a = quickFor(p.textDocument.uri);
      return a && services ? completion(services, a, a.doc.offsetAt(p.position)) : null;
    }),
  );
  connection.onHover((p) =>
    guard('hover', null, async () => {
      const a = await analysisFor(p.textDocument.uri);
      if (!a || !services) return null;
      const offset = a.doc.offsetAt(p.position);
      return withPeakTemperature(services, hover(services, a, offset), a, offset);
    }),
  );
  connection.onDefinition((p) =>
    guard('definition', [], async () => {
      const a = await analysisFor(p.textDocument.uri);
      return a && services ? definition(services, a, a.doc.offsetAt(p.position)) : [];
    }),
  );
  connection.onReferences((p) =>
    guard('references', [], async () => {
      const a = await analysisFor(p.textDocument.uri);
      return a && services ? references(services, a, a.doc.offsetAt(p.position), p.context.includeDeclaration) : [];
    }),
  );
  connection.onPrepareRename((p) =>
    guard('prepareRename', null, async () => {
      const a = await analysisFor(p.textDocument.uri);
      return a ? prepareRename(a, a.doc.offsetAt(p.position)) : null;
    }),
  );
  connection.onRenameRequest((p) =>
    guard('rename', null, async () => {
      const a = await analysisFor(p.textDocument.uri);
      return a && services ? rename(services, a, a.doc.offsetAt(p.position), p.newName) : null;
    }),
  );
  connection.onDocumentSymbol((p) =>
    guard('documentSymbol', [], () => {
      const a = quickFor(p.textDocument.uri);
      return a ? documentSymbols(a.doc) : [];
    }),
  );
  connection.onWorkspaceSymbol((p) =>
    guard('workspaceSymbol', [], () => (services ? workspaceSymbols(services.workspace, p.query) : [])),
  );
  connection.languages.semanticTokens.on((p) =>
    guard('semanticTokens', { data: [] }, () => {
      const a = quickFor(p.textDocument.uri);
      return a ? semanticTokens(a) : { data: [] };
    }),
  );
  connection.onDocumentFormatting((p) =>
    guard('formatting', [], async () => {
      const a = quickFor(p.textDocument.uri);
      return a && services
        ? formatDocument(a.doc, p.options, await printWidthFor(p.textDocument.uri, services.settings.printWidth))
        : [];
    }),
  );
  connection.onCodeAction((p) => guard('codeAction', [], () => codeActions(p)));
  connection.languages.inlayHint.on((p) =>
    guard('inlayHint', [], async () => {
      const a = await analysisFor(p.textDocument.uri);
      return a ? inlayHints(a, p.range) : [];
    }),
  );
  connection.onFoldingRanges((p) =>
    guard('foldingRange', [], () => {
      const a = quickFor(p.textDocument.uri);
      return a ? foldingRanges(a.doc) : [];
    }),
  );

  connection.onDocumentLinks((p) =>
    guard('documentLink', [], () => {
      const a = quickFor(p.textDocument.uri);
      return a ? documentLinks(a.doc) : [];
    }),
  );

  connection.onDocumentHighlight((p) =>
    guard('documentHighlight', [], async () => {
      const a = await analysisFor(p.textDocument.uri);
      return a ? documentHighlights(a, a.doc.offsetAt(p.position)) : [];
    }),
  );
  connection.onSignatureHelp((p) =>
    guard('signatureHelp', null, () => {
      const a = quickFor(p.textDocument.uri);
      return a && services ? signatureHelp(a.doc, a.doc.offsetAt(p.position), services.compiler.functions) : null;
    }),
  );
  connection.onDocumentRangeFormatting((p) =>
    guard('rangeFormatting', [], async () => {
      const a = quickFor(p.textDocument.uri);
      return a && services
        ? formatRange(a.doc, p.range, p.options, await printWidthFor(p.textDocument.uri, services.settings.printWidth))
        : [];
    }),
  );
  connection.onSelectionRanges((p) =>
    guard('selectionRange', [], () => {
      const a = quickFor(p.textDocument.uri);
      return a ? selectionRanges(a.doc, p.positions) : [];
    }),
  );
  connection.languages.typeHierarchy.onPrepare((p) =>
    guard('prepareTypeHierarchy', null, () => {
      const a = quickFor(p.textDocument.uri);
      return a && services ? prepareTypeHierarchy(services, a.doc, a.doc.offsetAt(p.position)) : null;
    }),
  );
  connection.languages.typeHierarchy.onSupertypes((p) =>
    guard('typeHierarchy/supertypes', [], () => (services ? supertypes(services, p.item) : [])),
  );
  connection.languages.typeHierarchy.onSubtypes((p) =>
    guard('typeHierarchy/subtypes', [], () => (services ? subtypes(services, p.item) : [])),
  );
  connection.workspace.onWillRenameFiles((p) =>
    guard('willRenameFiles', null, () => (services ? willRenameFiles(services, p.files) : null)),
  );
  connection.onCodeLens((p) =>
    guard('codeLens', [], async () => {
      const a = await analysisFor(p.textDocument.uri);
      return a && services ? codeLenses(services, a) : [];
    }),
  );

  documents.listen(connection);
  connection.listen();
}
