export * from './ir/types.js';
