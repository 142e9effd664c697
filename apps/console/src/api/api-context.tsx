import { ChaconneApiError, JobManager } from '@chaconne/client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { clearToken, storedToken, storeToken } from '../auth/session';

interface Session {
  /** The signed-in client, or null on the sign-in page. */
  jobManager: JobManager | null;
  signIn: (token: string) => void;
  signOut: (notice?: string) => void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <ApiProvider>');
  return session;
}

/** The signed-in client; only under a route that requires a session. */
export function useJobManager(): JobManager {
  const { jobManager } = useSession();
  if (!jobManager) throw new Error('useJobManager without a session');
  return jobManager;
}

function clientFor(token: string): JobManager {
  // Same origin as the console: the manager serves both.
  return new JobManager({ baseUrl: window.location.origin, token, timeoutMs: 20_000 });
}

const isUnauthorized = (error: unknown): boolean => error instanceof ChaconneApiError && error.status === 401;

/** Worth asking again: the manager was unreachable or failed (5xx); a 4xx answer will not change. */
const isTransient = (error: unknown): boolean =>
  !(error instanceof ChaconneApiError) || error.status === 0 || error.status >= 500;

/**
 * Holds the session (token -> JobManager) and the query cache. Any answer 401 (token revoked or
 * wrong) ends the session: the token is forgotten and the sign-in page says why.
 */
export function ApiProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(() => storedToken());
  const [queryClient] = useState(() => {
    const onError = (error: unknown) => {
      if (isUnauthorized(error)) {
        clearToken('Your session ended: the manager refused the token (401). Sign in again.');
        setToken(null);
      }
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: {
        queries: { retry: (count, error) => isTransient(error) && count < 2, staleTime: 5_000 },
      },
    });
  });

  // Whatever ended the session (sign-out, a 401), nothing of it stays cached for the next one.
  useEffect(() => {
    if (!token) queryClient.clear();
  }, [token, queryClient]);

  const session = useMemo<Session>(() => {
    const signOut = (notice?: string) => {
      clearToken(notice);
      setToken(null);
    };
    return {
      jobManager: token ? clientFor(token) : null,
      signIn(next: string) {
        storeToken(next);
        setToken(next);
      },
      signOut,
    };
  }, [token]);

  return (
    <SessionContext.Provider value={session}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </SessionContext.Provider>
  );
}
