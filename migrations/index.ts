import { Identity1763800000000 } from './1763800000000-Identity.js';
import { AuditEvents1763800000100 } from './1763800000100-AuditEvents.js';
import { IdempotencyKeys1763800000900 } from './1763800000900-IdempotencyKeys.js';

/** Every migration, in order. Listed explicitly so that the same list serves the server, the tests and the benchmarks. */
export const MIGRATIONS = [Identity1763800000000, AuditEvents1763800000100, IdempotencyKeys1763800000900];
