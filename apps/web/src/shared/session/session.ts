import { useSyncExternalStore } from 'react';
import { type CookieTokenPair, type LoginResponse, type MeResponse, SESSION_HINT_COOKIE, SESSION_TRANSPORT_HEADER } from '#libs/contracts/index.js';
import { ApiError, api, apiRequest, bindAuth } from '../api/client';

/**
 * The browser session. The access token lives in this module's memory only; the refresh token is an HttpOnly cookie
 * the API sets (the page never sees it). Reload → refresh from the cookie. Tabs agree through a BroadcastChannel:
 * a logout (or the idle timeout) in one ends every tab, activity in one keeps every tab's session alive.
 */
export type EndReason = 'logout' | 'idle' | 'expired' | 'elsewhere';
export type SessionState =
  | { status: 'booting' }
  | { status: 'anonymous'; reason?: EndReason }
  | { status: 'authenticated'; me: MeResponse };

export const IDLE_LIMIT_MS = 30 * 60 * 1000;
const RENEW_BEFORE_MS = 60 * 1000;
const COOKIE_TRANSPORT = { [SESSION_TRANSPORT_HEADER]: 'cookie' };

let state: SessionState = { status: 'booting' };
let accessToken: string | null = null;
let renewTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<boolean> | undefined;
let lastActivity = Date.now();
let lastActivityBroadcast = 0;
let loggingOut = false;
const listeners = new Set<() => void>();
const tokenListeners = new Set<(token: string) => void>();
const endListeners = new Set<(reason: EndReason) => void>();

type TabMessage = { type: 'logout'; reason: EndReason } | { type: 'login' } | { type: 'activity'; at: number };
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('session');

function setState(next: SessionState) {
  state = next;
  for (const l of listeners) l();
}

function acceptTokens(pair: CookieTokenPair) {
  accessToken = pair.accessToken;
  for (const l of tokenListeners) l(pair.accessToken);
  clearTimeout(renewTimer);
  renewTimer = setTimeout(() => void refresh(), Math.max(10_000, pair.expiresIn * 1000 - RENEW_BEFORE_MS));
}

