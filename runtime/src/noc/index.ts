export * from './mesh.js';
export * from './place.js';
export * from './traffic.js';
export * from './contention.js';
