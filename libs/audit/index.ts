export * from './audit-event.js';
export * from './audit.module.js';
export * from './audit.service.js';
