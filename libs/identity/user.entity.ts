import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role, UserJson } from '#libs/contracts/index.js';

@Entity('users')
export class User {
  @PrimaryColumn('uuid') id: string;
  @Column('text') loginId: string;
  @Column('text') displayName: string;
  @Column('uuid') organisationId: string;
  @Column('text') role: Role;
  @Column('text', { select: false }) passwordHash: string;
  @Column('boolean') active: boolean;
  @Column('integer') version: number;
  @Column('timestamptz') passwordChangedAt: Date;
  @Column('timestamptz', { nullable: true }) lastLoginAt: Date | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}

/** The public shape of a user: never the password hash. */
export function userJson(u: User): UserJson {
  return {
    id: u.id,
    loginId: u.loginId,
    displayName: u.displayName,
    organisationId: u.organisationId,
    role: u.role,
    active: u.active,
    version: u.version,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}
export type { UserJson };
