import { Injectable } from '@nestjs/common';
import type { Caller, RulesContributor } from '#libs/platform/index.js';
import { userManagementCaslRules } from './user-management.js';

/** CASL rules (raw, as `packRules` takes them) for what identity owns: organisations and users. */
@Injectable()
export class IdentityRules implements RulesContributor {
  rulesFor(caller: Caller): unknown[] {
    const rules: unknown[] = [{ action: 'read', subject: 'Organisation' }, ...userManagementCaslRules(caller)];
    if (caller.role === 'system_admin') rules.push({ action: 'manage', subject: 'Organisation' });
    return rules;
  }
}
