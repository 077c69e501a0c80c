#!/usr/bin/env node
// Entry point: `node lsp/dist/server/main.js --stdio` (or `--node-ipc` when forked by VS Code).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node.js';
import { startServer } from './server.js';

process.on('uncaughtException', (e) => {
  // Keep serving: one bad request must not take the editor's language support down.
  process.stderr.write(`pim language server: uncaught ${e.stack ?? e}\n`);
});
process.on('unhandledRejection', (e) => {
  process.stderr.write(`pim language server: unhandled rejection ${(e as Error)?.stack ?? e}\n`);
});

startServer(createConnection(ProposedFeatures.all));
