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
 *
 * Entries are found by the key as presented, so a recent key also skips its parse and SHA-256
 * (the guard's costliest step after the schema check, BENCHMARKS.md). Only keys that
 * authenticated are held — never an unknown or malformed one — in this process's memory only,
 * at most CAPACITY of them; an entry past its time is dropped when next looked up.
 */
export class RecentKeys {
  private readonly seen = new LruMap<string, { credential: KeyCredential; until: number }>(CAPACITY);

  constructor(private readonly clock: Clock) {}

  /** The credential of `presented` if it authenticated here within RECENT_KEY_TTL_MS. */
  recentCredential(presented: string): KeyCredential | undefined {
    const entry = this.seen.get(presented);
    if (entry === undefined) return undefined;
    if (entry.until > this.clock()) return entry.credential;
    this.seen.delete(presented);
    return undefined;
  }

  remember(presented: string, credential: KeyCredential): void {
    this.seen.set(presented, { credential, until: this.clock() + RECENT_KEY_TTL_MS });
  }
}
