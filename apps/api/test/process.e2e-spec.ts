import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#libs/database/index.js';
import { DEMO_PASSWORD } from '#libs/demo/index.js';
import { exitOf, login as loginAt, PROCESS_TEST_TIMEOUT, type ServerProcess, startServer, stopAll } from './server-process.js';

describe('the server process: npm start on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'welfare-process-'));
  const started: ServerProcess[] = [];
  afterAll(async () => {
    await stopAll(started);
    rmSync(dataDir, { recursive: true, force: true });
  }, PROCESS_TEST_TIMEOUT);

  it('starts with the demo city, prints logins, stops on SIGTERM with 0, and keeps its data across a restart', async () => {
    const port = await freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info', ADMIN_LOGIN_ID: 'boot.admin', ADMIN_PASSWORD: 'bootstrap-password-1' };
    const first = await startServer(env);
    started.push(first);
    const base = `http://127.0.0.1:${port}/api/v1`;
    expect(first.output()).toContain('kaigo.cw');
    expect(first.output()).toContain(DEMO_PASSWORD);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const login = (loginId: string, password: string) => loginAt(base, loginId, password);
    expect((await login('kaigo.cw', DEMO_PASSWORD)).status).toBe(200);
    const admin = await login('boot.admin', 'bootstrap-password-1');
    expect(admin.status).toBe(200);
    const { accessToken } = (await admin.json()) as { accessToken: string };
    const created = await fetch(`${base}/organisations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ name: '再起動 確認', kind: 'other' }),
    });
    expect(created.status).toBe(201);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await startServer(env);
    started.push(second);
    try {
      expect(second.output()).not.toContain(`password "${DEMO_PASSWORD}"`);
      const again = await login('boot.admin', 'bootstrap-password-1');
      const token = ((await again.json()) as { accessToken: string }).accessToken;
      const orgs = (await (await fetch(`${base}/organisations?limit=200`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        items: { name: string }[];
      };
      expect(orgs.items.map((o) => o.name)).toContain('再起動 確認');
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  }, PROCESS_TEST_TIMEOUT);

  it('refuses to start on a bad configuration, naming the variable', async () => {
    const missingSecret = await exitOf({ DATABASE_URL: 'postgresql://x:y@127.0.0.1:1/db', JWT_SECRET: '' });
    expect(missingSecret.code).toBe(1);
    expect(missingSecret.output).toContain('JWT_SECRET');
    const badPort = await exitOf({ PORT: 'eighty', DATA_DIR: dataDir });
    expect(badPort.code).toBe(1);
    expect(badPort.output).toContain('PORT');
  }, PROCESS_TEST_TIMEOUT);
});
