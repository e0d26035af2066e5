export * from './live-outbox.js';
export * from './outbox.module.js';
