import { TestApp } from './harness.js';
import { connect, emitAck, OpenSockets, record, until } from './live-client.js';
import { createRecipient, grant } from './recipient-fixtures.js';

/** note.created / note.updated under the sensitivity rules, writer and readers on different instances. */
describe('live updates: case notes under the sensitivity rules', () => {
  let a: TestApp;
  let b: TestApp;
  const sockets = new OpenSockets();

  beforeAll(async () => {
    a = await TestApp.start();
    b = await TestApp.start({}, { database: a.db });
  });
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  async function note(token: string, recipientId: string, sensitivity: string, body: string) {
    const res = await a.post(`/recipients/${recipientId}/notes`, token, {
      occurredAt: '2026-11-20T10:00:00.000Z',
      contactType: 'visit',
      body,
      sensitivity,
    });
    if (res.status !== 201) throw new Error(`note: ${res.status} ${res.text}`);
    return res.body as { id: string; version: number };
  }

  async function watcher(app: TestApp, token: string, recipientId: string) {
    const socket = await connect(app.baseUrl, { token });
    sockets.track(socket);
    const seen = record(socket, ['note.created', 'note.updated', 'access.revoked']);
    expect(await emitAck(socket, 'subscribe', { recipientId })).toMatchObject({ ok: true });
    return { socket, seen, bodies: () => seen.map((s) => `${s.event}:${s.body.note?.body}`) };
  }

  it('sends each note only to organisations that may read it, with the note as GET returns it', async () => {
    const lead = await a.actor();
    const health = await a.actor('caseworker', 'medical');
    const noHealth = await a.actor('caseworker', 'community_support_center');
    const noNotes = await a.actor('caseworker', 'social_welfare_council');
    const recipient = await createRecipient(a, lead.token);
    await grant(a, lead.token, recipient.id, health.organisationId, ['basic', 'health'], ['notes.read']);
    await grant(a, lead.token, recipient.id, noHealth.organisationId, ['basic'], ['notes.read', 'notes.write']);
    await grant(a, lead.token, recipient.id, noNotes.organisationId, ['basic', 'health']);

    const l = await watcher(b, lead.token, recipient.id);
    const h = await watcher(b, health.token, recipient.id);
    const n = await watcher(a, noHealth.token, recipient.id);
    const x = await watcher(b, noNotes.token, recipient.id);

    const normal = await note(lead.token, recipient.id, 'normal', '定期訪問');
    await note(lead.token, recipient.id, 'sensitive', '服薬の変更');
    await note(noHealth.token, recipient.id, 'author_org_only', '内部メモ');
    // A last normal note is the barrier: everyone who reads notes gets it, after whatever came before it.
    const current = await a.get(`/recipients/${recipient.id}/notes/${normal.id}`, lead.token);
    const edited = await a.request('PATCH', `/recipients/${recipient.id}/notes/${normal.id}`, {
      token: lead.token,
      body: { body: '定期訪問（追記）' },
      headers: { 'if-match': `"${current.body.version}"` },
    });
    expect(edited.status).toBe(200);

    await until(l.socket, l.seen, (s) => s.some((e) => e.event === 'note.updated'));
    await until(h.socket, h.seen, (s) => s.some((e) => e.event === 'note.updated'));
    await until(n.socket, n.seen, (s) => s.some((e) => e.event === 'note.updated'));

    expect(l.bodies()).toEqual(['note.created:定期訪問', 'note.created:服薬の変更', 'note.updated:定期訪問（追記）']);
    expect(h.bodies()).toEqual(['note.created:定期訪問', 'note.created:服薬の変更', 'note.updated:定期訪問（追記）']);
    expect(n.bodies()).toEqual(['note.created:定期訪問', 'note.created:内部メモ', 'note.updated:定期訪問（追記）']);
    expect(l.seen[0].body.note).toMatchObject({ id: normal.id, recipientId: recipient.id, sensitivity: 'normal' });
    expect(l.seen[0].body).toMatchObject({ recipientId: recipient.id, actorOrganisationId: lead.organisationId });

    // A retraction reaches the same readers as an update, with the retraction in the note.
    const retracted = await a.post(`/recipients/${recipient.id}/notes/${normal.id}/retract`, lead.token, { reason: '誤記' });
    expect(retracted.status).toBe(200);
    await until(n.socket, n.seen, (s) => s.filter((e) => e.event === 'note.updated').length === 2);
    expect(n.seen[n.seen.length - 1].body.note).toMatchObject({ id: normal.id, retractReason: '誤記' });

    // The organisation without notes.read gets none of them: a grant event to its room arrives, the notes never did.
    const other = await createRecipient(a, lead.token);
    const barrier = record(x.socket, ['grant.created']);
    await grant(a, lead.token, other.id, noNotes.organisationId);
    await until(x.socket, barrier, (s) => s.some((e) => e.body.recipientId === other.id));
    expect(x.seen).toEqual([]);

    // Replay follows the same rules.
    const again = await connect(b.baseUrl, { token: health.token });
    sockets.track(again);
    const seenAgain = record(again, ['note.created', 'note.updated']);
    expect(await emitAck(again, 'subscribe', { recipientId: recipient.id, sinceSeq: l.seen[0].body.seq - 1 })).toMatchObject({
      ok: true,
    });
    expect(seenAgain.map((s) => `${s.event}:${s.body.note.body}`)).toEqual([
      'note.created:定期訪問（追記）',
      'note.created:服薬の変更',
      'note.updated:定期訪問（追記）',
      'note.updated:定期訪問（追記）',
    ]);
    expect(seenAgain[0].body.note.retractedAt).toEqual(expect.any(String));
  });
});
