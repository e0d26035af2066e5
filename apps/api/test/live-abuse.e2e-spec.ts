import { io, type Socket } from 'socket.io-client';
import { uuidv7 } from '#libs/platform/index.js';
import { TestApp } from './harness.js';
import { connect, disconnected, emitAck, OpenSockets } from './live-client.js';
import { createRecipient } from './recipient-fixtures.js';

const EVIL = 'http://evil.example';

/** A socket on the given transports with an Origin header of our choosing (Node clients may set it). */
function socketWith(baseUrl: string, token: string, transports: ('polling' | 'websocket')[], origin?: string): Socket {
  return io(`${baseUrl}/live`, {
    path: '/socket.io',
    transports,
    upgrade: false,
    reconnection: false,
    forceNew: true,
    auth: { token },
    extraHeaders: origin ? { origin } : undefined,
  });
}

function outcome(socket: Socket): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), 5000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve('connected');
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      resolve(`refused: ${error.message}`);
    });
  });
}

/** Hostile clients on /live: forged origins, oversized frames, floods, too many subscriptions, malformed payloads. */
describe('live updates under abuse', () => {
  let t: TestApp;
  let capped: TestApp;
  const sockets = new OpenSockets();

  beforeAll(async () => {
    t = await TestApp.start();
    capped = await TestApp.start({}, { database: t.db, live: { maxSubscriptions: 3 } });
  });
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await capped?.close();
    await t?.close();
  });

  it('refuses a forged Origin on the polling and the websocket transport, before any session exists', async () => {
    const actor = await t.actor();
    for (const transports of [['polling'], ['websocket']] as const) {
      const evil = sockets.track(socketWith(t.baseUrl, actor.token, [...transports], EVIL));
      expect(await outcome(evil)).toMatch(/^refused/);
      const same = sockets.track(socketWith(t.baseUrl, actor.token, [...transports], t.baseUrl));
      expect(await outcome(same)).toBe('connected');
    }
    // The engine's handshake itself is refused: no session id is handed out to a foreign origin.
    const handshake = await fetch(`${t.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { origin: EVIL } });
    expect(handshake.status).toBe(403);
    expect(await handshake.text()).not.toContain('"sid"');
    const lookalike = await fetch(`${t.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { origin: `${t.baseUrl}.evil.example` } });
    expect(lookalike.status).toBe(403);
    const ok = await fetch(`${t.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { origin: t.baseUrl } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('"sid"');
  });

  it('cuts off a socket that sends an oversized frame (64 KiB limit), and no other socket notices', async () => {
    const actor = await t.actor();
    const recipient = await createRecipient(t, actor.token);
    const bystander = await sockets.open(t, actor.token);
    for (const transports of [['websocket'], ['polling']] as const) {
      const abuser = sockets.track(socketWith(t.baseUrl, actor.token, [...transports]));
      expect(await outcome(abuser)).toBe('connected');
      const gone = disconnected(abuser);
      abuser.emit('subscribe', { recipientId: uuidv7(), padding: 'x'.repeat(70 * 1024) });
      expect(await gone).toMatch(/transport (close|error)/);
    }
    expect(bystander.connected).toBe(true);
    expect(await emitAck(bystander, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true });
    // A frame just under the limit is an ordinary (refused) payload, not a disconnect.
    expect(await emitAck(bystander, 'subscribe', { recipientId: 'x'.repeat(60 * 1024) })).toEqual({ ok: false, code: 'VALIDATION_FAILED' });
    expect(bystander.connected).toBe(true);
  });

  it('rate-limits a flooding socket, then disconnects it; a socket of the same user keeps being served', async () => {
    const actor = await t.actor();
    const recipient = await createRecipient(t, actor.token);
    const flooder = await sockets.open(t, actor.token);
    const calm = await sockets.open(t, actor.token);
    const gone = disconnected(flooder);
    const answers: Promise<any>[] = [];
    for (let i = 0; i < 400 && flooder.connected; i++) {
      answers.push(emitAck(flooder, 'subscribe', { recipientId: recipient.id }, 3000).catch(() => ({ ok: false, code: 'NO_ANSWER' })));
    }
    // While the flood runs, the other socket's requests are answered normally.
    expect(await emitAck(calm, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true });
    expect(await gone).toBe('io server disconnect');
    const codes = (await Promise.all(answers)).map((a) => (a.ok ? 'ok' : a.code));
    expect(codes.filter((c) => c === 'ok').length).toBeLessThanOrEqual(45);
    expect(codes).toContain('RATE_LIMITED');
    expect(calm.connected).toBe(true);
    expect(await emitAck(calm, 'unsubscribe', { recipientId: recipient.id })).toEqual({ ok: true });
  });

  it('caps subscriptions per socket with TOO_MANY_SUBSCRIPTIONS, also under concurrent subscribes', async () => {
    const lead = await t.actor();
    const recipients = await Promise.all(Array.from({ length: 8 }, () => createRecipient(t, lead.token)));
    const socket = sockets.track(await connect(capped.baseUrl, { token: lead.token }));
    const answers = await Promise.all(recipients.map((r) => emitAck(socket, 'subscribe', { recipientId: r.id })));
    expect(answers.filter((a) => a.ok)).toHaveLength(3);
    expect(answers.filter((a) => !a.ok).map((a) => a.code)).toEqual(Array(5).fill('TOO_MANY_SUBSCRIPTIONS'));
    // Another socket of the same user has a cap of its own.
    const other = sockets.track(await connect(capped.baseUrl, { token: lead.token }));
    expect(await emitAck(other, 'subscribe', { recipientId: recipients[7].id })).toMatchObject({ ok: true });
  });

  it('answers malformed payloads with { ok: false, code } and stays connected', async () => {
    const actor = await t.actor();
    const recipient = await createRecipient(t, actor.token);
    const socket = await sockets.open(t, actor.token);
    const refused: Array<[string, unknown, string]> = [
      ['subscribe', 'a string', 'VALIDATION_FAILED'],
      ['subscribe', 42, 'VALIDATION_FAILED'],
      ['subscribe', [recipient.id], 'VALIDATION_FAILED'],
      ['subscribe', null, 'VALIDATION_FAILED'],
      ['subscribe', true, 'VALIDATION_FAILED'],
      ['subscribe', Buffer.from(recipient.id), 'VALIDATION_FAILED'],
      ['subscribe', {}, 'VALIDATION_FAILED'],
      ['subscribe', { recipientId: `${recipient.id}\u0000` }, 'VALIDATION_FAILED'],
      ['subscribe', { recipientId: '\ud800' }, 'VALIDATION_FAILED'],
      ['subscribe', { recipientId: 'not-a-uuid' }, 'VALIDATION_FAILED'],
      ['subscribe', { recipientId: { $ne: null } }, 'VALIDATION_FAILED'],
      ['subscribe', { recipientId: recipient.id, sinceSeq: '1' }, 'VALIDATION_FAILED'],
      ['subscribe', { recipientId: recipient.id, sinceSeq: 1.5 }, 'VALIDATION_FAILED'],
      ['subscribe', { recipientId: recipient.id, sinceSeq: 2 ** 60 }, 'VALIDATION_FAILED'],
      ['subscribe', JSON.parse(`{"recipientId":"${recipient.id}","__proto__":{"polluted":true}}`), 'VALIDATION_FAILED'],
      ['subscribe', { recipientId: recipient.id, extra: 1 }, 'VALIDATION_FAILED'],
      ['subscribe', JSON.parse('['.repeat(500) + ']'.repeat(500)), 'VALIDATION_FAILED'],
      ['unsubscribe', { recipientId: '\u0000' }, 'VALIDATION_FAILED'],
      ['unsubscribe', 'x', 'VALIDATION_FAILED'],
      ['auth.renew', { token: 'a\u0000b' }, 'UNAUTHORIZED'],
      ['auth.renew', { token: '\udc00' }, 'UNAUTHORIZED'],
      ['auth.renew', { token: 7 }, 'VALIDATION_FAILED'],
      ['auth.renew', 'token', 'VALIDATION_FAILED'],
    ];
    for (const [event, payload, code] of refused) {
      const ack = await emitAck(socket, event, payload);
      if (ack?.ok !== false || ack.code !== code) throw new Error(`${event} ${JSON.stringify(payload)?.slice(0, 80)}: ${JSON.stringify(ack)}`);
    }
    // Events without an acknowledgement, unknown events and several arguments are ignored without harm.
    socket.emit('subscribe', { recipientId: 'x' });
    socket.emit('no.such.event', { a: 1 }, (ack: unknown) => ack);
    socket.emit('subscribe', { recipientId: recipient.id }, 'second argument', 3);
    expect(socket.connected).toBe(true);
    expect(await emitAck(socket, 'subscribe', { recipientId: recipient.id })).toMatchObject({ ok: true });
    expect((await t.get('/health')).status).toBe(200);
  });
});
