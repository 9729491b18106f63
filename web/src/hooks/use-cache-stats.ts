import { trpc } from '../trpc';

/** The figures move with every cached call: refreshed every 2 s. */
const CACHE_STATS_REFRESH_MS = 2000;

/** `admin.cache.stats`: the response cache of the server instance that answers. */
export function useCacheStats() {
  return trpc.admin.cache.stats.useQuery(undefined, { refetchInterval: CACHE_STATS_REFRESH_MS });
}
