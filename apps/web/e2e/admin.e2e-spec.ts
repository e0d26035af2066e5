import { axeViolations, BrowserEnv } from './browser.js';

describe('browser: the administrators workspace', () => {
  let env: BrowserEnv;
  beforeAll(async () => {
    env = await BrowserEnv.start();
  }, 120_000);
  afterAll(() => env?.close());

  it('a system_admin creates an organisation and a caseworker who can log in; deactivating it ends its open screen within 2 s', async () => {
    const adminOrg = await env.api.organisation('municipal_department', '三条市 情報政策課');
    const admin = await env.api.user(adminOrg, 'system_admin');
    const a = await env.newPage();
    await env.login(a, admin.loginId);
    expect(new URL(a.page.url()).pathname).toBe('/admin');
    await a.page.getByTestId('org-row').first().waitFor();

    const create = a.page.getByTestId('org-create');
    await create.getByLabel('機関名').fill('三条市 障害福祉課');
    await create.getByLabel('種別').selectOption({ label: '相談支援事業所' });
    await a.page.getByTestId('org-submit').click();
    const orgRow = a.page.getByTestId('org-row').filter({ hasText: '三条市 障害福祉課' });
    await orgRow.waitFor();
    expect(await orgRow.textContent()).toContain('相談支援事業所');

    const form = a.page.getByTestId('user-create');
    // The policy is explained and checked before anything is sent.
    await form.getByLabel('ログインID').fill('shinki.cw');
    await form.getByLabel('氏名').fill('新規 担当者');
    await form.getByLabel('所属機関').selectOption({ label: '三条市 障害福祉課' });
    await form.getByLabel('役割').selectOption('caseworker');
    await form.getByLabel('初期パスワード').fill('short');
    expect(await form.textContent()).toContain('12文字以上');
    await a.page.getByTestId('user-submit').click();
    expect(await a.page.getByTestId('user-row').filter({ hasText: 'shinki.cw' }).count()).toBe(0);
    await form.getByLabel('初期パスワード').fill('shinki-password-01');
    await a.page.getByTestId('user-submit').click();
    const userRow = a.page.locator('[data-testid=user-row][data-login-id="shinki.cw"]');
    await userRow.waitFor();
    const rowText = (await userRow.textContent())!;
    for (const part of ['新規 担当者', '担当者', '三条市 障害福祉課', '有効', 'ログインなし']) expect(rowText).toContain(part);
    expect(await axeViolations(a.page)).toEqual([]);
    await env.screenshot(a.page, 'admin-ja');

    // The new caseworker logs in with the initial password.
    const u = await env.newPage();
    await u.page.goto(`${env.baseUrl}/login`);
    await u.page.getByTestId('login-id').fill('shinki.cw');
    await u.page.getByTestId('login-password').fill('shinki-password-01');
    await u.page.getByTestId('login-submit').click();
    await u.page.getByTestId('nav-user').waitFor();
    expect(new URL(u.page.url()).pathname).toBe('/recipients');
    expect(await u.page.getByTestId('nav-user').textContent()).toContain('新規 担当者');
    await u.page.locator('[data-testid=live-status][data-state=connected]').waitFor();

    // Last login shows once the list is read again.
    await a.page.reload();
    await userRow.waitFor();
    expect(await userRow.textContent()).toMatch(/令和\d+年\d+月\d+日 \(\d{4}-\d{2}-\d{2}\) \d{2}:\d{2}/);

    await userRow.getByTestId('user-deactivate').click();
    await a.page.getByTestId('user-deactivate-dialog').waitFor();
    expect(await axeViolations(a.page)).toEqual([]);
    const started = Date.now();
    await a.page.getByTestId('user-deactivate-confirm').click();
    await u.page.getByTestId('login-id').waitFor({ timeout: 2000 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await u.page.getByTestId('nav-user').count()).toBe(0);
    await a.page.locator('[data-testid=user-row][data-login-id="shinki.cw"][data-active=false]').waitFor();

    // And it cannot log in again.
    await u.page.getByTestId('login-id').fill('shinki.cw');
    await u.page.getByTestId('login-password').fill('shinki-password-01');
    await u.page.getByTestId('login-submit').click();
    await u.page.getByTestId('login-error').waitFor();
    for (const w of [a, u]) {
      expect(w.consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
    }
  }, 180_000);

  it('an org_admin manages only the users of its own organisation, with caseworker and org_admin roles', async () => {
    const own = await env.api.organisation('welfare_office', '三条市 福祉事務所');
    const elsewhere = await env.api.organisation('medical', '三条中央病院');
    const orgAdmin = await env.api.user(own, 'org_admin');
    const colleague = await env.api.user(own, 'caseworker');
    const stranger = await env.api.user(elsewhere, 'caseworker');
    const w = await env.newPage({ width: 768, height: 1024 });
    await env.login(w, orgAdmin.loginId, '/admin');
    await w.page.locator(`[data-testid=user-row][data-login-id="${colleague.loginId}"]`).waitFor();
    expect(await w.page.locator(`[data-testid=user-row][data-login-id="${stranger.loginId}"]`).count()).toBe(0);
    expect(await w.page.getByTestId('org-create').count()).toBe(0);
    expect(await w.page.getByTestId('org-row').count()).toBe(0);
    const roles = await w.page.getByTestId('user-create').getByLabel('役割').locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(roles).toEqual(['caseworker', 'org_admin']);

    // Reset a colleague's password: the old one stops working, the new one logs in.
    const row = w.page.locator(`[data-testid=user-row][data-login-id="${colleague.loginId}"]`);
    await row.getByTestId('user-reset-password').click();
    await w.page.getByTestId('user-new-password').fill('reset-password-0002');
    await w.page.getByTestId('user-reset-confirm').click();
    await w.page.getByTestId('user-reset-dialog').getByRole('status').waitFor();
    const login = await env.api.post('/auth/login', undefined, { loginId: colleague.loginId, password: 'reset-password-0002' });
    expect(login.status).toBe(200);
    expect(await axeViolations(w.page)).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
  }, 120_000);

  it('an open screen follows a role change made elsewhere: the demoted org_admin loses the administration screen', async () => {
    const own = await env.api.organisation('welfare_office');
    const orgAdmin = await env.api.user(own, 'org_admin');
    const sysAdmin = await env.api.actor('system_admin');
    const w = await env.newPage();
    await env.login(w, orgAdmin.loginId, '/admin');
    await w.page.locator(`[data-testid=user-row][data-login-id="${orgAdmin.loginId}"]`).waitFor();
    await w.page.locator('[data-testid=live-status][data-state=connected]').waitFor();

    const current = await env.api.get(`/users/${orgAdmin.id}`, sysAdmin.token);
    expect(current.status).toBe(200);
    const changed = await env.api.patch(`/users/${orgAdmin.id}`, sysAdmin.token, { role: 'caseworker' }, { 'if-match': `"${current.body.version}"` });
    expect(changed.status).toBe(200);
    // The server closes the screen's live connection; the screen asks who it is now and stops offering what it lost.
    await w.page.getByTestId('role-unavailable').waitFor({ timeout: 5000 });
    expect(await w.page.getByTestId('user-row').count()).toBe(0);
    expect(await w.page.getByTestId('nav-user').count()).toBe(1);
    expect(w.consoleErrors).toEqual([]);
  });

  it('shows role-unavailable to a caseworker on /admin', async () => {
    const cw = await env.api.user(await env.api.organisation(), 'caseworker');
    const w = await env.newPage();
    await env.login(w, cw.loginId, '/admin');
    await w.page.getByTestId('role-unavailable').waitFor();
    expect(await w.page.getByTestId('user-row').count()).toBe(0);
  });
});
