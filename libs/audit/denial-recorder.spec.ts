import { resourceTypeOf } from './denial-recorder.service.js';

describe('resourceTypeOf', () => {
  it.each([
    ['/api/v1/recipients/:id', 'recipient'],
    ['/api/v1/recipients/:id/notes/:noteId', 'note'],
    ['/api/v1/recipients/:id/notes/:noteId/retract', 'note'],
    ['/api/v1/recipients/:id/grants/:grantId/revoke', 'grant'],
    ['/api/v1/recipients/:id/history', 'recipient'],
    ['/api/v1/audit-events/verify', 'audit_event'],
    ['/api/v1/audit-events/verify-jobs/:jobId', 'audit_event'],
    ['/api/v1/recipients/:id/print', 'recipient'],
    ['/api/v1/audit/recipients', 'recipient'],
    ['/api/v1/audit/users', 'user'],
    ['/api/v1/auth/logout', 'session'],
    ['/api/v1/users', 'user'],
  ])('%s → %s', (route, type) => expect(resourceTypeOf(route)).toBe(type));
});
