import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA } from '@nestjs/common/constants.js';
import { AccessModule } from '#libs/access/index.js';
import { AuditModule } from '#libs/audit/index.js';
import { AUDIT_ACTION_NAMES, AUDIT_ACTIONS, type AuditActionKind, type AuditActionName, auditActionKind } from '#libs/contracts/index.js';
import { IdentityModule } from '#libs/identity/index.js';
import { AUDIT_ACTION } from '#libs/platform/index.js';
import { NotesModule, RecipientsModule } from '#libs/recipients/index.js';

/** shared/API.md, "Audit events": the actions the contract names, by what they record. */
const CONTRACT: Record<AuditActionKind, AuditActionName[]> = {
  read: ['recipient.list', 'recipient.read', 'note.read', 'audit.read'],
  change: [
    'recipient.create',
    'recipient.update',
    'note.create',
    'note.update',
    'grant.create',
    'grant.revoke',
    'consent.create',
    'consent.withdraw',
    'user.create',
    'user.update',
    'auth.login',
  ],
  denial: ['auth.login_failed'],
  export: ['audit.export'],
  check: [],
};

/** Every route of the modules that have routes, with its HTTP method and the action a refusal is recorded under. */
function auditedRoutes(): { route: string; method: RequestMethod; action: AuditActionName }[] {
  const routes = [];
  for (const module of [AuditModule, IdentityModule, AccessModule, RecipientsModule, NotesModule]) {
    const controllers = (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) ?? []) as (new (...args: never[]) => object)[];
    for (const controller of controllers) {
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const action = Reflect.getMetadata(AUDIT_ACTION, handler) as AuditActionName | undefined;
        if (action) routes.push({ route: `${controller.name}.${name}`, method: Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod, action });
      }
    }
  }
  return routes;
}

describe('the audit actions table', () => {
  it('has every action the contract names, with the kind of what it records', () => {
    for (const [kind, actions] of Object.entries(CONTRACT)) {
      for (const action of actions) expect({ action, kind: AUDIT_ACTIONS[action] }).toEqual({ action, kind });
    }
  });

  it('names each action <resource>.<verb>, in lower snake case', () => {
    for (const action of AUDIT_ACTION_NAMES) expect(action).toMatch(/^[a-z]+\.[a-z]+(_[a-z]+)*$/);
  });

  it('writes as reads exactly the actions named as reads (…read, ….list): the reads of records, group-committed', () => {
    const namedAsRead = AUDIT_ACTION_NAMES.filter((a) => a.endsWith('read') || a.endsWith('.list'));
    const reads = AUDIT_ACTION_NAMES.filter((a) => AUDIT_ACTIONS[a] === 'read');
    expect(reads.sort()).toEqual(namedAsRead.sort());
    expect(reads.sort()).toEqual(
      [
        'audit.read',
        'consent.list',
        'consent.read',
        'grant.list',
        'grant.read',
        'grant.registry_read',
        'note.list',
        'note.read',
        'recipient.history_read',
        'recipient.list',
        'recipient.read',
      ].sort(),
    );
  });

  it('does not write as a read what hands data out in another form (printout, export, look-up, live stream)', () => {
    for (const action of ['recipient.print', 'audit.export', 'audit.lookup', 'live.subscribe'] as const) {
      expect({ action, kind: AUDIT_ACTIONS[action] }).toEqual({ action, kind: 'export' });
    }
  });

  it('knows no action outside the table (a name arriving as plain text is refused when written)', () => {
    expect(auditActionKind('recipient.read')).toBe('read');
    expect(auditActionKind('recipient.raed')).toBeUndefined();
    expect(auditActionKind('toString')).toBeUndefined();
    expect(auditActionKind('__proto__')).toBeUndefined();
  });

  it('records a route that changes something as a change (in its transaction), a route that reads as a read or an export', () => {
    const routes = auditedRoutes();
    expect(routes.length).toBeGreaterThan(20);
    for (const { route, method, action } of routes) {
      const kind = AUDIT_ACTIONS[action];
      const expected: AuditActionKind[] = method === RequestMethod.GET ? ['read', 'export', 'check'] : ['change', 'check'];
      expect({ route, action, kind, ok: expected.includes(kind) }).toEqual({ route, action, kind, ok: true });
    }
  });
});
