import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Caller, RulesContributor } from '#libs/platform/index.js';
import { AccessService } from './access.service.js';

/** `GET /me`: the caller's recipient rules (lead rule + one per active grant shape), the same ones the server checks. */
@Injectable()
export class RecipientRules implements RulesContributor {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  rulesFor(caller: Caller): Promise<unknown[]> {
    return this.access.rulesFor(this.dataSource.manager, caller);
  }
}
