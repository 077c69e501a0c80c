// The language server: document lifecycle, then one handler per feature. Every handler is guarded:
// an exception is logged and answered with an empty result, never a crash.
import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
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

/** What the handlers share: the services once the client has initialized, and what the client can do. */
interface ServerState {
  connection: Connection;
  services?: PimServices;
  diagnostics?: DiagnosticsPublisher;
  watchRegistration: boolean;
  pullConfiguration: boolean;
  /** After `shutdown` only `exit` is answered (the protocol's lifecycle). */
  shutDown?: boolean;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const state: ServerState = { connection, watchRegistration: false, pullConfiguration: false };
  connection.onInitialize((params) => initialize(state, params));
  connection.onShutdown(() => {
    state.shutDown = true;
  });
  connection.onInitialized(() => {
    state.services?.workspace.scan();
    if (state.watchRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.pim' }],
      });
    }
  });
  syncDocuments(state, documents);
  registerNavigation(state);
  registerEditing(state);
  registerStructure(state);
  documents.listen(connection);
  connection.listen();
}

/** The features the server offers; each is registered below. */
function capabilities(): ServerCapabilities {
  return {
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
          filters: [{ pattern: { glob: '**/*.pim', matches: 'file' } }, { pattern: { glob: '**', matches: 'folder' } }],
        },
      },
    },
  };
}

/** Settings from the client's initialization options, the workspace, the compiler and the services. */
async function initialize(state: ServerState, params: InitializeParams): Promise<InitializeResult> {
  const roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
  if (roots.length === 0 && params.rootUri) roots.push(uriToPath(params.rootUri));
  const init = (params.initializationOptions ?? {}) as Partial<Settings>;
  const settings: Settings = {
    printWidth: typeof init.printWidth === 'number' ? init.printWidth : 100,
    // No added quiet time by default: a check takes tens of milliseconds even on a 5,000-line file, and
    // the publisher's tickets drop results a newer change has overtaken.
    diagnosticsDelay: typeof init.diagnosticsDelay === 'number' ? init.diagnosticsDelay : 0,
    fastDiagnosticsThreshold: typeof init.fastDiagnosticsThreshold === 'number' ? init.fastDiagnosticsThreshold : 20000,
  };
  const workspace = new Workspace(roots);
  const compiler = await CompilerService.create();
  const connection = state.connection;
  state.services = { connection, workspace, compiler, settings, analysis: new AnalysisService(workspace, compiler) };
  state.diagnostics = new DiagnosticsPublisher(state.services);
  state.watchRegistration = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  state.pullConfiguration = !!params.capabilities.workspace?.configuration;
  return { capabilities: capabilities(), serverInfo: { name: 'pim-language-server', version: '0.1.0' } };
}

/** The document lifecycle: open, change and close of editor buffers, and watched files changed on disk. */
function syncDocuments(state: ServerState, documents: TextDocuments<TextDocument>): void {
  const changed = (doc: TextDocument): void => {
    const { services, diagnostics } = state;
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
    const { services, diagnostics } = state;
    if (!services || !diagnostics) return;
    services.workspace.close(uriToPath(e.document.uri));
    services.analysis.invalidate();
    diagnostics.clear(e.document.uri);
  });
  state.connection.onDidChangeWatchedFiles((p) => {
    const { services, diagnostics } = state;
    if (!services || !diagnostics) return;
    for (const c of p.changes) services.workspace.fileChanged(uriToPath(c.uri), c.type === FileChangeType.Deleted);
    services.analysis.invalidate();
    for (const d of services.workspace.openDocuments()) diagnostics.schedule(d.uri);
  });
}

/** A message shown to the user, with nothing to answer (a notification, not ShowMessageRequest). */
function warnUser(connection: Connection, message: string): void {
  void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
}

/** Errors that are answers to the client: bad params (a refused rename), not initialized, shut down. */
const ANSWERS = new Set([-32602, -32002, -32600]);

/** Runs a handler; on any exception logs it and returns the fallback. */

