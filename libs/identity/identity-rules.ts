import { Injectable } from '@nestjs/common';
import type { Caller, RulesContributor } from '#libs/platform/index.js';

/** CASL rules (raw, as `packRules` takes them) for what identity owns: organisations and users. */
@Injectable()
export class IdentityRules implements RulesContributor {
  rulesFor(caller: Caller): unknown[] {
    const rules: unknown[] = [{ action: 'read', subject: 'Organisation' }, { action: 'read', subject: 'User', conditions: { id: caller.userId } }];
    if (caller.role === 'system_admin') {
      rules.push({ action: 'manage', subject: 'Organisation' }, { action: 'manage', subject: 'User' });
    }
    if (caller.role === 'org_admin') {
      rules.push({ action: ['read', 'create', 'update'], subject: 'User', conditions: { organisationId: caller.organisationId } });
    }
    return rules;
  }
}
