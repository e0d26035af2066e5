import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '#libs/audit/index.js';
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
import type { CreateOrganisationDto, ListOrganisationsQueryDto, UpdateOrganisationDto } from './dto/organisation.dto.js';
import { SessionService } from './session.service.js';
import { Organisation, organisationJson, type OrganisationJson } from './organisation.entity.js';

const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string; driverError?: { code?: string } })?.driverError?.code === UNIQUE_VIOLATION ||
    (error as { code?: string })?.code === UNIQUE_VIOLATION;
}

@Injectable()
export class OrganisationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
  ) {}

  /** Every user may list organisations (to pick a grantee); names and kinds are not personal data. */
  async list(query: ListOrganisationsQueryDto): Promise<Page<OrganisationJson>> {
    const limit = pageLimit(query);
    const after = decodeCursor(query.cursor, 2);
    const qb = this.dataSource.getRepository(Organisation).createQueryBuilder('o').orderBy('o.name').addOrderBy('o.id');
    if (after) qb.andWhere('(o.name, o.id) > (:name, :id)', { name: after[0], id: after[1] });
    if (query.active !== undefined) qb.andWhere('o.active = :active', { active: query.active });
    const rows = await qb.take(limit + 1).getMany();
    return toPage(rows, limit, (o) => [o.name, o.id], organisationJson);
  }

  async get(id: string): Promise<OrganisationJson> {
    const org = await this.dataSource.getRepository(Organisation).findOneBy({ id });
    if (!org) throw notFound('Organisation not found');
    return organisationJson(org);
  }

  async create(caller: Caller, dto: CreateOrganisationDto): Promise<OrganisationJson> {
    try {
      return await this.dataSource.transaction(async (em) => {
        const org = await em.getRepository(Organisation).save(
          em.getRepository(Organisation).create({
            id: uuidv7(),
            name: dto.name.trim(),
            kind: dto.kind,
            active: true,
            version: 1,
            createdAt: new Date(),
            updatedAt: new Date(),
          }),
        );
        await this.audit.record(em, caller, {
          action: 'organisation.create',
          resourceType: 'organisation',
          resourceId: org.id,
          details: { kind: org.kind },
        });
        return organisationJson(org);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT_DUPLICATE', { message: 'An organisation with this name exists' });
      throw error;
    }
  }

  async update(caller: Caller, id: string, expectedVersion: number, dto: UpdateOrganisationDto): Promise<OrganisationJson> {
    try {
      return await this.dataSource.transaction(async (em) => {
        const current = await em.getRepository(Organisation).findOneBy({ id });
        if (!current) throw notFound('Organisation not found');
        const changes = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
        const result = await em
          .createQueryBuilder()
          .update(Organisation)
          .set({ ...changes, version: () => 'version + 1', updatedAt: () => 'now()' })
          .where('id = :id AND version = :version', { id, version: expectedVersion })
          .execute();
        if (result.affected !== 1) throw versionConflict(current.version);
        await this.audit.record(em, caller, {
          action: 'organisation.update',
          resourceType: 'organisation',
          resourceId: id,
          details: { fields: Object.keys(changes) },
        });
        // Every session of the organisation's users ends: their next request is refused, their sockets close.
        if (dto.active === false) await this.sessions.end(em, { organisationId: id }, 'organisation_deactivated');
        return organisationJson(await em.getRepository(Organisation).findOneByOrFail({ id }));
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT_DUPLICATE', { message: 'An organisation with this name exists' });
      throw error;
    }
  }
}
