import { Identity1763800000000 } from './1763800000000-Identity.js';
import { AuditEvents1763800000100 } from './1763800000100-AuditEvents.js';
import { Recipients1763800000200 } from './1763800000200-Recipients.js';
import { Consents1763800000210 } from './1763800000210-Consents.js';
import { Grants1763800000220 } from './1763800000220-Grants.js';
import { RecipientHistory1763800000230 } from './1763800000230-RecipientHistory.js';
import { GrantShapeIndex1763800000240 } from './1763800000240-GrantShapeIndex.js';
import { LiveEvents1763800000500 } from './1763800000500-LiveEvents.js';
import { IdempotencyKeys1763800000900 } from './1763800000900-IdempotencyKeys.js';
import { CaseNotes1763800005000 } from './1763800005000-CaseNotes.js';
import { RecipientNameSearch1763800005100 } from './1763800005100-RecipientNameSearch.js';
import { RecipientKanaSort1763800005200 } from './1763800005200-RecipientKanaSort.js';
import { RefreshRetry1763800006000 } from './1763800006000-RefreshRetry.js';
import { AuditVerification1763800007300 } from './1763800007300-AuditVerification.js';

/** Every migration, in order. Listed explicitly so that the same list serves the server, the tests and the benchmarks. */
export const MIGRATIONS = [
  Identity1763800000000,
  AuditEvents1763800000100,
  Recipients1763800000200,
  Consents1763800000210,
  Grants1763800000220,
  RecipientHistory1763800000230,
  GrantShapeIndex1763800000240,
  LiveEvents1763800000500,
  IdempotencyKeys1763800000900,
  CaseNotes1763800005000,
  RecipientNameSearch1763800005100,
  RecipientKanaSort1763800005200,
  RefreshRetry1763800006000,
  AuditVerification1763800007300,
];
