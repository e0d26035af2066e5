export * from './enums.js';
export * from './error-codes.js';
