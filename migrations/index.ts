import { Identity1763800000000 } from './1763800000000-Identity.js';
import { AuditEvents1763800000100 } from './1763800000100-AuditEvents.js';
import { LiveEvents1763800000500 } from './1763800000500-LiveEvents.js';

/** Every migration, in order. Listed explicitly so that the same list serves the server, the tests and the benchmarks. */
export const MIGRATIONS = [Identity1763800000000, AuditEvents1763800000100, LiveEvents1763800000500];
