import type { z } from 'zod';
import type { TRPCProcedureBuilder, TRPCUnsetMarker } from '@trpc/server';
import { t, type Meta } from './init.js';
import type { Context } from './context.js';
import { mapDomainErrors } from './middleware/domain-errors.js';
import { authenticateKey, requireKeyCredential, screenKey } from './middleware/auth.js';
import { requireAdmin } from './middleware/admin.js';
import { admitGuardedCall } from './middleware/guard.js';
import { registerDirectCall, type GuardedDeclaration, type GuardedResolver } from './direct-call.js';
import { callerIdentity, runCachedQuery, runEvictingMutation } from './middleware/cache.js';
import type { CacheIdentity, CacheScope } from './cache-key.js';
import type { CacheEviction, QueryCache } from './query-cache.js';

export type { Meta };
export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anything; domain errors become tRPC codes (Redis outages: SERVICE_UNAVAILABLE). `ctx.cache` comes with the context. */
export const publicProcedure = t.procedure.use(mapDomainErrors);

/** Needs a well-formed API key; adds `ctx.credential` (checked against the store by the procedure). */
export const credentialProcedure = publicProcedure.use(requireKeyCredential);

/** Needs a valid, unrevoked API key; adds `ctx.apiKey`. */
export const keyProcedure = publicProcedure.use(authenticateKey);

/** Needs the admin token; `ctx.admin` says so (private cache entries are then the admin's). */
export const adminProcedure = publicProcedure.use(requireAdmin).use(function asAdmin(opts) {
  return opts.next({ ctx: { admin: true as const } });
});

/**
 * Quota-guarded: the key is screened (unknown or revoked keys never get their input parsed),
 * input is validated (a 400 consumes nothing; a JSON Schema in it compiled when `meta` says so),
 * then one atomic call authenticates the key and
 * consumes a rate slot (and a daily job slot when `meta` says so).
 */
export function guardedProcedure<TSchema extends z.ZodType>(input: TSchema, meta: Meta = {}) {
  return (
    publicProcedure
      .use(screenKey)
      .meta(meta)
      .input(input)
      // One middleware, not two: each level costs tRPC a copy of the call's options and context.
      .use(async function enforceQuota(opts) {
        return opts.next({ ctx: { apiKey: await admitGuardedCall(opts.ctx, opts.input, opts.meta) } });
      })
  );
}

/**
 * A guarded mutation, declared once: the tRPC procedure (`guardedProcedure` and the output schema,
 * or `guardedCachedProcedure` for a cached query's declaration) and its direct call for the lean HTTP path, the same steps
 * without tRPC's per-level copies (direct-call.ts).
 */
export function guardedMutation<TInput extends z.ZodType, TOutput extends z.ZodType>(
  declaration: GuardedDeclaration<TInput, TOutput>,
  resolve: GuardedResolver<TInput, TOutput>,
) {
  const meta = declaration.meta ?? {};
  const procedure = (
    declaration.cache === undefined
      ? guardedProcedure(declaration.input, meta).output(declaration.output)
      : guardedCachedProcedure(declaration.cache, meta)
  )
    // tRPC's generic builder cannot see that its parsed input and output types are the schemas'
    .mutation(({ ctx, input }) => resolve({ ctx, input: input as z.output<TInput> }) as Promise<never>);
  registerDirectCall(procedure, 'guarded', declaration, resolve);
  return procedure;
}

/**
 * A query for the holder of a valid API key (`keyProcedure`), declared once: the tRPC procedure
 * (with the input and output schemas, or `cachedProcedure` for a cached query's declaration) and
 * its direct call for the lean HTTP path (direct-call.ts).
 */
