import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuditActionName, OrganisationKind, Role } from '#libs/contracts/index.js';

/** Who sent a request and from where: what every audit event and log line needs. */
export interface RequestMeta {
  requestId: string;
  ip: string;
  userAgent: string;
}

/** An authenticated user, as the guard resolved it for this request (sessions are checked per request). */
export interface Caller extends RequestMeta {
  userId: string;
  loginId: string;
  organisationId: string;
  organisationKind: OrganisationKind;
  role: Role;
  sessionId: string;
}

/** What the guard and the filter hang on the raw request. */
export interface RequestState {
  caller?: Caller;
  /** The audited action of the route (from @AuditAction), for denials the filter records. */
  auditAction?: AuditActionName;
}

export type AppRequest = FastifyRequest & RequestState;

export function requestMeta(req: FastifyRequest): RequestMeta {
  const ua = req.headers['user-agent'];
  return { requestId: String(req.id), ip: req.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : '' };
}

/** The request's id, client IP and user agent, for routes that have no caller (login, refresh). */
export const Meta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta => {
  return requestMeta(ctx.switchToHttp().getRequest<FastifyRequest>());
});

/** The authenticated caller; the global guard guarantees one on every non-public route. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<AppRequest>().caller;
  if (!caller) throw new Error('CurrentUser used on a public route');
  return caller;
});