/** Rotates the cookie's refresh token; one at a time per tab, and across tabs where the browser has Web Locks. */
function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const run = async () => {
      try {
        const pair = await apiRequest<CookieTokenPair>('/auth/refresh', {
          method: 'POST',
          body: {},
          anonymous: true,
          headers: COOKIE_TRANSPORT,
        });
        acceptTokens(pair.data);
        return true;
      } catch (error) {
        if (error instanceof ApiError && error.status === 0) return Boolean(accessToken); // offline: keep going
        return false;
      }
    };
    try {
      return navigator.locks ? await navigator.locks.request('session-refresh', run) : await run();
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

function hasSessionHint() {
  return document.cookie.split(';').some((c) => c.trim() === `${SESSION_HINT_COOKIE}=1`);
}

function end(reason: EndReason, tellOtherTabs: boolean) {
  accessToken = null;
  clearTimeout(renewTimer);
  if (tellOtherTabs) channel?.postMessage({ type: 'logout', reason } satisfies TabMessage);
  for (const l of endListeners) l(reason);
  setState({ status: 'anonymous', reason });
}

async function loadMe() {
  const me = await api.get<MeResponse>('/me');
  lastActivity = Date.now();
  setState({ status: 'authenticated', me });
}

/**
 * The server also closes the live connection when the account changed (role, organisation): the screens follow the
 * account as it is now. A new role re-renders them (what the old role showed goes); another organisation ends the
 * session, since everything this tab holds was read for the old one. Not activity: the idle clock is left alone.
 */
async function followAccount() {
  if (state.status !== 'authenticated') return;
  const before = state.me;
  const me = await api.get<MeResponse>('/me').catch(() => undefined);
  if (!me || state.status !== 'authenticated') return;
  if (me.organisation.id !== before.organisation.id || me.user.id !== before.user.id) end('expired', false);
  else if (me.user.role !== before.user.role || JSON.stringify(me.rules) !== JSON.stringify(before.rules)) setState({ status: 'authenticated', me });
}

function touched() {
  const now = Date.now();
  lastActivity = now;
  if (now - lastActivityBroadcast > 30_000) {
    lastActivityBroadcast = now;
    channel?.postMessage({ type: 'activity', at: now } satisfies TabMessage);
  }
}

export const session = {
  getState: () => state,
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
  /** Current access token (memory only). */
  token: () => accessToken,
  onToken(listener: (token: string) => void) {
    tokenListeners.add(listener);
    return () => void tokenListeners.delete(listener);
  },
  onEnd(listener: (reason: EndReason) => void) {
    endListeners.add(listener);
    return () => void endListeners.delete(listener);
  },

  /** At page load: a session cookie, if any, becomes a session again. */
  async boot() {
    if (hasSessionHint() && (await refresh())) {
      try {
        await loadMe();
        return;
      } catch {
        accessToken = null;
      }
    }
    setState({ status: 'anonymous' });
  },

  async login(loginId: string, password: string) {
    const { data } = await apiRequest<Omit<LoginResponse, 'refreshToken'>>('/auth/login', {
      method: 'POST',
      body: { loginId, password },
      anonymous: true,
      headers: COOKIE_TRANSPORT,
    });
    acceptTokens(data);
    await loadMe();
    channel?.postMessage({ type: 'login' } satisfies TabMessage);
  },

  async logout(reason: EndReason = 'logout') {
    // The server closes the live connection as the logout lands: that is this logout, not a reason to revalidate.
    loggingOut = true;
    try {
      if (accessToken) await apiRequest('/auth/logout', { method: 'POST', body: {}, headers: COOKIE_TRANSPORT });
    } catch {
      // the screen ends the session either way; the server ends it with the token's expiry at the latest
    }
    end(reason, true);
    loggingOut = false;
  },

  /**
   * Whether the session still stands after the server refused or closed something (the live connection): a token
   * refresh answers it. A refused refresh (user or organisation deactivated, session ended elsewhere) ends the
   * session in this tab at once, so its open screens leave personal data behind no longer than that round trip.
   */
  async revalidate(): Promise<boolean> {
    if (state.status !== 'authenticated' || loggingOut) return false;
    if (await refresh()) {
      await followAccount();
      return state.status === 'authenticated';
    }
    if (state.status === 'authenticated') end('expired', false);
    return false;
  },

  /** Called by the idle watcher. */
  idleFor: () => Date.now() - lastActivity,
  touched,
};

channel?.addEventListener('message', (event: MessageEvent<TabMessage>) => {
  const message = event.data;
  if (message.type === 'logout' && state.status === 'authenticated') end('elsewhere', false);
  if (message.type === 'login' && state.status !== 'authenticated') void session.boot();
  if (message.type === 'activity') lastActivity = Math.max(lastActivity, message.at);
});

bindAuth({
  token: () => accessToken,
  renew: () => (state.status === 'authenticated' ? refresh() : Promise.resolve(false)),
  lost: () => {
    if (state.status === 'authenticated') end('expired', false);
  },
  touched,
});

/** Ends the session after IDLE_LIMIT_MS without activity in any tab (the check runs every 15 s). */
export function watchIdle(): () => void {
  const onActivity = () => touched();
  const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
  for (const e of events) window.addEventListener(e, onActivity, { passive: true });
  const timer = setInterval(() => {
    if (state.status === 'authenticated' && session.idleFor() >= IDLE_LIMIT_MS) void session.logout('idle');
  }, 15_000);
  return () => {
    clearInterval(timer);
    for (const e of events) window.removeEventListener(e, onActivity);
  };
}

export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.getState);
}

/** The signed-in user's /me; only for components under the authenticated shell. */
export function useMe(): MeResponse {
  const s = useSession();
  if (s.status !== 'authenticated') throw new Error('useMe outside an authenticated screen');
  return s.me;
}
