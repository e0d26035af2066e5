import { readFileSync } from 'node:fs';
import { parseCsv, tamperer } from '../../api/test/audit-helpers.js';
import { createRecipient, FULL_RECIPIENT } from '../../api/test/recipient-fixtures.js';
import { axeViolations, BrowserEnv, type WatchedPage } from './browser.js';

describe('browser: the auditor workspace', () => {
  let env: BrowserEnv;
  let recipient: { id: string; caseNumber: string };
  let other: { id: string; caseNumber: string };
  let caseworker: { id: string; loginId: string };
  let auditor: { loginId: string };
  let w: WatchedPage;

  beforeAll(async () => {
    env = await BrowserEnv.start();
    const lead = await env.api.organisation('municipal_department', '三条市 高齢介護課');
    const cw = await env.api.user(lead, 'caseworker', 'sato.kaigo');
    await env.api.ownerQuery(`UPDATE users SET display_name = '佐藤 花子' WHERE id = $1`, [cw.id]);
    caseworker = cw;
    const token = await env.api.tokenFor(cw.id);
    recipient = await createRecipient(env.api, token, { ...FULL_RECIPIENT, familyName: '山田', givenName: '花子', familyNameKana: 'やまだ', givenNameKana: 'はなこ', caseNumber: 'A2026-0001' });
    other = await createRecipient(env.api, token, { ...FULL_RECIPIENT, caseNumber: 'A2026-0002' });
    expect((await env.api.get(`/recipients/${recipient.id}`, token)).status).toBe(200);
    expect((await env.api.get(`/recipients/${other.id}`, token)).status).toBe(200);
    auditor = await env.api.user(await env.api.organisation('municipal_department', '三条市 総務課'), 'auditor');
    w = await env.newPage();
    await env.login(w, auditor.loginId);
  }, 120_000);
  afterAll(() => env?.close());

  const rowTexts = () => w.page.getByTestId('audit-row').allTextContents();

  it('lands the auditor on /audit and finds the accesses to a recipient by case number, with names', async () => {
    expect(new URL(w.page.url()).pathname).toBe('/audit');
    await w.page.getByTestId('audit-row').first().waitFor();
    await w.page.getByTestId('audit-filter-recipient').fill(recipient.caseNumber);
    await w.page.getByTestId('audit-search').click();
    await w.page.getByTestId('audit-recipient-scope').waitFor();
    await w.page.locator('[data-testid=audit-row][data-action="recipient.read"]').first().waitFor();
    const rows = await rowTexts();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toContain(recipient.caseNumber);
    expect(rows.some((r) => r.includes(other.caseNumber))).toBe(false);
    const read = (await w.page.locator('[data-testid=audit-row][data-action="recipient.read"]').first().textContent())!;
    expect(read).toContain('佐藤 花子');
    expect(read).toContain('sato.kaigo');
    expect(read).toContain('三条市 高齢介護課');
    expect(read).toContain('記録の閲覧');
    expect(read).toMatch(/令和\d+年\d+月\d+日 \(\d{4}-\d{2}-\d{2}\) \d{2}:\d{2}/);

    // A name finds the same recipient through the auditor look-up.
    await w.page.getByRole('button', { name: /条件をクリア/ }).click();
    await w.page.getByTestId('audit-filter-recipient').fill('やまだ');
    await w.page.getByTestId('audit-search').click();
    await w.page.getByTestId('audit-recipient-scope').waitFor();
    expect(await w.page.getByTestId('audit-recipient-scope').textContent()).toContain(recipient.caseNumber);

    // One click on a row's recipient: every access to that recipient, whatever the other filters said.
    await w.page.getByTestId('audit-filter-action').selectOption('recipient.create');
    await w.page.getByTestId('audit-search').click();
    await w.page.locator('[data-testid=audit-row][data-action="recipient.create"]').first().waitFor();
    await w.page.getByTestId('audit-row-recipient').first().click();
    await w.page.locator('[data-testid=audit-row][data-action="recipient.read"]').first().waitFor();
    expect(await w.page.getByTestId('audit-filter-action').inputValue()).toBe('');

    expect(await axeViolations(w.page)).toEqual([]);
    await env.screenshot(w.page, 'audit-ja');
  });

  it('filters by person and JST dates, and an unknown case number finds nothing', async () => {
    await w.page.getByRole('button', { name: /条件をクリア/ }).click();
    await w.page.getByTestId('audit-filter-person').fill('SATO.KAIGO');
    await w.page.getByTestId('audit-filter-action').selectOption('recipient.read');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
    await w.page.getByTestId('audit-filter-from').fill(today);
    await w.page.getByTestId('audit-filter-to').fill(today);
    await w.page.getByTestId('audit-search').click();
    await w.page.getByTestId('audit-filter-person-picked').waitFor();
    await w.page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=audit-row]')].map((r) => r.textContent ?? '');
      return rows.length === 2 && rows.every((r) => r.includes('佐藤 花子') && r.includes('記録の閲覧'));
    });

    await w.page.getByTestId('audit-filter-from').fill('2020-01-01');
    await w.page.getByTestId('audit-filter-to').fill('2020-01-31');
    await w.page.getByTestId('audit-search').click();
    await w.page.getByTestId('audit-empty').waitFor();

    await w.page.getByRole('button', { name: /条件をクリア/ }).click();
    await w.page.getByTestId('audit-filter-recipient').fill('Z9999-0000');
    await w.page.getByTestId('audit-search').click();
    await w.page.getByTestId('audit-empty').waitFor();
  });

  it('downloads the CSV of the filtered events with a byte order mark and the JST column', async () => {
    await w.page.getByRole('button', { name: /条件をクリア/ }).click();
    await w.page.getByTestId('audit-filter-recipient').fill(recipient.caseNumber);
    await w.page.getByTestId('audit-search').click();
    await w.page.getByTestId('audit-recipient-scope').waitFor();
    const [download] = await Promise.all([w.page.waitForEvent('download'), w.page.getByTestId('audit-export').click()]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(header).toContain('日時(日本時間)');
    const col = (name: string) => header.indexOf(name);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const ids = [row[col('支援対象者ID')], ...(row[col('支援対象者ID一覧')] ?? '').split(' ')];
      expect(ids).toContain(recipient.id);
      const utc = row[col('日時(UTC)')]!;
      const jst = new Date(Date.parse(utc) + 9 * 3600_000).toISOString().replace('T', ' ').slice(0, 23);
      expect(row[col('日時(日本時間)')]).toBe(jst);
    }
    expect(rows.map((r) => r[col('操作')])).toEqual(expect.arrayContaining(['recipient.create', 'recipient.read']));
    expect(rows.some((r) => r[col('支援対象者ID')] === other.id)).toBe(false);
  });

  it('verifies the chain: intact, then the first broken event after tampering as the database owner', async () => {
    await w.page.getByTestId('audit-verify').click();
    const result = w.page.getByTestId('audit-verify-result');
    await w.page.locator('[data-testid=audit-verify-result][data-ok=true]').waitFor();
    expect(await result.textContent()).toMatch(/改ざんは見つかりませんでした（\d+件を検証）/);

    const [target] = await env.api.ownerQuery<{ id: string; seq: string }>(
      `SELECT e.id::text AS id, s.seq::text AS seq FROM audit_events e JOIN audit_seals s ON s.event_id = e.id
        WHERE e.action = 'recipient.read' AND e.actor_user_id = $1 ORDER BY s.seq LIMIT 1`,
      [caseworker.id],
    );
    const db = await tamperer(env.api);
    try {
      await db.query(`UPDATE audit_events SET outcome = 'denied' WHERE id = $1`, [target.id]);
    } finally {
      await db.end();
    }
    await w.page.getByTestId('audit-verify').click();
    await w.page.locator('[data-testid=audit-verify-result][data-ok=false]').waitFor();
    const text = (await result.textContent())!;
    expect(text).toContain(target.id);
    expect(text).toContain(target.seq);
    expect(text).toContain('イベントの内容が変更されています');
    expect(await axeViolations(w.page)).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.foreignRequests).toEqual([]);
  });

  it('shows role-unavailable to a caseworker on /audit and to an auditor on /recipients', async () => {
    const cw = await env.newPage();
    await env.login(cw, caseworker.loginId, '/audit');
    await cw.page.getByTestId('role-unavailable').waitFor();
    expect(await cw.page.getByTestId('audit-table').count()).toBe(0);
    await w.page.goto(`${env.baseUrl}/recipients/${recipient.id}`);
    await w.page.getByTestId('role-unavailable').waitFor();
    await w.page.goto(`${env.baseUrl}/recipients/${recipient.id}/print`);
    await w.page.getByTestId('role-unavailable').waitFor();
    expect(await axeViolations(w.page)).toEqual([]);
    expect(cw.consoleErrors).toEqual([]);
  });
});
