// A real LSP client over stdio: spawns the built server and speaks JSON-RPC to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type InitializeResult,
} from 'vscode-languageserver-protocol/node.js';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../../..');
export const serverMain = join(repoRoot, 'lsp/dist/server/main.js');

export interface TestClient {
  connection: ProtocolConnection;
  process: ChildProcess;
  initialize: InitializeResult;
  /** Every publishDiagnostics received, in order. */
  published: PublishDiagnosticsParams[];
  /** Resolves with the next diagnostics published for a URI (optionally for a given version). */
  nextDiagnostics(uri: string, version?: number, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  stderr(): string;
  open(uri: string, text: string, version?: number): void;
  /** Opens a document (version 1) and resolves with the diagnostics the server first publishes for it. */
  openAndDiagnose(uri: string, text: string): Promise<PublishDiagnosticsParams['diagnostics']>;
  change(uri: string, text: string, version: number): void;
  close(): Promise<void>;
}

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

/** Answers `workspace/configuration` for one section (e.g. `pim.format` → `{ printWidth: 20 }`). */
export type ConfigurationAnswer = (section: string) => unknown;

export async function startClient(
  rootPath: string,
  initializationOptions: Record<string, unknown> = {},
  server = serverMain,
  configuration?: ConfigurationAnswer,
): Promise<TestClient> {
  const proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const connection = createProtocolConnection(
    new StreamMessageReader(proc.stdout!),
    new StreamMessageWriter(proc.stdin!),
  );
  const published: PublishDiagnosticsParams[] = [];
  const waiters: { uri: string; version?: number; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.push(p);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) {
        waiters.splice(i, 1);
        w.resolve(p);
      }
    }
  });
  connection.onNotification('window/logMessage', (m: { message: string }) => {
    err += m.message + '\n';
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
    p.items.map((i) => (configuration ? configuration(i.section ?? '') : null)),
  );
  connection.listen();
  const initialize = (await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: fileUri(rootPath),
    workspaceFolders: [{ uri: fileUri(rootPath), name: 'ws' }],
    capabilities: {
      textDocument: { hover: { contentFormat: ['markdown'] } },
      workspace: { workspaceFolders: true, configuration: !!configuration },
    },
    initializationOptions,
  })) as InitializeResult;
  await connection.sendNotification('initialized', {});
  const client: TestClient = {
    connection,
    process: proc,
    initialize,
    published,
    stderr: () => err,
    nextDiagnostics(uri, version, timeoutMs = 20000) {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no diagnostics for ${uri} (version ${version}) within ${timeoutMs} ms; server log:\n${err}`),
            ),
          timeoutMs,
        );
        waiters.push({
          uri,
          version,
          resolve: (p) => {
            clearTimeout(timer);
            resolvePromise(p);
          },
        });
      });
    },
    async openAndDiagnose(uri, text) {
      const next = client.nextDiagnostics(uri, 1);
      client.open(uri, text, 1);
      return (await next).diagnostics;
    },
    open(uri, text, version = 1) {
      void connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'pim', version, text },
      });
    },
    change(uri, text, version) {
      void connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ text }],
      });
    },
    async close() {
      try {
        await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        await connection.sendNotification('exit');
      } catch {
        // the process may already be gone
      }
      connection.dispose();
      proc.kill();
    },
  };
  return client;
}

/**
 * Test text with marked positions: `‸{name}` marks the offset where it stands (the marker is removed).
 * Returns the clean text and each marker's offset and LSP position.
 */
export function marked(src: string): {
  text: string;
  at: Record<string, { offset: number; line: number; character: number }>;
} {
  const at: Record<string, { offset: number; line: number; character: number }> = {};
  let text = '';
  const re = /‸\{(\w+)\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src))) {
    text += src.slice(last, m.index);
    const offset = text.length;
    const before = text.split('\n');
    at[m[1]!] = { offset, line: before.length - 1, character: before[before.length - 1]!.length };
    last = m.index + m[0].length;
  }
  text += src.slice(last);
  return { text, at };
}
