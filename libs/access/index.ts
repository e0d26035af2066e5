export * from './access.module.js';
export * from './access.service.js';
export * from './access-rules.js';
export * from './grants.service.js';
export * from './consents.service.js';
export * from './recipient-ability.js';
export * from './input-guards.js';
export * from './note-visibility.js';
