import { AsyncLocalStorage } from 'node:async_hooks';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { mergeMap, Observable } from 'rxjs';

/** Read events of the current request still being group-committed. */
interface RequestAudit {
  pending: Promise<void>[];
}

const storage = new AsyncLocalStorage<RequestAudit>();

/**
 * Lets a read's audit event be committed after the read's transaction ends but before its answer leaves: `record`
 * hands the pending commit to the request, and this interceptor awaits every one before the handler's value is
 * sent (a failed commit becomes a 500, never an answer). The read transaction thus never waits on the audit
 * commit holding a pooled connection.
 */
@Injectable()
export class AuditCommitInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const audit: RequestAudit = { pending: [] };
    return new Observable<unknown>((subscriber) => {
      const subscription = storage.run(audit, () =>
        next
          .handle()
          .pipe(
            mergeMap(async (value) => {
              await Promise.all(audit.pending);
              return value;
            }),
          )
          .subscribe(subscriber),
      );
      return () => subscription.unsubscribe();
    });
  }
}

/** Hands a pending commit to the current request; false outside a request (the caller then awaits it itself). */
export function deferToResponse(commit: Promise<void>): boolean {
  const audit = storage.getStore();
  if (!audit) return false;
  commit.catch(() => undefined); // awaited by the interceptor; an error answer needs no second report
  audit.pending.push(commit);
  return true;
}
