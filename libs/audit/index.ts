export * from './audit-event.js';
export * from './audit.module.js';
export * from './audit.service.js';
export * from './audit-sealer.service.js';
export * from './audit-log.service.js';
export * from './audit-chain.js';
export * from './csv.js';
