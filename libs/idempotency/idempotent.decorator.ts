import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { AppRequest, Caller } from '#libs/platform/index.js';

export const IDEMPOTENT = 'idempotency:route';

export interface IdempotentOptions<C = any> {
  /**
   * Re-checks access before a remembered answer is replayed (guards have run again already: session and role).
   * It receives the controller instance, the caller and the route's path parameters, and throws exactly what a
   * fresh request would get (404 for a recipient no longer visible, 403 for a permission lost). It may also record
   * the read of the replayed resource in the audit log.
   */
  recheck?: (controller: C, caller: Caller, params: Record<string, string>, req: AppRequest) => Promise<unknown>;
}

/**
 * Marks a creating POST route as accepting `Idempotency-Key` (shared/API.md Conventions). The route's service must
 * open its transaction with `dataSource.transaction(...)`: the key row then commits in that same transaction.
 */
export function Idempotent<C = any>(options: IdempotentOptions<C> = {}) {
  return applyDecorators(
    SetMetadata(IDEMPOTENT, options),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'up to 255 characters; a retry with the same key and body within 24 h answers the original result',
    }),
  );
}
