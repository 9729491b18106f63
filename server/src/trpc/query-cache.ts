import type { z } from 'zod';
import type { CacheAddress } from '../cache/cache-store.js';
import { cacheKey, identityFor, type CacheIdentity, type CacheScope } from './cache-key.js';

/** Where one answer lives: its key and eviction group. */
export interface CacheEntryAddress extends CacheAddress {
  readonly key: string;
}

export interface QueryCacheOptions<
  TInput extends z.ZodType,
  TOutput extends z.ZodType,
  TScope extends CacheScope = CacheScope,
> {
  /** the query's path in the app router (checked when the query runs): the key's first part */
  path: string;
  input: TInput;
  output: TOutput;
  /** `private`: one entry per caller (API key or admin); `public`: one entry for everyone */
  scope: TScope;
  /** seconds an answer lives; default CACHE_DEFAULT_TTL_SEC */
  ttlSec?: number;
  /** the eviction group of an answer (build it with `cacheGroup`), dropped at once by mutations */
  group?(input: z.output<TInput>): string;
  /**
   * whether the cache is used at all for `input` (false: answered as if uncached, for inputs whose
   * answer costs less to compute than a cache round trip); default: always
   */
  worthCaching?(input: z.output<TInput>): boolean;
  /** whether an answer is stored at all (e.g. only finished jobs); default: always */
  shouldCache?(output: z.output<TOutput>): boolean;
}

/**
 * A cacheable query, declared once: the query uses it (`cachedProcedure`), mutations that evict
 * or write through its answers use it too, so all of them address entries with the one key builder.
 */
export interface QueryCache<
  TInput extends z.ZodType = z.ZodType,
  TOutput extends z.ZodType = z.ZodType,
  TScope extends CacheScope = CacheScope,
> extends Readonly<QueryCacheOptions<TInput, TOutput, TScope>> {
  /** the entry holding the answer to `input` for `caller` (ignored for public scope) */
  address(input: z.output<TInput>, caller: CacheIdentity | null): CacheEntryAddress;
}

export function defineQueryCache<TInput extends z.ZodType, TOutput extends z.ZodType, TScope extends CacheScope>(
  options: QueryCacheOptions<TInput, TOutput, TScope>,
): QueryCache<TInput, TOutput, TScope> {
  return Object.freeze({
    ...options,
    address(input: z.output<TInput>, caller: CacheIdentity | null): CacheEntryAddress {
      const key = cacheKey({ path: options.path, input, identity: identityFor(options.scope, caller) });
      const group = options.group?.(input);
      return group === undefined ? { key } : { key, group };
    },
  });
}

/** What a mutation evicts: a whole group (`'job:42'`) or one entry (`someCache.address(input, caller)`). */
export type CacheEviction = string | CacheEntryAddress;
