/** The admin token, kept in sessionStorage only: it dies with the tab, never in localStorage or a cookie. */
const STORAGE_KEY = 'tollgate.adminToken';

type Listener = () => void;
const listeners = new Set<Listener>();

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token);
  notify();
}

export function clearToken(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  notify();
}

export function subscribeToken(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const listener of listeners) listener();
}
