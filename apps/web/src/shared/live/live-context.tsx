import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { session } from '../session/session';
import { applyLive } from './apply-live';
import { LiveClient } from './live-client';
import type { LiveToast } from './live-reducer';

interface LiveValue {
  client: LiveClient | null;
  toasts: (LiveToast & { id: number })[];
  dismiss(id: number): void;
}

const LiveContext = createContext<LiveValue>({ client: null, toasts: [], dismiss: () => undefined });
let toastIds = 0;

/** The tab's one live connection, for as long as the user is signed in; events reach the cache through applyLive. */
export function LiveProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [client, setClient] = useState<LiveClient | null>(null);
  const [toasts, setToasts] = useState<LiveValue['toasts']>([]);

  useEffect(() => {
    const live = new LiveClient(
      session.token,
      (message) => applyLive(queryClient, message, userId, (toast) => setToasts((all) => [...all.slice(-2), { ...toast, id: ++toastIds }])),
      // The server closed the connection (logout, deactivation, token expiry): only a refresh tells which.
      () => session.revalidate(),
    );
    live.start();
    const stopRenew = session.onToken((token) => live.renew(token));
    setClient(live);
    return () => {
      stopRenew();
      live.stop();
      setClient(null);
    };
  }, [queryClient, userId]);

  const dismiss = (id: number) => setToasts((all) => all.filter((t) => t.id !== id));
  return <LiveContext.Provider value={{ client, toasts, dismiss }}>{children}</LiveContext.Provider>;
}

export const useLive = () => useContext(LiveContext);

/** Keeps a subscription to one recipient's events while the calling screen is open. */
export function useRecipientSubscription(recipientId: string | undefined) {
  const { client } = useLive();
  useEffect(() => {
    if (!client || !recipientId) return;
    client.subscribe(recipientId);
    return () => client.unsubscribe(recipientId);
  }, [client, recipientId]);
}
