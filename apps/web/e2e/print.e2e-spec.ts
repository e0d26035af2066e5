import { createRecipient, FULL_RECIPIENT, grant } from '../../api/test/recipient-fixtures.js';
import { axeViolations, BrowserEnv } from './browser.js';

/** Values of the groups the partner below may not read (contact, disability, assistance, health). */
const HIDDEN_VALUES = [
  FULL_RECIPIENT.address,
  FULL_RECIPIENT.phone,
  FULL_RECIPIENT.email,
  '髙橋 一郎',
  '090-0000-0000',
  FULL_RECIPIENT.assistanceCaseworker,
  FULL_RECIPIENT.healthNotes,
  FULL_RECIPIENT.primaryPhysician,
];

describe('browser: the printable record', () => {
  let env: BrowserEnv;
  beforeAll(async () => {
    env = await BrowserEnv.start();
  }, 120_000);
  afterAll(() => env?.close());

  it("prints a partner's record like its screen: locked groups without values, readable notes in time order, printed by and at", async () => {
    const leadOrg = await env.api.organisation('municipal_department', '三条市 高齢介護課');
    const partnerOrg = await env.api.organisation('community_support_center', '三条市 中央地域包括支援センター');
    const lead = await env.api.user(leadOrg, 'caseworker');
    const partner = await env.api.user(partnerOrg, 'caseworker');
    await env.api.ownerQuery(`UPDATE users SET display_name = '鈴木 一郎' WHERE id = $1`, [partner.id]);
    const leadToken = await env.api.tokenFor(lead.id);
    const r = await createRecipient(env.api, leadToken, { ...FULL_RECIPIENT, caseNumber: 'P2026-0001' });
    const note = async (occurredAt: string, body: string, sensitivity = 'normal') => {
      const res = await env.api.post(`/recipients/${r.id}/notes`, leadToken, { occurredAt, contactType: 'visit', body, sensitivity });
      expect(res.status).toBe(201);
    };
    await note('2026-11-20T01:00:00.000Z', '二回目の訪問。服薬の確認。');
    await note('2026-11-10T01:00:00.000Z', '初回訪問。本人と面談。');
    await note('2026-11-15T01:00:00.000Z', '作成機関だけが読む記録', 'author_org_only');
    await grant(env.api, leadToken, r.id, partnerOrg, ['basic', 'care'], ['notes.read']);

    const w = await env.newPage();
    await env.login(w, partner.loginId, `/recipients/${r.id}/print`);
    const sheet = w.page.getByTestId('print-page');
    await sheet.waitFor();
    const text = (await sheet.textContent())!;
    expect(text).toContain('支援経過記録');
    expect(text).toContain('P2026-0001');
    expect(text).toContain('髙橋 幸子');
    expect(text).toContain('要介護2');
    expect(text).toMatch(/令和\d+年\d+月\d+日 \(\d{4}-\d{2}-\d{2}\)/);
    for (const group of ['contact', 'disability', 'assistance', 'health']) {
      await w.page.getByTestId(`print-group-${group}-locked`).waitFor();
      expect(await w.page.getByTestId(`print-group-${group}-locked`).textContent()).toContain('この項目グループへのアクセス権がありません');
    }
    for (const group of ['basic', 'care']) expect(await w.page.getByTestId(`print-group-${group}`).count()).toBe(1);
    const notes = await w.page.getByTestId('print-note').allTextContents();
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain('初回訪問');
    expect(notes[1]).toContain('二回目の訪問');
    const footer = (await w.page.getByTestId('print-footer').textContent())!;
    expect(footer).toContain('鈴木 一郎');
    expect(footer).toContain('三条市 中央地域包括支援センター');

    // Nothing of what the partner may not read reached the browser, in any response or live frame.
    for (const { url, body } of w.bodies) for (const value of HIDDEN_VALUES) expect({ url, has: body.includes(value) }).toEqual({ url, has: false });
    for (const frame of w.frames) for (const value of HIDDEN_VALUES) expect(frame.includes(value)).toBe(false);
    expect(w.bodies.some((b) => b.body.includes('作成機関だけが読む記録'))).toBe(false);
    const printed = w.bodies.find((b) => b.url.endsWith(`/api/v1/recipients/${r.id}/print`))!;
    expect(Object.keys(JSON.parse(printed.body).recipient)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(address|phone|disabilityCertificates|publicAssistance|healthNotes)$/)]),
    );

    // The printout is an audit event naming the printed groups.
    const events = await env.api.auditEvents(`action = 'recipient.print' AND actor_user_id = $1`, [partner.id]);
    expect(events).toHaveLength(1);
    expect([...events[0].field_groups].sort()).toEqual(['basic', 'care']);

    // In print media only the sheet is left: the header and the toolbar are hidden.
    expect(await w.page.getByTestId('print-button').isVisible()).toBe(true);
    await w.page.emulateMedia({ media: 'print' });
    expect(await w.page.getByTestId('nav-user').isVisible()).toBe(false);
    expect(await w.page.getByTestId('print-button').isVisible()).toBe(false);
    expect(await sheet.isVisible()).toBe(true);
    await w.page.emulateMedia({ media: 'screen' });

    expect(await axeViolations(w.page)).toEqual([]);
    await env.screenshot(w.page, 'print-ja');
    expect(w.consoleErrors).toEqual([]);
    expect(w.foreignRequests).toEqual([]);

    // The print button opens the browser's print dialog (window.print is replaced in the page to observe it).
    await w.page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void ((window as unknown as { printed: number }).printed += 1);
    });
    await w.page.getByTestId('print-button').click();
    expect(await w.page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  });

  it('links the record to its printout, and an organisation without access gets a clear message', async () => {
    const leadOrg = await env.api.organisation('welfare_office', '三条市 福祉事務所');
    const lead = await env.api.user(leadOrg, 'caseworker');
    const stranger = await env.api.user(await env.api.organisation('medical'), 'caseworker');
    const r = await createRecipient(env.api, await env.api.tokenFor(lead.id), { ...FULL_RECIPIENT, caseNumber: 'P2026-0002' });
    const w = await env.newPage({ width: 768, height: 1024 });
    await env.login(w, lead.loginId, `/recipients/${r.id}`);
    await w.page.getByRole('link', { name: '印刷' }).click();
    await w.page.getByTestId('print-page').waitFor();
    expect(await w.page.getByTestId('print-group-health').textContent()).toContain(FULL_RECIPIENT.healthNotes);
    expect(await axeViolations(w.page)).toEqual([]);

    const s = await env.newPage();
    await env.login(s, stranger.loginId, `/recipients/${r.id}/print`);
    await s.page.getByRole('alert').waitFor();
    expect(await s.page.getByTestId('print-page').count()).toBe(0);
    for (const { body } of s.bodies) expect(body.includes(FULL_RECIPIENT.healthNotes)).toBe(false);
  });
});
