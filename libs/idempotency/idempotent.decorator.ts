import { applyDecorators, SetMetadata, type Type } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiErrors, type AppRequest, type Caller } from '#libs/platform/index.js';

export const IDEMPOTENT = 'idempotency:route';

/** What a replay's access re-check gets: the route's controller, the caller, the path parameters and the remembered body. */
export interface RecheckContext<C = unknown> {
  controller: C;
  caller: Caller;
  params: Record<string, string>;
  req: AppRequest;
  /** The remembered response body about to be replayed. */
  replayed: unknown;
  /** Any provider of the application (a service whose access check to re-run, the DataSource, …). */
  get<T>(type: Type<T> | string | symbol): T;
}

export interface IdempotentOptions<C = unknown> {
  /**
   * Re-checks access before a remembered answer is replayed (guards have run again already: session and role).
   * It throws exactly what a fresh request would get (404 for a recipient no longer visible, 403 for a permission
   * lost) and may record the read of the replayed resource in the audit log.
   */
  recheck?: (ctx: RecheckContext<C>) => Promise<unknown>;
}

/**
 * Marks a creating POST route as accepting `Idempotency-Key` (shared/API.md Conventions). The route's service must
 * open its transaction with `dataSource.transaction(...)`: the key row then commits in that same transaction.
 */
export function Idempotent<C = unknown>(options: IdempotentOptions<C> = {}) {
  return applyDecorators(
    SetMetadata(IDEMPOTENT, options),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'up to 255 characters; a retry with the same key and body within 24 h answers the original result',
    }),
    ApiErrors('IDEMPOTENCY_IN_PROGRESS', 'IDEMPOTENCY_KEY_REUSED'),
  );
}
