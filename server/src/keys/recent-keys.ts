import type { Clock } from '../clock.js';
import { LruMap } from '../lru-map.js';
import type { KeyCredential } from './api-key.js';

/** How long a key seen valid is trusted by the pre-screen (the guard script re-checks every call). */
export const RECENT_KEY_TTL_MS = 10_000;
const CAPACITY = 10_000;

/**
 * Keys this instance saw valid a moment ago. The guard authenticates every call in its one
 * script, but input (JSON Schemas) is compiled before that script runs, so that a 400 consumes
 * nothing; this pre-screen keeps callers with unknown or revoked keys from making the server
 * compile anything. It only ever lets a key through to the script, which stays the authority.
 */
export class RecentKeys {
  private readonly seen = new LruMap<string, { hash: string; until: number }>(CAPACITY);

  constructor(private readonly clock: Clock) {}

  isRecentlyValid(credential: KeyCredential): boolean {
    const entry = this.seen.get(credential.id);
    return entry !== undefined && entry.hash === credential.hash && entry.until > this.clock();
  }

  remember(credential: KeyCredential): void {
    this.seen.set(credential.id, { hash: credential.hash, until: this.clock() + RECENT_KEY_TTL_MS });
  }
}
