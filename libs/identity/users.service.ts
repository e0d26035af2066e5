import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '#libs/audit/index.js';
import type { Role } from '#libs/contracts/index.js';
import {
  AppError,
  type Caller,
  decodeCursor,
  notFound,
  type Page,
  pageLimit,
  toPage,
  uuidv7,
  versionConflict,
} from '#libs/platform/index.js';
import type { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/user.dto.js';
import { Organisation } from './organisation.entity.js';
import { isUniqueViolation } from './organisations.service.js';
import { PasswordService } from './password.service.js';
import { SessionService } from './session.service.js';
import { User, userJson, type UserJson } from './user.entity.js';

/** Roles an org_admin may hand out: only within its own organisation, never auditor or system_admin. */
const ORG_ADMIN_ASSIGNABLE: readonly Role[] = ['caseworker', 'org_admin'];

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  async list(caller: Caller, query: ListUsersQueryDto): Promise<Page<UserJson>> {
    const limit = pageLimit(query);
    const after = decodeCursor(query.cursor, ['timestamp', 'uuid']);
    const qb = this.dataSource.getRepository(User).createQueryBuilder('u').orderBy('u.createdAt').addOrderBy('u.id');
    if (caller.role === 'org_admin') qb.andWhere('u.organisationId = :own', { own: caller.organisationId });
    if (query.organisationId) qb.andWhere('u.organisationId = :org', { org: query.organisationId });
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.active !== undefined) qb.andWhere('u.active = :active', { active: query.active });
    if (after) qb.andWhere('(u.createdAt, u.id) > (:at, :id)', { at: after[0], id: after[1] });
    const rows = await qb.take(limit + 1).getMany();
    return toPage(rows, limit, (u) => [u.createdAt.toISOString(), u.id], userJson);
  }

  async get(caller: Caller, id: string): Promise<UserJson> {
    return userJson(await this.findVisible(caller, id));
  }

  async create(caller: Caller, dto: CreateUserDto): Promise<UserJson> {
    if (caller.role === 'org_admin') {
      if (dto.organisationId !== caller.organisationId) {
        throw new AppError('ORGANISATION_FORBIDDEN', { message: 'An org_admin creates users of its own organisation only' });
      }
      if (!ORG_ADMIN_ASSIGNABLE.includes(dto.role)) {
        throw new AppError('ROLE_FORBIDDEN', { message: 'An org_admin may create caseworkers and org_admins only' });
      }
    }
    this.passwords.assertPolicy(dto.password, dto.loginId);
    const passwordHash = await this.passwords.hash(dto.password);
    try {
      return await this.dataSource.transaction(async (em) => {
        if (!(await em.getRepository(Organisation).existsBy({ id: dto.organisationId }))) {
          throw new AppError('REFERENCE_NOT_FOUND', {
            message: 'organisationId names no organisation',
            details: [{ field: 'organisationId', constraint: 'exists' }],
          });
        }
        const now = new Date();
        const user = em.getRepository(User).create({
          id: uuidv7(),
          loginId: dto.loginId,
          displayName: dto.displayName.trim(),
          organisationId: dto.organisationId,
          role: dto.role,
          passwordHash,
          active: true,
          version: 1,
          passwordChangedAt: now,
          lastLoginAt: null,
          createdAt: now,
          updatedAt: now,
        });
        await em.getRepository(User).insert(user);
        await this.audit.record(em, caller, {
          action: 'user.create',
          resourceType: 'user',
          resourceId: user.id,
          details: { role: user.role, organisationId: user.organisationId },
        });
        return userJson(user);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT_DUPLICATE', { message: 'This login id is taken' });
      throw error;
    }
  }

  async update(caller: Caller, id: string, expectedVersion: number, dto: UpdateUserDto): Promise<UserJson> {
    const current = await this.findVisible(caller, id);
    if (caller.role === 'org_admin' && dto.role !== undefined && !ORG_ADMIN_ASSIGNABLE.includes(dto.role)) {
      throw new AppError('ROLE_FORBIDDEN', { message: 'An org_admin may assign caseworker and org_admin only' });
    }
    if (dto.password !== undefined) this.passwords.assertPolicy(dto.password, current.loginId);
    const passwordHash = dto.password !== undefined ? await this.passwords.hash(dto.password) : undefined;
    return this.dataSource.transaction(async (em) => {
      const { password: _password, ...fields } = dto;
      const set: Record<string, unknown> = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      if (passwordHash) Object.assign(set, { passwordHash, passwordChangedAt: () => 'now()' });
      const result = await em
        .createQueryBuilder()
        .update(User)
        .set({ ...set, version: () => 'version + 1', updatedAt: () => 'now()' })
        .where('id = :id AND version = :version', { id, version: expectedVersion })
        .execute();
      if (result.affected !== 1) throw versionConflict(current.version);
      const endsSessions = dto.active === false || passwordHash !== undefined;
      if (endsSessions) {
        await this.sessions.end(em, { userId: id }, dto.active === false ? 'deactivated' : 'account_changed');
      }
      await this.audit.record(em, caller, {
        action: 'user.update',
        resourceType: 'user',
        resourceId: id,
        details: { fields: [...Object.keys(fields).filter((k) => dto[k as keyof UpdateUserDto] !== undefined), ...(passwordHash ? ['password'] : [])] },
      });
      return userJson(await em.getRepository(User).findOneByOrFail({ id }));
    });
  }

  /** A user outside an org_admin's organisation does not exist for it (404, existence not revealed). */
  private async findVisible(caller: Caller, id: string): Promise<User> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id });
    if (!user || (caller.role === 'org_admin' && user.organisationId !== caller.organisationId)) throw notFound('User not found');
    return user;
  }
}
