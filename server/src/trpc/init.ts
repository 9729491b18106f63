import { initTRPC } from '@trpc/server';
import type { CacheScope } from './cache-key.js';
import type { Context } from './context.js';
import { formatError } from './error-formatter.js';

export interface Meta {
  /** guarded procedures that also count against the daily job quota */
  countsDailyJobQuota?: boolean;
  /** guarded procedures whose input carries a JSON Schema (`schema`) that must compile */
  compilesSchema?: boolean;
  /**
   * A cached query (set by `cachedProcedure` from its QueryCache declaration): answers are kept
   * `ttlSec` (default CACHE_DEFAULT_TTL_SEC), per caller unless `scope: 'public'`.
   */
  cache?: { scope: CacheScope; ttlSec?: number };
}

/** The one initTRPC of the server. Routers use the procedures of `trpc.ts`, never this. */
export const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter: formatError,
    sse: {
      ping: { enabled: true, intervalMs: 10_000 },
      client: { reconnectAfterInactivityMs: 25_000 },
    },
  });
