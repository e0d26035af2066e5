import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '#libs/audit/index.js';
import {
  AppError,
  type Caller,
  decodeCursor,
  ifMatchVersion,
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
import { USER_MANAGEMENT_RULES, maySeeUser, refuseUserChange, refuseUserCreate, type UserManagementRefusal } from './user-management.js';
import { User, userJson, type UserJson } from './user.entity.js';

const refusal = (r: UserManagementRefusal) => new AppError(r.code, { message: r.message });

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
    // The sort key as text: a JS date drops the microseconds, and a cursor a little before the last row repeats it.
    const qb = this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.created_at::text', 'cursor_at')
      .orderBy('u.createdAt')
      .addOrderBy('u.id');
    if (USER_MANAGEMENT_RULES[caller.role]?.sees !== 'all') qb.andWhere('u.organisationId = :own', { own: caller.organisationId });
    if (query.organisationId) qb.andWhere('u.organisationId = :org', { org: query.organisationId });
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.active !== undefined) qb.andWhere('u.active = :active', { active: query.active });
    if (after) qb.andWhere('(u.createdAt, u.id) > (:at, :id)', { at: after[0], id: after[1] });
    const { entities, raw } = await qb.take(limit + 1).getRawAndEntities<{ u_id: string; cursor_at: string }>();
    const cursorAt = new Map(raw.map((r) => [r.u_id, r.cursor_at]));
    return toPage(entities, limit, (u) => [cursorAt.get(u.id)!, u.id], userJson);
  }

  async get(caller: Caller, id: string): Promise<UserJson> {
    return userJson(await this.findVisible(caller, id));
  }

  static recheckCreate(caller: Caller, created: Pick<UserJson, 'role' | 'organisationId'>): void {
    const refused = refuseUserCreate(caller, created);
    if (refused) throw refusal(refused);
  }

  async create(caller: Caller, dto: CreateUserDto): Promise<UserJson> {
    UsersService.recheckCreate(caller, dto);
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

  /**
   * Every change of a user goes through here: the rule table (user-management.ts) against the user as it is now,
   * then If-Match, then the update guarded by the version (a role changed meanwhile fails the update with 412).
   * A change of role, organisation or active state, or a password reset, re-evaluates the user's live sockets on
   * every instance when the transaction commits.
   */
  async update(caller: Caller, id: string, ifMatch: string | undefined, dto: UpdateUserDto): Promise<UserJson> {
    const current = await this.dataSource.getRepository(User).findOneBy({ id });
    if (!current) throw notFound('User not found');
    const refused = refuseUserChange(caller, current, dto);
    if (refused) throw refusal(refused);
    const expectedVersion = ifMatchVersion(ifMatch);
    // The rule was checked on this version: the update must apply to exactly it (a guessed later version would
    // otherwise change a user whose role moved in between, against a rule checked on the old role).
    if (expectedVersion !== current.version) throw versionConflict(current.version);
    if (dto.password !== undefined) this.passwords.assertPolicy(dto.password, current.loginId);
    const passwordHash = dto.password !== undefined ? await this.passwords.hash(dto.password) : undefined;
    return this.dataSource.transaction(async (em) => {
      if (dto.organisationId !== undefined && !(await em.getRepository(Organisation).existsBy({ id: dto.organisationId }))) {
        throw new AppError('REFERENCE_NOT_FOUND', {
          message: 'organisationId names no organisation',
          details: [{ field: 'organisationId', constraint: 'exists' }],
        });
      }
      const { password: _password, ...fields } = dto;
      const set: Record<string, unknown> = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      if (passwordHash) Object.assign(set, { passwordHash, passwordChangedAt: () => 'now()' });
      const result = await em
        .createQueryBuilder()
        .update(User)
        .set({ ...set, version: () => 'version + 1', updatedAt: () => 'now()' })
        .where('id = :id AND version = :version', { id, version: current.version })
        .execute();
      if (result.affected !== 1) throw versionConflict(current.version);
      const changed = (field: 'role' | 'organisationId' | 'active') => dto[field] !== undefined && dto[field] !== current[field];
      if (dto.active === false || passwordHash !== undefined) {
        // An administrator's reset ends every session: whoever held the old password is out.
        await this.sessions.end(em, { userId: id }, dto.active === false ? 'deactivated' : 'password_reset');
      } else if (changed('role') || changed('organisationId') || changed('active')) {
        await this.sessions.accountChanged(em, id);
      }
      await this.audit.record(em, caller, {
        action: 'user.update',
        resourceType: 'user',
        resourceId: id,
        details: {
          fields: [...Object.keys(fields).filter((k) => dto[k as keyof UpdateUserDto] !== undefined), ...(passwordHash ? ['password'] : [])],
          ...(changed('role') ? { role: { from: current.role, to: dto.role } } : {}),
          ...(changed('organisationId') ? { organisationId: { from: current.organisationId, to: dto.organisationId } } : {}),
        },
      });
      return userJson(await em.getRepository(User).findOneByOrFail({ id }));
    });
  }

  /** A user the caller may not see does not exist for it (404, existence not revealed). */
  private async findVisible(caller: Caller, id: string): Promise<User> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id });
    if (!user || !maySeeUser(caller, user)) throw notFound('User not found');
    return user;
  }
}
