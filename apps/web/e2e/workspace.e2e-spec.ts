import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { jest } from '@jest/globals';
import { axeViolations, BrowserEnv, type WatchedPage, webStorage } from './browser.js';

// A real browser on a shared two-core machine: each step may take seconds (axe-core alone does).
jest.setTimeout(240_000);

/**
 * The caseworkers' workspace in a real browser: a lead caseworker and a granted partner on one recipient, each in
 * its own browser context, against the built server and a real PostgreSQL.
 */
describe('browser: the shared record between a lead organisation and a partner', () => {
  let env: BrowserEnv;
  let lead: WatchedPage;
  let partner: WatchedPage;
  let recipientId: string;
  let grantId: string;
  let leadToken: string;
  let leadOrgName: string;
  let leadLoginId: string;
  const HEALTH_SECRET = '糖尿病の治療中-HEALTH-7f3a';
  const PHYSICIAN_SECRET = '三条中央クリニック-PHYS-91c2';

  const expectClean = async (w: WatchedPage, allowedConsole: RegExp[] = []) => {
    expect(w.foreignRequests).toEqual([]);
    expect(w.consoleErrors.filter((e) => !allowedConsole.some((re) => re.test(e)))).toEqual([]);
    expect(await webStorage(w.page)).not.toMatch(/eyJ|refresh|access_?token/i);
  };
  const expectAccessible = async (page: Page) => expect(await axeViolations(page)).toEqual([]);
  /** Where in what the partner's browser received (API answers and live frames) a value shows up: nowhere, it must. */
  const leaksToPartner = (value: string) => [
    ...partner.bodies.filter((b) => new URL(b.url).pathname.startsWith('/api/') && b.body.includes(value)).map((b) => b.url),
    ...partner.frames.filter((f) => f.includes(value)).map(() => 'live frame'),
  ];

  beforeAll(async () => {
    env = await BrowserEnv.start();
    leadOrgName = '三条市 福祉課';
    const leadOrg = await env.api.organisation('municipal_department', leadOrgName);
    const partnerOrg = await env.api.organisation('community_support_center', '中央地域包括支援センター');
    await env.api.organisation('care_management_office', '居宅介護支援事業所 さくら');
    const leadUser = await env.api.user(leadOrg, 'caseworker');
    const partnerUser = await env.api.user(partnerOrg, 'caseworker');
    leadToken = await env.api.tokenFor(leadUser.id);
    const created = await env.api.post('/recipients', leadToken, {
      familyName: '髙橋',
      givenName: '花子',
      familyNameKana: 'たかはし',
      givenNameKana: 'はなこ',
      birthDate: '1989-01-08',
      sex: 'female',
      status: 'active',
      supportCategories: ['elderly'],
      phone: '0256-00-1111',
      address: '三条市元町1-1',
      careLevel: 'care_1',
      healthNotes: HEALTH_SECRET,
      primaryPhysician: PHYSICIAN_SECRET,
    });
    expect(created.status).toBe(201);
    recipientId = created.body.id;
    // Other recipients, so that search has something to leave out.
    await env.api.post('/recipients', leadToken, { familyName: '佐藤', givenName: '一郎', familyNameKana: 'さとう' });
    const grant = await env.api.post(`/recipients/${recipientId}/grants`, leadToken, {
      granteeOrganisationId: partnerOrg,
      fieldGroups: ['basic', 'contact'],
      permissions: ['notes.read', 'notes.write'],
      legalBasis: 'support_meeting',
      basisReference: '支援会議 2026-11-20',
    });
    expect(grant.status).toBe(201);
    grantId = grant.body.id;

    leadLoginId = leadUser.loginId;
    lead = await env.newPage();
    partner = await env.newPage();
    await env.login(lead, leadUser.loginId);
    await env.login(partner, partnerUser.loginId);
  }, 180_000);
  afterAll(() => env?.close());

  it('lists what each may read; kana search finds 髙橋 by たかはし and by half-width ﾀｶﾊｼ', async () => {
    await lead.page.getByTestId('recipient-row').first().waitFor();
    expect(await lead.page.getByTestId('recipient-row').count()).toBe(2);
    await lead.page.locator('[data-testid=live-status][data-state=connected]').waitFor();
    await expectAccessible(lead.page);
    await env.screenshot(lead.page, 'recipients-ja');
    for (const q of ['たかはし', 'ﾀｶﾊｼ']) {
      await lead.page.getByTestId('recipient-search').fill(q);
      await lead.page.waitForFunction(
        (id) => {
          const rows = [...document.querySelectorAll('[data-testid=recipient-row]')];
          return rows.length === 1 && rows[0].getAttribute('data-recipient-id') === id;
        },
        recipientId,
        { timeout: 5000 },
      );
    }
    await lead.page.getByTestId('recipient-search').fill('');
    // The partner sees only the recipient shared with it.
    await partner.page.getByTestId('recipient-row').first().waitFor();
    expect(await partner.page.getByTestId('recipient-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-recipient-id')))).toEqual([
      recipientId,
    ]);
  });

  it('shows the partner locked panels for the groups it lacks, and their values reach its browser in no response', async () => {
    await partner.page.goto(`${env.baseUrl}/recipients/${recipientId}`);
    await partner.page.getByTestId('recipient-title').waitFor();
    expect(await partner.page.getByTestId('recipient-title').textContent()).toContain('髙橋');
    for (const group of ['basic', 'contact']) await partner.page.getByTestId(`field-group-${group}`).waitFor();
    for (const group of ['care', 'disability', 'assistance', 'health']) {
      const locked = partner.page.getByTestId(`field-group-${group}-locked`);
      expect(await locked.textContent()).toContain('この項目グループへのアクセス権がありません');
      expect(await partner.page.getByTestId(`field-group-${group}`).count()).toBe(0);
    }
    expect(await partner.page.getByTestId('field-healthNotes').count()).toBe(0);
    // 和暦 beside the Western date, 元年 for a first year; value sets by their Japanese names.
    expect(await partner.page.getByTestId('field-birthDate').textContent()).toBe('平成元年1月8日 (1989-01-08)');
    expect(await partner.page.getByTestId('field-status').textContent()).toBe('支援中');
    expect(await partner.page.getByTestId('own-grant').textContent()).toContain('支援会議 2026-11-20');
    await partner.page.getByTestId('note-body').waitFor();
    expect(partner.bodies.some((b) => b.url.includes(`/api/v1/recipients/${recipientId}`))).toBe(true);
    for (const value of [HEALTH_SECRET, PHYSICIAN_SECRET, 'care_1', 'careLevel', 'healthNotes']) expect(leaksToPartner(value)).toEqual([]);
    await expectAccessible(partner.page);
    await env.screenshot(partner.page, 'record-partner-ja');
  });

  it('delivers a note written by the lead to the partner within 3 s without reload, marked new', async () => {
    await lead.page.goto(`${env.baseUrl}/recipients/${recipientId}`);
    await lead.page.getByTestId('field-group-health').waitFor();
    expect(await lead.page.getByTestId('field-careLevel').textContent()).toBe('要介護1');
    await lead.page.getByTestId('note-body').fill('自宅訪問。本人は元気に過ごしている。');
    await lead.page.getByTestId('note-submit').click();
    const started = Date.now();
    const arrived = partner.page.locator('[data-testid=note-item]', { hasText: '自宅訪問。本人は元気に過ごしている。' });
    await arrived.waitFor({ timeout: 3000 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await arrived.getAttribute('data-new')).toBe('true');
    // The lead's own note is not "new" to the lead.
    const own = lead.page.locator('[data-testid=note-item]', { hasText: '自宅訪問。' });
    await own.waitFor();
    expect(await own.getAttribute('data-new')).toBeNull();
    await expectAccessible(lead.page);
    await env.screenshot(lead.page, 'record-lead-ja');
  });

  it('never sends a sensitive note to a partner without the health group', async () => {
    const secret = '要配慮の記録-SENSITIVE-5b1e';
    await lead.page.getByTestId('note-body').fill(secret);
    await lead.page.getByTestId('note-sensitivity').selectOption('sensitive');
    await lead.page.getByTestId('note-submit').click();
    await lead.page.locator('[data-testid=note-item]', { hasText: secret }).waitFor();
    // A normal note written after it does arrive: by then the sensitive one would have, had it been sent.
    await lead.page.getByTestId('note-body').fill('電話で状況確認。');
    await lead.page.getByTestId('note-submit').click();
    await partner.page.locator('[data-testid=note-item]', { hasText: '電話で状況確認。' }).waitFor({ timeout: 3000 });
    await partner.page.reload();
    await partner.page.locator('[data-testid=note-item]', { hasText: '電話で状況確認。' }).waitFor();
    expect(leaksToPartner(secret)).toEqual([]);
    expect(await partner.page.content()).not.toContain(secret);
  });

  it('keeps a note the partner is writing through a failed send, and delivers the partner’s note to the lead', async () => {
    const draft = '同行支援の予定を調整中。';
    await partner.page.getByTestId('note-body').fill(draft);
    await partner.context.setOffline(true);
    await partner.page.getByTestId('note-submit').click();
    await partner.page.getByRole('alert').filter({ hasText: 'サーバーに接続できません' }).waitFor();
    expect(await partner.page.getByTestId('note-body').inputValue()).toBe(draft);
    await partner.context.setOffline(false);
    await partner.page.locator('[data-testid=live-status][data-state=connected]').waitFor({ timeout: 15_000 });
    expect(await partner.page.getByTestId('note-body').inputValue()).toBe(draft);
    await partner.page.getByTestId('note-submit').click();
    await lead.page.locator('[data-testid=note-item]', { hasText: draft }).waitFor({ timeout: 3000 });
    await expectClean(partner, [/ERR_INTERNET_DISCONNECTED/, /WebSocket connection/]);
  });

  it('shows a stale save the conflict dialog with the other person’s change, and re-applies the edit after reload', async () => {
    await lead.page.getByTestId('recipient-edit').click();
    await lead.page.getByTestId('input-address').fill('三条市本町2-2-2');
    // Meanwhile someone else in the lead organisation changes the phone number.
    const current = await env.api.get(`/recipients/${recipientId}`, leadToken);
    const other = await env.api.patch(`/recipients/${recipientId}`, leadToken, { phone: '0256-99-9999' }, { 'if-match': `"${current.body.version}"` });
    expect(other.status).toBe(200);
    // The partner, which may read contact, is told who changed what, live.
    const toast = partner.page.getByTestId('live-toast');
    await toast.first().waitFor({ timeout: 3000 });
    expect(await toast.first().textContent()).toContain(leadOrgName);
    expect(await toast.first().textContent()).toContain('電話番号');
    await partner.page.waitForFunction(() => document.querySelector('[data-testid=field-phone]')?.textContent === '0256-99-9999');

    await lead.page.getByTestId('recipient-save').click();
    const dialog = lead.page.getByTestId('conflict-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('電話番号');
    expect(await dialog.textContent()).toContain('0256-99-9999');
    await expectAccessible(lead.page);
    await env.screenshot(lead.page, 'conflict-ja');
    await lead.page.getByTestId('conflict-reload').click();
    expect(await lead.page.getByTestId('input-address').inputValue()).toBe('三条市本町2-2-2');
    expect(await lead.page.getByTestId('input-phone').inputValue()).toBe('0256-99-9999');
    await lead.page.getByTestId('recipient-save').click();
    await lead.page.waitForFunction(() => document.querySelector('[data-testid=field-address]')?.textContent === '三条市本町2-2-2');
    expect(await lead.page.getByTestId('field-phone').textContent()).toBe('0256-99-9999');
    await expectClean(lead, [/status of 412/]);
  });

  it('switches to English: labels and <html lang> follow, and the choice survives a reload', async () => {
    await lead.page.getByTestId('lang-switch').click();
    await lead.page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await lead.page.getByTestId('field-group-basic').textContent()).toContain('Basic information');
    expect(await lead.page.getByTestId('field-status').textContent()).toBe('Active support');
    expect(await lead.page.getByTestId('field-group-basic').textContent()).not.toContain('基本情報');
    await lead.page.reload();
    await lead.page.getByTestId('field-group-basic').waitFor();
    expect(await lead.page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expectAccessible(lead.page);
    await env.screenshot(lead.page, 'record-lead-en');
    await lead.page.getByTestId('lang-switch').click();
    await lead.page.waitForFunction(() => document.documentElement.lang === 'ja');
  });

  it('creates a grant and a consent through the lead’s panels', async () => {
    await lead.page.getByTestId('grant-create').click();
    const orgs = await lead.page.getByTestId('grant-org').locator('option').allTextContents();
    await lead.page.getByTestId('grant-org').selectOption({ label: orgs.find((o) => o.includes('さくら'))! });
    await lead.page.getByTestId('grant-group-care').check();
    await lead.page.getByTestId('grant-perm-notes-read').check();
    await lead.page.getByTestId('grant-basis').selectOption('care_meeting');
    await lead.page.getByTestId('grant-basis-reference').fill('地域ケア会議 2026-11-25');
    await lead.page.getByTestId('grant-valid-until').fill('2027-03-31');
    await expectAccessible(lead.page);
    await lead.page.getByTestId('grant-submit').click();
    await lead.page.locator('[data-testid=grant-row]', { hasText: 'さくら' }).waitFor();
    expect(await lead.page.getByTestId('grant-row').count()).toBe(2);

    await lead.page.getByTestId('consent-create').click();
    await lead.page.locator('[data-testid^=consent-org-]').first().check();
    await lead.page.getByTestId('consent-purpose').fill('支援調整のための情報共有');
    await lead.page.getByTestId('consent-submit').click();
    await lead.page.getByTestId('consent-row').waitFor();
    await lead.page.getByTestId('consent-withdraw').click();
    await lead.page.getByTestId('consent-row').filter({ hasText: '撤回済み' }).waitFor();
  });

  it('at tablet width the record stays usable', async () => {
    const tablet = await env.newPage({ width: 768, height: 1024 });
    await env.login(tablet, leadLoginId, `/recipients/${recipientId}`);
    await tablet.page.getByTestId('field-group-basic').waitFor();
    const overflow = await tablet.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(tablet.page);
    await env.screenshot(tablet.page, 'record-lead-tablet-ja');
    await tablet.context.close();
  });

  it('revoking the grant empties the partner’s screen live and takes the row out of its list', async () => {
    await partner.page.getByTestId('field-group-basic').waitFor();
    const row = lead.page.locator(`[data-testid=grant-row][data-grant-id="${grantId}"]`);
    await row.getByTestId('grant-revoke').click();
    await row.getByTestId('grant-revoke-reason').fill('支援終了のため');
    await row.getByTestId('grant-revoke-confirm').click();
    await partner.page.getByTestId('access-revoked').waitFor({ timeout: 3000 });
    expect(await partner.page.locator('[data-testid^=field-]').count()).toBe(0);
    expect(await partner.page.getByTestId('note-item').count()).toBe(0);
    const text = (await partner.page.locator('main').textContent()) ?? '';
    for (const value of ['髙橋', '花子', '0256-99-9999', '同行支援']) expect(text).not.toContain(value);
    await expectAccessible(partner.page);
    await env.screenshot(partner.page, 'access-revoked-ja');
    await partner.page.getByRole('link', { name: '支援対象者の一覧へ戻る' }).click();
    await partner.page.getByText('該当する支援対象者はいません。').waitFor();
    expect(await partner.page.getByTestId('recipient-row').count()).toBe(0);
    await expectClean(partner, [/ERR_INTERNET_DISCONNECTED/, /WebSocket connection/]);
  });

  it('measures the first load: JavaScript transferred (gzip) and time to an interactive recipient list', async () => {
    const w = await env.newPage();
    const coldStart = Date.now();
    await w.page.goto(`${env.baseUrl}/login`);
    await w.page.getByTestId('login-submit').waitFor();
    const loginReadyMs = Date.now() - coldStart;
    const js = w.bodies.filter((b) => new URL(b.url).pathname.endsWith('.js'));
    const css = w.bodies.filter((b) => new URL(b.url).pathname.endsWith('.css'));
    const gzip = (list: { body: string }[]) => list.reduce((sum, b) => sum + gzipSync(Buffer.from(b.body)).length, 0);
    await env.login(w, leadLoginId);
    const started = Date.now();
    await w.page.goto(`${env.baseUrl}/recipients`);
    await w.page.getByTestId('recipient-row').first().waitFor();
    const listMs = Date.now() - started;
    console.log(
      `first load: ${js.length} JS file(s) ${(gzip(js) / 1024).toFixed(1)} kB gzip, CSS ${(gzip(css) / 1024).toFixed(1)} kB gzip; ` +
        `login form ready after ${loginReadyMs} ms (cold); recipient list interactive ${listMs} ms after navigation (signed in, reload)`,
    );
    expect(gzip(js)).toBeLessThan(300 * 1024);
  });
});