function guard<T>(state: ServerState, name: string, fallback: T, fn: () => T | Promise<T>): Promise<T> {
  return Promise.resolve()
    .then(() => {
      if (!state.services) throw new ResponseError(-32002, 'the server is not initialized');
      if (state.shutDown) throw new ResponseError(-32600, 'the server has been shut down');
      return fn();
    })
    .catch((e: unknown) => {
      if (e && typeof e === 'object' && 'code' in e && ANSWERS.has((e as { code: number }).code)) throw e;
      state.connection.console.error(`pim: ${name} failed: ${(e as Error)?.stack ?? String(e)}`);
      return fallback;
    });
}

/** Waits for the compiler (hover, navigation, hints). */
const analysisFor = async (state: ServerState, uri: string) =>
  state.services ? state.services.analysis.analyze(uriToPath(uri)) : undefined;
/** Never waits for the compiler (completion, tokens, outline, folding, formatting). */
const quickFor = (state: ServerState, uri: string) => state.services?.analysis.quick(uriToPath(uri));

/** The print width for a document: the client's `pim.format.printWidth` when it answers, else the start-up value. */
async function printWidthFor(state: ServerState, uri: string, fallback: number): Promise<number> {
  if (!state.pullConfiguration) return fallback;
  try {
    const cfg = (await state.connection.workspace.getConfiguration({ scopeUri: uri, section: 'pim.format' })) as {
      printWidth?: unknown;
    } | null;
    return typeof cfg?.printWidth === 'number' && cfg.printWidth > 0 ? cfg.printWidth : fallback;
  } catch {
    return fallback;
  }
}

/** Features that need the compiler's analysis: hover, definition, references, rename, highlight, hierarchy, lenses. */
function registerNavigation(state: ServerState): void {
  const { connection } = state;
  connection.onHover((p) =>
    guard(state, 'hover', null, async () => {
      const a = await analysisFor(state, p.textDocument.uri);
      if (!a || !state.services) return null;
      const offset = a.doc.offsetAt(p.position);
      return withPeakTemperature(state.services, hover(state.services, a, offset), a, offset);
    }),
  );
  connection.onDefinition((p) =>
    guard(state, 'definition', [], async () => {
      const a = await analysisFor(state, p.textDocument.uri);
      return a && state.services ? definition(state.services, a, a.doc.offsetAt(p.position)) : [];
    }),
  );
  connection.onReferences((p) =>
    guard(state, 'references', [], async () => {
      const a = await analysisFor(state, p.textDocument.uri);
      const offset = a?.doc.offsetAt(p.position);
      return a && state.services && offset !== undefined
        ? references(state.services, a, offset, p.context.includeDeclaration)
        : [];
    }),
  );
  connection.onPrepareRename((p) =>
    guard(state, 'prepareRename', null, async () => {
      const a = await analysisFor(state, p.textDocument.uri);
      return a ? prepareRename(a, a.doc.offsetAt(p.position)) : null;
    }),
  );
  connection.onRenameRequest((p) =>
    guard(state, 'rename', null, async () => {
      const a = await analysisFor(state, p.textDocument.uri);
      return a && state.services ? rename(state.services, a, a.doc.offsetAt(p.position), p.newName) : null;
    }),
  );
  connection.onDocumentHighlight((p) =>
    guard(state, 'documentHighlight', [], async () => {
      const a = await analysisFor(state, p.textDocument.uri);
      return a ? documentHighlights(a, a.doc.offsetAt(p.position)) : [];
    }),
  );
  connection.languages.typeHierarchy.onPrepare((p) =>
    guard(state, 'prepareTypeHierarchy', null, () => {
      const a = quickFor(state, p.textDocument.uri);
      return a && state.services ? prepareTypeHierarchy(state.services, a.doc, a.doc.offsetAt(p.position)) : null;
    }),
  );
  connection.languages.typeHierarchy.onSupertypes((p) =>
    guard(state, 'typeHierarchy/supertypes', [], () => (state.services ? supertypes(state.services, p.item) : [])),
  );
  connection.languages.typeHierarchy.onSubtypes((p) =>
    guard(state, 'typeHierarchy/subtypes', [], () => (state.services ? subtypes(state.services, p.item) : [])),
  );
  connection.onCodeLens((p) =>
    guard(state, 'codeLens', [], async () => {
      const a = await analysisFor(state, p.textDocument.uri);
      return a && state.services ? codeLenses(state.services, a) : [];
    }),
  );
}

