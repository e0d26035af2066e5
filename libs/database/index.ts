export * from './data-source.js';
export * from './embedded-postgres.js';
export * from './migrate.js';
export * from './prepared.js';
export * from './snake-naming.strategy.js';

