import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { RouterProvider } from 'react-router';
import { ApiError } from '../shared/api/client';
import { session } from '../shared/session/session';
import { router } from './routes';

function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // 4xx answers are final (403, 404 …); only connection trouble and 5xx are worth a retry.
        retry: (count, error) => count < 2 && (!(error instanceof ApiError) || error.status === 0 || error.status >= 500),
        refetchOnWindowFocus: false,
        // Always try: a request that cannot go out fails with a clear "offline" message instead of waiting silently.
        networkMode: 'always',
      },
      mutations: { retry: false, networkMode: 'always' },
    },
  });
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  // Personal data leaves memory with the session: logout, idle timeout, expiry, a logout in another tab.
  useEffect(() => session.onEnd(() => queryClient.clear()), [queryClient]);
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
