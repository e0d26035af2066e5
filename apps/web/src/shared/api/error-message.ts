import type { TFunction } from 'i18next';
import { ApiError } from './client';

/** Codes with a message of their own; any other failure is explained by its status. */
const CODES = new Set([
  'OFFLINE',
  'INVALID_CREDENTIALS',
  'VERSION_CONFLICT',
  'PRECONDITION_REQUIRED',
  'FIELD_NOT_WRITABLE',
  'ROLE_FORBIDDEN',
  'NOT_AUTHOR',
  'ALREADY_REVOKED',
  'ALREADY_WITHDRAWN',
  'ALREADY_RETRACTED',
  'CONFLICT_DUPLICATE',
  'CONSENT_NOT_COVERING',
  'REFERENCE_NOT_FOUND',
  'VALIDATION_FAILED',
  'SESSION_ENDED',
  'CSRF_CHECK_FAILED',
]);
const STATUSES = new Set([400, 401, 403, 404, 409, 412, 413, 422, 428, 429]);

/** A clear, localized sentence for any failure of an API call (or of the connection). */
export function errorMessage(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return t('common:errors.unknown');
  if (error.status === 429) return t('common:errors.429', { seconds: error.retryAfter ?? 60 });
  if (CODES.has(error.code)) return t(`common:errors.codes.${error.code}`);
  if (STATUSES.has(error.status)) return t(`common:errors.${error.status}`);
  if (error.status >= 500) return t('common:errors.5xx', { requestId: error.body?.requestId ?? '' });
  return t('common:errors.unknown');
}
