import type { CacheScope } from './cache-key.js';

/** How the cache answered one call of a request (a batch has one per call). */
export interface CallCacheOutcome {
  /** the answer came from the cache (this instance's memory, Redis, or another instance's compute) */
  readonly hit: boolean;
  readonly scope: CacheScope;
  /** whole seconds the stored answer stays fresh; null when the answer was not stored (`shouldCache`) */
  readonly maxAgeSec: number | null;
}

const byReply = new WeakMap<object, Map<number, CallCacheOutcome>>();

/**
 * Recorded by the cached-query middleware against the request's reply, read by the HTTP layer
 * (http/trpc-http-cache.ts) once every call of the request has answered. Calls made without HTTP
 * (createCaller) record against whatever `res` their context holds, and nobody reads it.
 */
export function recordCacheOutcome(reply: object, batchIndex: number, outcome: CallCacheOutcome): void {
  let outcomes = byReply.get(reply);
  if (outcomes === undefined) {
    outcomes = new Map();
    byReply.set(reply, outcomes);
  }
  outcomes.set(batchIndex, outcome);
}

export function cacheOutcomesOf(reply: object): ReadonlyMap<number, CallCacheOutcome> | undefined {
  return byReply.get(reply);
}
