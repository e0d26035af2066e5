import type { QueryClient } from '@tanstack/react-query';
import type { RecipientJson } from '#libs/contracts/index.js';
import { queryKeys } from '../api/query-keys';
import { type LiveMessage, type LiveToast, liveReducer } from './live-reducer';

/** Runs the reducer's actions against the QueryClient (the only impure step between an event and the screen). */
export function applyLive(client: QueryClient, message: LiveMessage, userId: string, onToast: (toast: LiveToast) => void) {
  const actions = liveReducer(message, {
    userId,
    knownVersion: (id) => client.getQueryData<RecipientJson>(queryKeys.recipientRecord(id))?.version,
  });
  for (const action of actions) {
    switch (action.op) {
      case 'update':
        client.setQueryData(action.key, action.updater);
        break;
      case 'updateAll':
        client.setQueriesData({ queryKey: action.prefix }, action.updater);
        break;
      case 'invalidate':
        void client.invalidateQueries({ queryKey: action.key });
        break;
      case 'remove':
        client.removeQueries({ queryKey: action.key });
        break;
      case 'toast':
        onToast(action.toast);
        break;
    }
  }
}
