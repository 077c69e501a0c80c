export * from './format/index.js';
export { startServer } from './server/server.js';
export { reparse, type IncrementalStats } from './server/incremental.js';