/** Features that help write: completion, signature help, formatting, code actions, file renames. */
function registerEditing(state: ServerState): void {
  const { connection } = state;
  connection.onCompletion((p) =>
    guard(state, 'completion', null, () => {
      const a = quickFor(state, p.textDocument.uri);
      return a && state.services ? completion(state.services, a, a.doc.offsetAt(p.position)) : null;
    }),
  );
  connection.onSignatureHelp((p) =>
    guard(state, 'signatureHelp', null, () => {
      const a = quickFor(state, p.textDocument.uri);
      return a && state.services
        ? signatureHelp(a.doc, a.doc.offsetAt(p.position), state.services.compiler.functions)
        : null;
    }),
  );
  connection.onDocumentFormatting((p) =>
    guard(state, 'formatting', [], async () => {
      const a = quickFor(state, p.textDocument.uri);
      if (!a || !state.services) return [];
      return formatDocument(
        a.doc,
        p.options,
        await printWidthFor(state, p.textDocument.uri, state.services.settings.printWidth),
        (m) => warnUser(connection, m),
      );
    }),
  );
  connection.onDocumentRangeFormatting((p) =>
    guard(state, 'rangeFormatting', [], async () => {
      const a = quickFor(state, p.textDocument.uri);
      if (!a || !state.services) return [];
      const width = await printWidthFor(state, p.textDocument.uri, state.services.settings.printWidth);
      return formatRange(a.doc, p.range, p.options, width, (m) => warnUser(connection, m));
    }),
  );
  connection.onCodeAction((p) => guard(state, 'codeAction', [], () => codeActions(p)));
  connection.workspace.onWillRenameFiles((p) =>
    guard(state, 'willRenameFiles', null, () => (state.services ? willRenameFiles(state.services, p.files) : null)),
  );
}

/** Features of a file's structure, from tokens and the parse (or the analysis for hints). */
function registerStructure(state: ServerState): void {
  const { connection } = state;
  connection.onDocumentSymbol((p) =>
    guard(state, 'documentSymbol', [], () => {
      const a = quickFor(state, p.textDocument.uri);
      return a ? documentSymbols(a.doc) : [];
    }),
  );
  connection.onWorkspaceSymbol((p) =>
    guard(state, 'workspaceSymbol', [], () =>
      state.services ? workspaceSymbols(state.services.workspace, p.query) : [],
    ),
  );
  connection.languages.semanticTokens.on((p) =>
    guard(state, 'semanticTokens', { data: [] }, () => {
      const a = quickFor(state, p.textDocument.uri);
      return a ? semanticTokens(a) : { data: [] };
    }),
  );
  connection.languages.inlayHint.on((p) =>
    guard(state, 'inlayHint', [], async () => {
      const a = await analysisFor(state, p.textDocument.uri);
      return a ? inlayHints(a, p.range) : [];
    }),
  );
  connection.onFoldingRanges((p) =>
    guard(state, 'foldingRange', [], () => {
      const a = quickFor(state, p.textDocument.uri);
      return a ? foldingRanges(a.doc) : [];
    }),
  );
  connection.onDocumentLinks((p) =>
    guard(state, 'documentLink', [], () => {
      const a = quickFor(state, p.textDocument.uri);
      return a ? documentLinks(a.doc) : [];
    }),
  );
  connection.onSelectionRanges((p) =>
    guard(state, 'selectionRange', [], () => {
      const a = quickFor(state, p.textDocument.uri);
      return a ? selectionRanges(a.doc, p.positions) : [];
    }),
  );
}
