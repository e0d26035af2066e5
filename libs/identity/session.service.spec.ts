import type { DataSource } from 'typeorm';
import { type AppConfig, type RequestMeta, uuidv7 } from '#libs/platform/index.js';
import { SessionService } from './session.service.js';
import { TokenService } from './token.service.js';

interface Statement {
  ids: string[];
  answer: (rows: Record<string, unknown>[]) => void;
  fail: (error: Error) => void;
}

describe('SessionService lookups', () => {
  const tokens = new TokenService({ jwtSecret: 'unit-secret-unit-secret-unit-secret-0002', accessTokenTtl: 900 } as AppConfig);
  const meta: RequestMeta = { requestId: 'r', ip: '127.0.0.1', userAgent: 'jest' };
  let statements: Statement[];
  let sessions: SessionService;

  beforeEach(() => {
    statements = [];
    const dataSource = {
      query: (_sql: string, [ids]: [string[]]) =>
        new Promise((answer, fail) => statements.push({ ids, answer, fail })),
    } as unknown as DataSource;
    sessions = new SessionService(dataSource, tokens);
  });

  const row = (sessionId: string, userId: string, extra: Record<string, unknown> = {}) => ({
    id: sessionId,
    user_id: userId,
    login_id: `login-${userId.slice(-4)}`,
    role: 'caseworker',
    organisation_id: uuidv7(),
    kind: 'municipal_department',
    user_active: true,
    org_active: true,
    revoked_at: null,
    expires_at: new Date(Date.now() + 3600_000),
    ...extra,
  });
  const session = async () => {
    const userId = uuidv7();
    const sessionId = uuidv7();
    return { userId, sessionId, token: await tokens.signAccess(userId, sessionId) };
  };
  const settle = (p: Promise<unknown>) => p.then((c) => ({ ok: c }), (e: { code?: string }) => ({ error: e.code ?? String(e) }));
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('requests that arrive while a lookup is in flight share the next statement, each answered for its own session', async () => {
    const [a, b, c, d, e] = await Promise.all([session(), session(), session(), session(), session()]);
    const first = settle(sessions.authenticate(a.token, meta));
    expect(statements.map((s) => s.ids)).toEqual([[a.sessionId]]);
    // Four more while the first is in flight; b twice (two tabs of one session).
    const waiting = [b, b, c, d, e].map((x) => settle(sessions.authenticate(x.token, meta)));
    await tick();
    expect(statements).toHaveLength(1);
    statements[0].answer([row(a.sessionId, a.userId)]);
    await tick();
    expect(statements).toHaveLength(2);
    expect(statements[1].ids.sort()).toEqual([b.sessionId, c.sessionId, d.sessionId, e.sessionId].sort());
    statements[1].answer([
      row(b.sessionId, b.userId),
      row(c.sessionId, c.userId, { revoked_at: new Date() }),
      row(d.sessionId, d.userId, { org_active: false }),
      // e's session id, but another user's: not e's session
      row(e.sessionId, uuidv7()),
    ]);
    const [ra, rb1, rb2, rc, rd, re] = await Promise.all([first, ...waiting]);
    expect(ra).toMatchObject({ ok: { userId: a.userId, sessionId: a.sessionId, loginId: `login-${a.userId.slice(-4)}` } });
    expect(rb1).toMatchObject({ ok: { userId: b.userId, sessionId: b.sessionId } });
    expect(rb2).toMatchObject({ ok: { userId: b.userId, sessionId: b.sessionId } });
    expect([rc, rd, re]).toEqual([{ error: 'SESSION_ENDED' }, { error: 'SESSION_ENDED' }, { error: 'SESSION_ENDED' }]);
  });

  it('never answers a request from a statement sent before it arrived', async () => {
    const a = await session();
    const first = settle(sessions.authenticate(a.token, meta));
    const second = settle(sessions.authenticate(a.token, meta));
    await tick();
    // The first statement saw the session live; the second, sent after, sees it ended (a logout committed between).
    statements[0].answer([row(a.sessionId, a.userId)]);
    await tick();
    expect(statements).toHaveLength(2);
    statements[1].answer([row(a.sessionId, a.userId, { revoked_at: new Date() })]);
    expect(await first).toMatchObject({ ok: { sessionId: a.sessionId } });
    expect(await second).toEqual({ error: 'SESSION_ENDED' });
  });

  it('a failed statement fails only the requests it carried; the next ones get a statement of their own', async () => {
    const [a, b, c] = await Promise.all([session(), session(), session()]);
    const first = settle(sessions.authenticate(a.token, meta));
    const second = settle(sessions.authenticate(b.token, meta));
    await tick();
    statements[0].fail(new Error('connection lost'));
    expect(await first).toEqual({ error: 'Error: connection lost' });
    await tick();
    statements[1].answer([row(b.sessionId, b.userId)]);
    expect(await second).toMatchObject({ ok: { sessionId: b.sessionId } });
    const third = settle(sessions.authenticate(c.token, meta));
    expect(statements).toHaveLength(3);
    statements[2].answer([row(c.sessionId, c.userId)]);
    expect(await third).toMatchObject({ ok: { sessionId: c.sessionId } });
  });

  it('checks the token before any statement', async () => {
    expect(await settle(sessions.authenticate('not-a-jwt', meta))).toEqual({ error: 'TOKEN_INVALID' });
    expect(statements).toHaveLength(0);
  });
});
