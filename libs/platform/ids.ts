import { randomBytes } from 'node:crypto';

/**
 * A UUID v7 (RFC 9562): time-ordered, so rows written together sit together in B-tree indexes.
 * The counter in rand_a keeps ids from one process strictly increasing within a millisecond.
 */
let lastMs = 0;
let counter = 0;
export function uuidv7(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    counter++;
    if (counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    counter = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_IN_PATH = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Ids are compared as text in places (room names, idempotency scopes, the audit log), so the path of a request is
 * brought to the canonical lower-case spelling of every UUID in it before routing. The query string is left alone.
 */
export function lowerCaseIdsInPath(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const lowered = path.replace(UUID_IN_PATH, (id) => id.toLowerCase());
  return q === -1 ? lowered : lowered + url.slice(q);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Any UUID in its canonical text form (what a `uuid` column accepts without a cast error). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
