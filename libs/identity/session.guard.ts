import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuditActionName, Role } from '#libs/contracts/index.js';
import { type AppRequest, AppError, requestMeta, AUDIT_ACTION, IS_PUBLIC, ROLES } from '#libs/platform/index.js';
import { SessionService } from './session.service.js';

/** Global guard: every route needs a live session unless it is @Public; @Roles narrows it further. */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    const req = ctx.switchToHttp().getRequest<AppRequest>();
    req.auditAction = this.reflector.getAllAndOverride<AuditActionName | undefined>(AUDIT_ACTION, targets);
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new AppError('UNAUTHENTICATED');
    req.caller = await this.sessions.authenticate(match[1], requestMeta(req));
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(req.caller.role)) throw new AppError('ROLE_FORBIDDEN');
    return true;
  }
}
