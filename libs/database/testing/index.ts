export * from './test-cluster.js';
export * from './test-database.js';
