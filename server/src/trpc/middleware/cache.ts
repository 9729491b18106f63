import type { z } from 'zod';
import type { CacheStore } from '../../cache/cache-store.js';
import type { Clock } from '../../clock.js';
import type { CacheIdentity } from '../cache-key.js';
import { recordCacheOutcome } from '../cache-outcomes.js';
import { cacheEvent } from '../../telemetry/cache-events.js';
import type { CacheEviction, QueryCache } from '../query-cache.js';

/** What procedures get as `ctx.cache`: the response cache, for hand-made caching. */
export type ProcedureCache = Pick<CacheStore, 'get' | 'set' | 'delete' | 'has' | 'deleteGroup' | 'getOrCompute'>;

/** The part of a procedure's context the cache helpers read. */
export interface CacheCallContext {
  cache: ProcedureCache;
  /** the reply the HTTP layer reads the call's cache outcome from */
  res: object;
  deps: { clock: Clock };
  /** set by the API-key procedures */
  apiKey?: { id: string };
  /** set by adminProcedure */
  admin?: true;
}

/** Whose answer a call gets: its API key's, the admin's, or nobody's in particular (null). */
export function callerIdentity(ctx: Pick<CacheCallContext, 'apiKey' | 'admin'>): CacheIdentity | null {
  if (ctx.apiKey !== undefined) return `key:${ctx.apiKey.id}`;
  return ctx.admin === true ? 'admin' : null;
}

/** The part of a middleware's result the cache looks at. */
type NextResult = { ok: true; data: unknown } | { ok: false; error: unknown };

/**
 * A middleware's successful result holding `data`. A hit never calls `next()`, so there is no
 * result from below to return: this builds one as tRPC's own resolve step does ({ ok, data,
 * marker }); tRPC reads only `ok` and `data` (or `error`) of a middleware's result.
 */
function okResult<TResult>(data: unknown): TResult {
  return { ok: true, data, marker: 'middlewareMarker' } as unknown as TResult;
}

interface CachedCallOptions<TInput, TResult> {
  ctx: CacheCallContext;
  path: string;
  input: TInput;
  batchIndex: number;
  next: () => Promise<TResult>;
}

/**
 * One call of a cached query: answered from the cache, or by the rest of the procedure (output
 * validation included) computed once however many callers miss together, then stored unless
 * `shouldCache` says no. Errors are never stored: the failing call's own result goes back as is.
 * Cache failures (Redis down) reject, so the call fails closed (503) like everything else.
 */
export function runCachedQuery<TResult>(
  declaration: QueryCache,
  opts: CachedCallOptions<unknown, TResult>,
): Promise<TResult> {
  // A call not worth caching goes straight on, without a promise of its own.
  if (opts.path === declaration.path && declaration.worthCaching?.(opts.input) === false) return opts.next();
  return cachedCall(declaration, opts);
}

async function cachedCall<TResult>(
  declaration: QueryCache,
  opts: CachedCallOptions<unknown, TResult>,
): Promise<TResult> {
  if (opts.path !== declaration.path) {
    throw new Error(`the cache declared for "${declaration.path}" is mounted at "${opts.path}"`);
  }
  const { ctx } = opts;
  const { key, group } = declaration.address(opts.input, callerIdentity(ctx));
  let failed: TResult | undefined;
  const compute = async () => {
    const result = await opts.next();
    const outcome = result as NextResult;
    if (!outcome.ok) {
      failed = result;
      throw outcome.error;
    }
    return outcome.data;
  };
  let answer;
  try {
    answer = await ctx.cache.getOrCompute(key, compute, {
      ...(group === undefined ? {} : { group }),
      ...(declaration.ttlSec === undefined ? {} : { ttlSec: declaration.ttlSec }),
      ...(declaration.shouldCache === undefined
        ? {}
        : { shouldCache: (value: unknown) => declaration.shouldCache?.(value) !== false }),
    });
  } catch (error) {
    if (failed !== undefined) return failed;
    throw error;
  }
  cacheEvent(answer.hit ? 'cache.hit' : 'cache.miss', { 'tollgate.cache.scope': declaration.scope });
  const secondsLeft = answer.expiresAt === null ? null : (answer.expiresAt - ctx.deps.clock()) / 1000;
  recordCacheOutcome(ctx.res, opts.batchIndex, {
    hit: answer.hit,
    scope: declaration.scope,
    maxAgeSec: secondsLeft === null ? null : Math.max(0, Math.floor(secondsLeft)),
  });
  return okResult<TResult>(answer.value);
}

async function evict(cache: ProcedureCache, evictions: readonly CacheEviction[]): Promise<void> {
  cacheEvent('cache.evict', { 'tollgate.cache.evictions': evictions.length });
  await Promise.all(
    evictions.map((target) =>
      typeof target === 'string'
        ? cache.deleteGroup(target)
        : cache.delete(target.key, target.group === undefined ? {} : { group: target.group }),
    ),
  );
}

/**
 * A mutation that evicts cached answers: before it runs (if the cache cannot be reached, nothing
 * has changed: 503) and again once it has run, successful or not (an answer computed meanwhile
 * from the old state goes too; a compute still in flight when its entry is evicted stores nothing).
 */
export async function runEvictingMutation<TResult>(
  cache: ProcedureCache,
  evictions: readonly CacheEviction[],
  next: () => Promise<TResult>,
): Promise<TResult> {
  await evict(cache, evictions);
  const result = await next();
  await evict(cache, evictions);
  return result;
}

/**
 * Write-through: stores `value` as the answer `declaration`'s query gives for `input`, so the
 * next read is a hit with it. `input` and `value` go through the query's own schemas first, so the
 * entry is the one a read addresses and holds what a read would have stored. A value the query
 * would not cache (`shouldCache`) evicts the entry instead. `identity`: whose entry it is (by
 * default the caller's; ignored for public scope).
 */
export async function writeThrough<TInput extends z.ZodType, TOutput extends z.ZodType>(
  ctx: Pick<CacheCallContext, 'cache' | 'apiKey' | 'admin'>,
  declaration: QueryCache<TInput, TOutput>,
  input: z.input<TInput>,
  value: z.input<TOutput>,
  identity: CacheIdentity | null = callerIdentity(ctx),
): Promise<void> {
  const parsedInput = await declaration.input.parseAsync(input);
  const parsedValue = await declaration.output.parseAsync(value);
  const { key, group } = declaration.address(parsedInput, identity);
  const address = group === undefined ? {} : { group };
  if (declaration.shouldCache?.(parsedValue) === false) {
    await ctx.cache.delete(key, address);
    return;
  }
  await ctx.cache.set(key, parsedValue, {
    ...address,
    ...(declaration.ttlSec === undefined ? {} : { ttlSec: declaration.ttlSec }),
  });
}
