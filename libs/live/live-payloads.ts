import { isUuid } from '#libs/platform/index.js';
import type { LivePayloadOf } from './live-socket.js';

/** Hand-written checks of client → server payloads: small, strict (unknown keys refused), no reflection needed. */

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const onlyKeys = (value: Record<string, unknown>, allowed: string[]) => Object.keys(value).every((k) => allowed.includes(k));

export function parseSubscribe(payload: unknown): LivePayloadOf<'subscribe'> | null {
  if (!isObject(payload) || !onlyKeys(payload, ['recipientId', 'sinceSeq'])) return null;
  const { recipientId, sinceSeq } = payload;
  if (!isUuid(recipientId)) return null;
  if (sinceSeq !== undefined && (typeof sinceSeq !== 'number' || !Number.isSafeInteger(sinceSeq) || sinceSeq < 0)) {
    return null;
  }
  return { recipientId: recipientId.toLowerCase(), sinceSeq };
}

export function parseUnsubscribe(payload: unknown): LivePayloadOf<'unsubscribe'> | null {
  if (!isObject(payload) || !onlyKeys(payload, ['recipientId'])) return null;
  const { recipientId } = payload;
  if (!isUuid(recipientId)) return null;
  return { recipientId: recipientId.toLowerCase() };
}

export function parseRenew(payload: unknown): LivePayloadOf<'auth.renew'> | null {
  if (!isObject(payload) || !onlyKeys(payload, ['token'])) return null;
  const { token } = payload;
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096) return null;
  return { token };
}
