/** Limits and timings of the live layer (one place, so tests and benchmarks see the same numbers as production). */
export interface LiveOptions {
  /** Largest accepted client message (Socket.IO `maxHttpBufferSize`). */
  maxMessageBytes: number;
  /** Subscriptions one socket may hold at once. */
  maxSubscriptions: number;
  /** Per-socket token bucket for client → server events. */
  eventsPerSecond: number;
  eventBurst: number;
  /** A socket that keeps hammering after being refused this many times is disconnected. */
  refusalsBeforeDisconnect: number;
  /** Safety-net poll of the event table, for notifications lost while a LISTEN connection was down. */
  pollMs: number;
  /** Events read per relay query. */
  relayBatch: number;
}

export const LIVE_OPTIONS = Symbol('LIVE_OPTIONS');

export const DEFAULT_LIVE_OPTIONS: LiveOptions = {
  maxMessageBytes: 64 * 1024,
  maxSubscriptions: 200,
  eventsPerSecond: 20,
  eventBurst: 40,
  refusalsBeforeDisconnect: 100,
  pollMs: 500,
  relayBatch: 500,
};