export function keyQuery<TInput extends z.ZodType, TOutput extends z.ZodType>(
  declaration: GuardedDeclaration<TInput, TOutput>,
  resolve: GuardedResolver<TInput, TOutput>,
) {
  const procedure = (
    declaration.cache === undefined
      ? keyProcedure
          .meta(declaration.meta ?? {})
          .input(declaration.input)
          .output(declaration.output)
      : cachedProcedure(keyProcedure, declaration.cache)
  )
    // as in guardedMutation: the output schema types the answer, the resolver's type is checked here
    .query(({ ctx, input }) => resolve({ ctx, input: input as z.output<TInput> }) as Promise<never>);
  registerDirectCall(procedure, 'key', declaration, resolve);
  return procedure;
}

/** A base procedure without input yet (publicProcedure, keyProcedure, adminProcedure). */
type BaseProcedure<TContextOverrides> = TRPCProcedureBuilder<
  Context,
  Meta,
  TContextOverrides,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  false
>;

/** Contexts that know whose answer a call gets: private entries need one of them. */
type Identified = { apiKey: { id: string } } | { admin: true };

/** A private declaration on a procedure that knows no caller is a type error. */
type AllowedCache<TContextOverrides, TCache extends QueryCache> = TContextOverrides extends Identified
  ? TCache
  : TCache extends { readonly scope: 'public' }
    ? TCache
    : TCache & { readonly scope: 'public' };

const cacheMeta = (cache: Pick<QueryCache, 'scope' | 'ttlSec'>): Meta => ({
  cache: cache.ttlSec === undefined ? { scope: cache.scope } : { scope: cache.scope, ttlSec: cache.ttlSec },
});

/**
 * A cached query: `base`'s checks first (authentication, admin token), then the cache, then the
 * resolver and the output schema on a miss. Input and output schemas come from the declaration;
 * finish it with `.query(resolver)`. Over GET on the lean path, answers carry X-Cache,
 * Cache-Control, a weak ETag and 304s (http/trpc-http-cache.ts).
 */
export function cachedProcedure<
  TContextOverrides extends object,
  TInput extends z.ZodType,
  TOutput extends z.ZodType,
  TScope extends CacheScope,
>(base: BaseProcedure<TContextOverrides>, cache: AllowedCache<TContextOverrides, QueryCache<TInput, TOutput, TScope>>) {
  return base
    .meta(cacheMeta(cache))
    .input(cache.input)
    .use(function cacheQuery(opts) {
      return runCachedQuery(cache, { ...opts, next: () => opts.next() });
    })
    .output(cache.output);
}

/**
 * A cached query behind the quota guard: the call is screened, validated and counted against the
 * caller's rate limit BEFORE the cache is read, so a hit costs a rate slot like a miss (caching
 * saves work, never quota) and a 429 is a 429 whether the answer is cached or not.
 */
export function guardedCachedProcedure<TInput extends z.ZodType, TOutput extends z.ZodType>(
  cache: QueryCache<TInput, TOutput>,
  meta: Meta = {},
) {
  return guardedProcedure(cache.input, { ...meta, ...cacheMeta(cache) })
    .use(function cacheQuery(opts) {
      return runCachedQuery(cache, { ...opts, next: () => opts.next() });
    })
    .output(cache.output);
}

/**
 * A procedure (a mutation) that evicts cached answers: `evicts(input, caller)` names the groups
 * (`cacheGroup('job', id)`) or entries (`someCache.address(input, caller)`) it invalidates,
 * dropped before and after it runs.
 */
export function evictingProcedure<
  TContextOverrides extends { apiKey?: { id: string }; admin?: true },
  TInput extends z.ZodType,
>(
  base: BaseProcedure<TContextOverrides>,
  input: TInput,
  evicts: (input: z.output<TInput>, caller: CacheIdentity | null) => readonly CacheEviction[],
) {
  return base.input(input).use(function evictCache(opts) {
    // the builder's input type is the schema's output, as tRPC infers it
    const evictions = evicts(opts.input as z.output<TInput>, callerIdentity(opts.ctx));
    return runEvictingMutation(opts.ctx.cache, evictions, () => opts.next());
  });
}
