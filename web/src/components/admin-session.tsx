import { useState } from 'react';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { describeError, isAuthError } from '../lib/errors';
import { createAdminClient, trpc } from '../trpc';
import { ConsoleShell } from './console-shell';

interface AdminSessionProps {
  token: string;
  /** ends the session; `reason` is shown on the sign-in form */
  onSignOut: (reason: string | null) => void;
}

/** One signed-in session: its own tRPC client and query cache, dropped at sign-out. */
export function AdminSession({ token, onSignOut }: AdminSessionProps) {
  const [queryClient] = useState(() => {
    const endOnAuthError = (error: unknown) => {
      if (isAuthError(error)) onSignOut(describeError(error));
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError: endOnAuthError }),
      mutationCache: new MutationCache({ onError: endOnAuthError }),
      defaultOptions: {
        queries: { retry: (count, error) => !isAuthError(error) && count < 2, refetchOnWindowFocus: true },
        mutations: { retry: false },
      },
    });
  });
  const [trpcClient] = useState(() => createAdminClient(token));
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <ConsoleShell onSignOut={onSignOut} />
      </QueryClientProvider>
    </trpc.Provider>
  );
}
