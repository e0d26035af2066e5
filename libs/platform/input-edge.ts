import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { AppError } from './app-error.js';
import { hasUnstorableChars } from './text.js';
import type { FieldViolation } from './validation.js';

/**
 * The edge of every request, before any pipe, service or database sees it: what PostgreSQL cannot store is refused
 * here, once, for every route, instead of by each DTO.
 *
 * - JSON bodies nested deeper than MAX_JSON_DEPTH → 400 VALIDATION_FAILED (`constraint: maxDepth`); the DTO layer
 *   walks bodies recursively and would overflow its stack on a body of a million brackets.
 * - A NUL or a lone surrogate in any string — path parameters, query values, headers, and body strings and keys at
 *   any depth — → 400 VALIDATION_FAILED (`constraint: storableCharacters`, `field` names where it was found).
 *
 * The character check runs as the first interceptor: after authentication (an anonymous request is a 401, and its
 * denial is audited with the offending value sanitized), before idempotency, validation and every handler.
 */
export const MAX_JSON_DEPTH = 32;

/** Nesting depth of a JSON text, strings skipped; stops counting once past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/**
 * The JSON body parser (for application/json and application/merge-patch+json): Fastify's own, with its
 * prototype-poisoning checks, behind a nesting limit.
 */
export function depthLimitedJsonParser(fastify: FastifyInstance) {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void): void => {
    const text = body.toString('utf8');
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      const message = `The body is nested deeper than ${MAX_JSON_DEPTH} levels`;
      done(new AppError('VALIDATION_FAILED', { message, details: [{ field: 'body', constraint: 'maxDepth', message }] }));
      return;
    }
    parse(req, text, done);
  };
}

/** Where a value holds an unstorable string: `prefix`, `prefix.key`, `prefix[2]`…; null when it holds none. */
export function unstorableAt(value: unknown, prefix: string): string | null {
  if (typeof value === 'string') return hasUnstorableChars(value) ? prefix : null;
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = unstorableAt(value[i], `${prefix}[${i}]`);
      if (at) return at;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (hasUnstorableChars(key)) return `${prefix}.${JSON.stringify(key).slice(1, -1)}`;
    const at = unstorableAt(item, `${prefix}.${key}`);
    if (at) return at;
  }
  return null;
}

/** The first place of a request that holds an unstorable string, or null. */
function unstorableInRequest(req: Pick<FastifyRequest, 'params' | 'query' | 'headers' | 'body'>): string | null {
  return (
    unstorableAt(req.params, 'path') ??
    unstorableAt(req.query, 'query') ??
    unstorableAt(req.headers, 'header') ??
    unstorableAt(req.body, 'body')
  );
}

@Injectable()
export class InputCharactersInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() === 'http') {
      const field = unstorableInRequest(ctx.switchToHttp().getRequest<FastifyRequest>());
      if (field) {
        const message = `${field} contains a NUL character or an unpaired surrogate`;
        const details: FieldViolation[] = [{ field, constraint: 'storableCharacters', message }];
        throw new AppError('VALIDATION_FAILED', { message, details });
      }
    }
    return next.handle();
  }
}
