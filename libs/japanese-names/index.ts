export * from './search-key.js';
