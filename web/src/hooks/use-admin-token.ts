import { useSyncExternalStore } from 'react';
import { readToken, subscribeToken } from '../lib/token-store';

/** The signed-in admin token (sessionStorage), or null when signed out. */
export function useAdminToken(): string | null {
  return useSyncExternalStore(subscribeToken, readToken, () => null);
}
