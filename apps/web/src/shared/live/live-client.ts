import { useSyncExternalStore } from 'react';
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, LIVE_PATH, type LiveClientEvents, type LiveServerEvents } from '#libs/contracts/index.js';
import type { LiveMessage } from './live-reducer';

export type LiveStatus = 'connected' | 'connecting' | 'offline';

const SERVER_EVENTS = ['recipient.updated', 'note.created', 'note.updated', 'grant.created', 'grant.revoked'] as const;

/**
 * One Socket.IO connection per tab on `/live`. It remembers the last event seq per subscribed recipient, so that after
 * a reconnect it asks for the replay of what it missed (`sinceSeq`); the cache hears of everything through `onMessage`.
 */
export class LiveClient {
  private socket?: Socket<LiveServerEvents, LiveClientEvents>;
  private status: LiveStatus = 'offline';
  private readonly statusListeners = new Set<() => void>();
  /** recipientId → seq of the last event applied (undefined until the first subscription answered). */
  private readonly subscriptions = new Map<string, number | undefined>();
  private readonly users = new Map<string, number>();

  constructor(
    private readonly token: () => string | null,
    private readonly onMessage: (message: LiveMessage) => void,
    /** The server refused the token: get a fresh one (false: the session is over). */
    private readonly renewToken: () => Promise<boolean>,
  ) {}

  start() {
    if (this.socket) return;
    const socket: Socket<LiveServerEvents, LiveClientEvents> = io(LIVE_NAMESPACE, {
      path: LIVE_PATH,
      transports: ['websocket'],
      auth: (cb) => cb({ token: this.token() ?? '' }),
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    this.socket = socket;
    this.setStatus('connecting');
    socket.on('connect', () => {
      this.setStatus('connected');
      for (const id of this.subscriptions.keys()) this.sendSubscribe(id);
    });
    socket.on('disconnect', (reason) => {
      this.setStatus(navigator.onLine ? 'connecting' : 'offline');
      // The server ended the connection (token expiry, logout): Socket.IO does not retry by itself.
      if (reason === 'io server disconnect') void this.reconnectWithFreshToken();
    });
    socket.on('connect_error', (error) => {
      this.setStatus(navigator.onLine ? 'connecting' : 'offline');
      if (error.message === 'unauthorized') void this.reconnectWithFreshToken();
    });
    for (const type of SERVER_EVENTS) {
      socket.on(type, (event: any) => {
        this.seen(event.recipientId, event.seq);
        this.onMessage({ type, event } as LiveMessage);
      });
    }
    socket.on('access.revoked', (event) => {
      this.subscriptions.delete(event.recipientId);
      this.onMessage({ type: 'access.revoked', event });
    });
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
  }

  stop() {
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
    this.subscriptions.clear();
    this.setStatus('offline');
  }

  /** A fresh access token keeps the open connection beyond the old token's expiry. */
  renew(token: string) {
    if (this.socket?.connected) this.socket.emit('auth.renew', { token }, () => undefined);
  }

  /** Screens subscribe independently (the list's rows, the open record): counted, so one leaving keeps the other's. */
  subscribe(recipientId: string) {
    this.users.set(recipientId, (this.users.get(recipientId) ?? 0) + 1);
    if (this.subscriptions.has(recipientId)) return;
    this.subscriptions.set(recipientId, undefined);
    if (this.socket?.connected) this.sendSubscribe(recipientId);
  }

  unsubscribe(recipientId: string) {
    const left = (this.users.get(recipientId) ?? 1) - 1;
    if (left > 0) {
      this.users.set(recipientId, left);
      return;
    }
    this.users.delete(recipientId);
    if (!this.subscriptions.delete(recipientId)) return;
    if (this.socket?.connected) this.socket.emit('unsubscribe', { recipientId }, () => undefined);
  }

  getStatus = () => this.status;
  subscribeStatus = (listener: () => void) => {
    this.statusListeners.add(listener);
    return () => void this.statusListeners.delete(listener);
  };

  private sendSubscribe(recipientId: string) {
    const sinceSeq = this.subscriptions.get(recipientId);
    this.socket?.emit('subscribe', { recipientId, ...(sinceSeq !== undefined ? { sinceSeq } : {}) }, (answer) => {
      if (!this.subscriptions.has(recipientId)) return;
      if (answer.ok) {
        if (this.subscriptions.get(recipientId) === undefined) this.subscriptions.set(recipientId, answer.seq);
      } else if (answer.code === 'REPLAY_UNAVAILABLE') {
        this.subscriptions.set(recipientId, undefined);
        this.onMessage({ type: 'replay.unavailable', recipientId });
        this.sendSubscribe(recipientId);
      } else if (answer.code === 'NOT_FOUND') {
        this.subscriptions.delete(recipientId);
        this.onMessage({ type: 'subscription.refused', recipientId });
      }
    });
  }

  private seen(recipientId: string, seq: number) {
    const last = this.subscriptions.get(recipientId);
    if (this.subscriptions.has(recipientId) && (last === undefined || seq > last)) this.subscriptions.set(recipientId, seq);
  }

  private async reconnectWithFreshToken() {
    if (!this.socket) return;
    if (await this.renewToken()) this.socket?.connect();
    else this.setStatus('offline');
  }

  private readonly onOffline = () => this.setStatus('offline');
  private readonly onOnline = () => this.setStatus(this.socket?.connected ? 'connected' : 'connecting');

  private setStatus(status: LiveStatus) {
    if (status === this.status) return;
    this.status = status;
    for (const l of this.statusListeners) l();
  }
}

export function useLiveStatus(client: LiveClient | null): LiveStatus {
  return useSyncExternalStore(
    (l) => client?.subscribeStatus(l) ?? (() => undefined),
    () => client?.getStatus() ?? 'offline',
  );
}
