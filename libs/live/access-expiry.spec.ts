import { jest } from '@jest/globals';
import type { Logger } from 'pino';
import { AccessExpiry } from './access-expiry.js';

type Answer = { changesAt: Date | null } | null;

/** A relay stand-in: answers from `answers` (missing: may no longer read) and records what it was asked and told. */
function harness() {
  const answers = new Map<string, Answer>();
  const asked: string[][] = [];
  const evicted: string[] = [];
  const errors: string[] = [];
  let turns = 0;
  const logger = { error: (_: unknown, message: string) => errors.push(message) } as unknown as Logger;
  const expiry = new AccessExpiry<string>(
    (pair) => pair,
    {
      inTurn: async (fn) => {
        turns++;
        await fn();
      },
      readAccess: async (pairs) => {
        asked.push([...pairs]);
        return new Map(pairs.flatMap((pair) => (answers.has(pair) ? [[pair, answers.get(pair)!] as const] : [])));
      },
      evict: (pair) => evicted.push(pair),
    },
    logger,
  );
  return { expiry, answers, asked, evicted, errors, turns: () => turns };
}

const at = (ms: number) => new Date(Date.now() + ms);

describe('AccessExpiry', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-27T09:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('asks again for the pairs whose moment has come, in the relay turn, and evicts those that lost access', async () => {
    const h = harness();
    h.expiry.note('a', at(1000));
    h.expiry.note('b', at(5000));
    await jest.advanceTimersByTimeAsync(999);
    expect(h.asked).toEqual([]);
    await jest.advanceTimersByTimeAsync(10);
    expect(h.turns()).toBe(1);
    // Only the due pair is asked about; it has no answer now, so it is evicted and forgotten.
    expect(h.asked).toEqual([['a']]);
    expect(h.evicted).toEqual(['a']);
    h.answers.set('b', null);
    await jest.advanceTimersByTimeAsync(4000);
    expect(h.asked).toEqual([['a'], ['b']]);
    expect(h.evicted).toEqual(['a', 'b']);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(h.asked).toHaveLength(2);
  });

  it('follows a pair whose access now lapses later, and looks again soon when the database clock is behind', async () => {
    const h = harness();
    const first = at(1000);
    h.expiry.note('a', first);
    // The database still answers with the same moment: it has not reached it yet.
    h.answers.set('a', { changesAt: first });
    await jest.advanceTimersByTimeAsync(1005);
    expect(h.asked).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(110);
    expect(h.asked).toHaveLength(2);
    // Now another grant carries the pair until later.
    h.answers.set('a', { changesAt: at(3000) });
    await jest.advanceTimersByTimeAsync(110);
    expect(h.asked).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(2800);
    expect(h.asked).toHaveLength(3);
    h.answers.set('a', { changesAt: null });
    await jest.advanceTimersByTimeAsync(200);
    expect(h.asked).toHaveLength(4);
    // Only an explicit change can end that access: nothing more to wait for.
    await jest.advanceTimersByTimeAsync(60_000);
    expect(h.asked).toHaveLength(4);
    expect(h.evicted).toEqual([]);
  });

  it('forgets pairs nobody subscribes to any more, answers without a moment, and everything once stopped', async () => {
    const h = harness();
    h.expiry.note('a', at(1000));
    h.expiry.forget('a');
    h.expiry.note('b', at(1000));
    h.expiry.note('b', null);
    await jest.advanceTimersByTimeAsync(2000);
    expect(h.asked).toEqual([]);
    const turns = h.turns();
    h.expiry.note('c', at(1000));
    h.expiry.stop();
    await jest.advanceTimersByTimeAsync(2000);
    expect(h.turns()).toBe(turns);
    expect(h.asked).toEqual([]);
  });

  it('logs a re-check that fails', async () => {
    const h = harness();
    const expiry = new AccessExpiry<string>(
      (pair) => pair,
      { inTurn: (fn) => fn(), readAccess: () => Promise.reject(new Error('db down')), evict: () => undefined },
      { error: (_: unknown, message: string) => h.errors.push(message) } as unknown as Logger,
    );
    expiry.note('a', at(1000));
    await jest.advanceTimersByTimeAsync(1005);
    expect(h.errors).toEqual(['live: expiry re-check failed']);
    expiry.stop();
  });
});
