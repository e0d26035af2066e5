import { jest } from '@jest/globals';
import { axeViolations, BrowserEnv, webStorage } from './browser.js';

// A real browser on a shared two-core machine: each step may take seconds (axe-core alone does).
jest.setTimeout(240_000);

describe('browser: login, shell and roles', () => {
  let env: BrowserEnv;
  beforeAll(async () => {
    env = await BrowserEnv.start();
  }, 120_000);
  afterAll(() => env?.close());

  it('logs in, lands on the role home, keeps the session over a reload with no token in Web Storage, and logs out', async () => {
    const org = await env.api.organisation('municipal_department', '三条市 福祉課');
    const cw = await env.api.user(org, 'caseworker');
    const w = await env.newPage();
    await w.page.goto(`${env.baseUrl}/login`);
    expect(await axeViolations(w.page)).toEqual([]);
    await env.screenshot(w.page, 'login-ja');
    await env.login(w, cw.loginId);
    expect(new URL(w.page.url()).pathname).toBe('/recipients');
    await w.page.locator('[data-testid=live-status][data-state=connected]').waitFor();
    await w.page.reload();
    await w.page.getByTestId('nav-user').waitFor();
    expect(await w.page.getByTestId('nav-user').textContent()).toContain('三条市 福祉課');
    const storage = await webStorage(w.page);
    expect(storage).not.toMatch(/eyJ|token/i);
    await w.page.goto(`${env.baseUrl}/audit`);
    await w.page.getByTestId('role-unavailable').waitFor();
    expect(await axeViolations(w.page)).toEqual([]);
    await w.page.getByTestId('logout').click();
    await w.page.getByTestId('login-id').waitFor();
    expect(w.consoleErrors).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
  });

  it('says why a login failed', async () => {
    const w = await env.newPage();
    await w.page.goto(`${env.baseUrl}/login`);
    await w.page.getByTestId('login-id').fill('nobody');
    await w.page.getByTestId('login-password').fill('wrong-password');
    await w.page.getByTestId('login-submit').click();
    await w.page.getByTestId('login-error').waitFor();
    expect(await w.page.getByTestId('login-error').textContent()).toContain('ログインIDまたはパスワードが正しくありません');
  });
});
