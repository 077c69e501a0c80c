export * from './format/index.js';
export { startServer } from './server/server.js';
