import type { Namespace, Socket } from 'socket.io';
import type { LiveClientEvents, LiveServerEvents } from '#libs/contracts/index.js';
import type { Caller } from '#libs/platform/index.js';
import type { TokenBucket } from './token-bucket.js';

/** What the live layer keeps on each socket. */
export interface LiveSocketData {
  caller: Caller;
  /** When the handshake started reading the account: a change announced after that may not be in `caller`. */
  authenticatedFrom: number;
  tokenExpiresAt: number;
  subscriptions: Set<string>;
  bucket: TokenBucket;
  refusals: number;
}

/** Instances share the event table, not Socket.IO: they send each other no events. */
export type LiveInterServerEvents = Record<never, never>;

/** A /live socket: an emit whose name or body is not in the contract's event map does not compile. */
export type LiveSocket = Socket<LiveClientEvents, LiveServerEvents, LiveInterServerEvents, LiveSocketData>;
export type LiveNamespace = Namespace<LiveClientEvents, LiveServerEvents, LiveInterServerEvents, LiveSocketData>;

/** The body of a server → client event, as the contract states it. */
export type LiveEventBody<K extends keyof LiveServerEvents> = Parameters<LiveServerEvents[K]>[0];
/** The payload of a client → server event, as the contract states it. */
export type LivePayloadOf<K extends keyof LiveClientEvents> = Parameters<LiveClientEvents[K]>[0];
/** The answer a client event is acknowledged with, as the contract states it. */
export type LiveAckOf<K extends keyof LiveClientEvents> = Parameters<Parameters<LiveClientEvents[K]>[1]>[0];

/** One server → client message: an event name with the body the contract gives that name. */
export type LiveMessage = { [K in keyof LiveServerEvents]: { event: K; body: LiveEventBody<K> } }[keyof LiveServerEvents];

export const orgRoom = (organisationId: string) => `org:${organisationId}`;
/** Caseworkers and org_admins of an organisation: grant.* go there (auditors and administrators see no case content). */
export const caseRoom = (organisationId: string) => `case:${organisationId}`;
export const subscriptionRoom = (recipientId: string, organisationId: string) => `sub:${recipientId}:${organisationId}`;

/** setTimeout's longest delay: a longer one would overflow and fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timer that never keeps the process alive (the listening server does that) and never overflows. */
export function backgroundTimer(fn: () => void, delayMs: number): NodeJS.Timeout {
  const timer = setTimeout(fn, Math.min(delayMs, MAX_TIMER_MS));
  timer.unref();
  return timer;
}
