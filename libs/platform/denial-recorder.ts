import type { ErrorCode } from '#libs/contracts/index.js';
import type { AppRequest } from './request-meta.js';

/**
 * Records a refused or failed request in the audit log (committed on its own, before the error is answered).
 * Provided by the audit module; the exception filter calls it.
 */
export interface DenialRecorder {
  recordFailure(req: AppRequest, status: number, code: ErrorCode): Promise<void>;
}

export const DENIAL_RECORDER = Symbol('DENIAL_RECORDER');
