import type { Clock } from '../clock.js';
import { LruMap } from '../lru-map.js';
import { ADMIN_ATTEMPT_LIMIT, type AttemptLimit, type AttemptVerdict, type FailedAttempts } from './failed-attempts.js';

/** Addresses remembered at most (the least recently failing go first): memory stays bounded. */
const MAX_ADDRESSES = 10_000;

interface Window {
  startedAt: number;
  failures: number;
}

/** The in-process twin of the Redis limiter (demo mode, and while Redis does not answer). */
export function createMemoryFailedAttempts(clock: Clock, limit: AttemptLimit = ADMIN_ATTEMPT_LIMIT): FailedAttempts {
  const windows = new LruMap<string, Window>(MAX_ADDRESSES);
  return {
    attempt(address, failed): Promise<AttemptVerdict> {
      const now = clock();
      let window = windows.get(address);
      if (window === undefined || now - window.startedAt >= limit.windowMs) {
        if (!failed) return Promise.resolve({ limited: false });
        window = { startedAt: now, failures: 0 };
      }
      if (window.failures >= limit.failures) {
        return Promise.resolve({ limited: true, retryAfterMs: window.startedAt + limit.windowMs - now });
      }
      if (failed) {
        window.failures += 1;
        windows.set(address, window);
      }
      return Promise.resolve({ limited: false });
    },
    close: () => Promise.resolve(),
  };
}
