export * from './enums.js';
export * from './error-codes.js';
export * from './live-events.js';
export * from './recipient-fields.js';
export * from './api-types.js';
export * from './audit-actions.js';
