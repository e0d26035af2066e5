import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrganisationJson, OrganisationKind } from '#libs/contracts/index.js';

@Entity('organisations')
export class Organisation {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') kind: OrganisationKind;
  @Column('boolean') active: boolean;
  @Column('integer') version: number;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}

export function organisationJson(o: Organisation): OrganisationJson {
  return {
    id: o.id,
    name: o.name,
    kind: o.kind,
    active: o.active,
    version: o.version,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}
export type { OrganisationJson };
