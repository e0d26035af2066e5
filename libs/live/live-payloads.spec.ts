import type { IncomingMessage } from 'node:http';
import { originAllowed } from './live-io.adapter.js';
import { parseRenew, parseSubscribe, parseUnsubscribe } from './live-payloads.js';

const ID = '0193a7c4-5b6e-7f00-8a00-000000000001';

describe('live payloads', () => {
  it('accepts well-formed subscribe payloads and refuses everything else', () => {
    expect(parseSubscribe({ recipientId: ID })).toEqual({ recipientId: ID });
    expect(parseSubscribe({ recipientId: ID.toUpperCase(), sinceSeq: 0 })).toEqual({ recipientId: ID, sinceSeq: 0 });
    for (const bad of [
      null,
      'x',
      [ID],
      {},
      { recipientId: 'nope' },
      { recipientId: ID, sinceSeq: -1 },
      { recipientId: ID, sinceSeq: 1.5 },
      { recipientId: ID, sinceSeq: '3' },
      { recipientId: ID, sinceSeq: 2 ** 60 },
      { recipientId: ID, other: true },
    ]) {
      expect(parseSubscribe(bad)).toBeNull();
    }
    expect(parseUnsubscribe({ recipientId: ID })).toEqual({ recipientId: ID });
    expect(parseUnsubscribe({ recipientId: ID, sinceSeq: 1 })).toBeNull();
    expect(parseRenew({ token: 'abc' })).toEqual({ token: 'abc' });
    expect(parseRenew({ token: '' })).toBeNull();
    expect(parseRenew({ token: 'x'.repeat(5000) })).toBeNull();
  });
});

describe('originAllowed', () => {
  const req = (headers: Record<string, string>) => ({ headers, socket: { remoteAddress: '10.0.0.2' } }) as unknown as IncomingMessage;
  const none = () => false;
  const proxy = (address: string) => address === '10.0.0.2';
  it('allows no Origin, the same origin when no list is configured, and only listed origins otherwise', () => {
    expect(originAllowed(req({ host: 'app.example:3000' }), [], none)).toBe(true);
    expect(originAllowed(req({ host: 'app.example:3000', origin: 'http://app.example:3000' }), [], none)).toBe(true);
    expect(originAllowed(req({ host: 'app.example:3000', origin: 'http://evil.example' }), [], none)).toBe(false);
    expect(originAllowed(req({ host: 'app.example:3000', origin: 'null' }), [], none)).toBe(false);
    const listed = ['https://city.example'];
    expect(originAllowed(req({ host: 'x', origin: 'https://city.example' }), listed, none)).toBe(true);
    expect(originAllowed(req({ host: 'x', origin: 'http://x' }), listed, none)).toBe(false);
    // Behind a trusted proxy the public host is the forwarded one.
    expect(
      originAllowed(req({ host: 'internal:3000', 'x-forwarded-host': 'city.example', origin: 'https://city.example' }), [], proxy),
    ).toBe(true);
    expect(
      originAllowed(req({ host: 'internal:3000', 'x-forwarded-host': 'city.example', origin: 'https://city.example' }), [], none),
    ).toBe(false);
  });
});
