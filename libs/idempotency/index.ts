export * from './ambient-transaction.js';
export * from './canonical-json.js';
export * from './idempotency.interceptor.js';
export * from './idempotency.module.js';
export * from './idempotent.decorator.js';
