import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { ModuleRef, Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { DataSource } from 'typeorm';
import { AppError, type AppRequest, isUuid } from '#libs/platform/index.js';
import { withAmbientTransaction } from './ambient-transaction.js';
import { requestHash } from './canonical-json.js';
import { IDEMPOTENT, type IdempotentOptions } from './idempotent.decorator.js';

export const IDEMPOTENCY_KEY_MAX = 255;
/** How long a remembered answer is replayed; afterwards the key is free again. */
export const IDEMPOTENCY_TTL = '24 hours';
/** Response headers worth replaying with the body. */
const REPLAYED_HEADERS = ['etag', 'location'] as const;

interface Scope {
  userId: string;
  method: string;
  route: string;
  key: string;
}

interface StoredAnswer {
  request_hash: string;
  status: number | null;
  response: unknown;
  headers: Record<string, string> | null;
  completed_at: Date | null;
}

/**
 * `Idempotency-Key` on creating POST routes marked @Idempotent (shared/API.md Conventions).
 *
 * The first request inserts the key row inside a transaction that the route's own transaction then joins (see
 * ambient-transaction.ts), so the key and the created record commit together or not at all. A duplicate from
 * another instance blocks on that uncommitted row in PostgreSQL and, once it commits, finds the answer to replay;
 * if it rolls back (any non-2xx answer), the duplicate becomes the first. Within one instance duplicates queue in
 * memory first, so a burst of retries holds one database connection, not one each.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const options = this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT, ctx.getHandler());
    if (!options) return next.handle();
    const req = ctx.switchToHttp().getRequest<AppRequest>();
    const raw = req.headers['idempotency-key'];
    if (raw === undefined) return next.handle();
    if (typeof raw !== 'string' || raw.length === 0 || [...raw].length > IDEMPOTENCY_KEY_MAX) {
      throw new AppError('VALIDATION_FAILED', {
        message: `Idempotency-Key must be one header of 1 to ${IDEMPOTENCY_KEY_MAX} characters`,
        details: [{ field: 'Idempotency-Key', constraint: 'maxLength' }],
      });
    }
    const caller = req.caller;
    if (!caller) return next.handle();
    const scope: Scope = { userId: caller.userId, method: req.method, route: req.url.split('?')[0], key: raw };
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, ctx.getHandler()) ?? 201;
    const hash = requestHash(req.body);
    const queueId = JSON.stringify(scope);
    return from(
      this.oneAtATime(queueId, () => this.run(scope, hash, status, next, reply)).then(async (outcome) => {
        if (outcome.kind === 'fresh') return outcome.body;
        return this.replay(ctx, options, req, reply, hash, outcome.stored);
      }),
    );
  }

  private async run(
    scope: Scope,
    hash: string,
    status: number,
    next: CallHandler,
    reply: FastifyReply,
  ): Promise<{ kind: 'fresh'; body: unknown } | { kind: 'stored'; stored: StoredAnswer }> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // Blocks while another instance's first attempt with this key is still open; an expired row is taken over.
      const claimed: unknown[] = await runner.query(
        `INSERT INTO idempotency_keys (user_id, method, route, key, request_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (user_id, method, route, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, created_at = now(), status = NULL, response = NULL,
               headers = NULL, resource_id = NULL, completed_at = NULL
           WHERE idempotency_keys.created_at < now() - interval '${IDEMPOTENCY_TTL}'
         RETURNING 1`,
        [scope.userId, scope.method, scope.route, scope.key, hash],
      );
      if (claimed.length === 0) {
        const [stored]: StoredAnswer[] = await runner.query(
          `SELECT request_hash, status, response, headers, completed_at FROM idempotency_keys
            WHERE user_id = $1 AND method = $2 AND route = $3 AND key = $4`,
          [scope.userId, scope.method, scope.route, scope.key],
        );
        await runner.rollbackTransaction();
        return { kind: 'stored', stored };
      }
      const body = await withAmbientTransaction(runner.manager, () => lastValueFrom(next.handle(), { defaultValue: undefined }));
      const headers = Object.fromEntries(
        REPLAYED_HEADERS.flatMap((name) => {
          const value = reply.getHeader(name);
          return value === undefined ? [] : [[name, String(value)]];
        }),
      );
      const id = (body as { id?: unknown } | undefined)?.id;
      await runner.query(
        `UPDATE idempotency_keys SET status = $5, response = $6::json, headers = $7::json, resource_id = $8, completed_at = now()
          WHERE user_id = $1 AND method = $2 AND route = $3 AND key = $4`,
        [
          scope.userId,
          scope.method,
          scope.route,
          scope.key,
          status,
          JSON.stringify(body ?? null),
          JSON.stringify(headers),
          isUuid(id) ? id : null,
        ],
      );
      await runner.commitTransaction();
      return { kind: 'fresh', body };
    } catch (error) {
      // Only 2xx answers are remembered: a failed attempt leaves the key free for the next one.
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async replay(
    ctx: ExecutionContext,
    options: IdempotentOptions,
    req: AppRequest,
    reply: FastifyReply,
    hash: string,
    stored: StoredAnswer,
  ): Promise<unknown> {
    if (stored.request_hash !== hash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', { message: 'This Idempotency-Key was used with a different request body' });
    }
    if (stored.completed_at === null) {
      // Not reachable while keys are written in one transaction with their answer; kept as the safe answer.
      throw new AppError('IDEMPOTENCY_IN_PROGRESS', { message: 'A request with this Idempotency-Key is still running' });
    }
    if (options.recheck) {
      await options.recheck({
        controller: this.moduleRef.get(ctx.getClass(), { strict: false }),
        caller: req.caller!,
        params: (req.params ?? {}) as Record<string, string>,
        req,
        replayed: stored.response,
        get: (type) => this.moduleRef.get(type, { strict: false }),
      });
    }
    for (const [name, value] of Object.entries(stored.headers ?? {})) void reply.header(name, value);
    void reply.header('idempotent-replayed', 'true');
    return stored.response;
  }

  /** Runs `work` after every earlier request of the same scope in this process has finished. */
  private async oneAtATime<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const mine = previous.then(work, work);
    const tail = mine.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(id, tail);
    try {
      return await mine;
    } finally {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    }
  }
}
