import type { Caller } from './request-meta.js';

/** The validated AppConfig of this process. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Contributes CASL rules (raw, packable) for a caller to `GET /me`. Each module that owns a subject may provide one;
 * the identity module gathers them.
 */
export interface RulesContributor {
  rulesFor(caller: Caller): Promise<unknown[]> | unknown[];
}
export const RULES_CONTRIBUTORS = Symbol('RULES_CONTRIBUTORS');
