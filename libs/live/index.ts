export * from './live-access.js';
export * from './live-io.adapter.js';
export * from './live.gateway.js';
export * from './live.module.js';
export * from './live.options.js';
export * from './live.service.js';
