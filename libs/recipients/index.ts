export * from './recipients.module.js';
export * from './recipients.service.js';
export * from './recipient-fields.js';
export * from './notes.module.js';
export * from './notes.service.js';
export * from './case-note.live-source.js';
