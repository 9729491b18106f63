import { TRPCError } from '@trpc/server';
import type { Clock } from '../../clock.js';
import type { CounterStore, StoredKey } from '../../counters/counter-store.js';
import { parseApiKey, type KeyCredential } from '../../keys/api-key.js';
import { RecentKeys } from '../../keys/recent-keys.js';
import type { Context } from '../context.js';
import { t } from '../init.js';

const missingKey = () =>
  new TRPCError({ code: 'UNAUTHORIZED', message: 'API key required (Authorization: Bearer <key>)' });

function credentialOrThrow(bearer: string | null): KeyCredential {
  if (bearer === null) throw missingKey();
  const credential = parseApiKey(bearer);
  if (credential === null) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Invalid API key' });
  return credential;
}

/** UNAUTHORIZED for a key that is not (or no longer) valid. */
export function rejectedKey(reason: 'unknown' | 'revoked'): TRPCError {
  return new TRPCError({ code: 'UNAUTHORIZED', message: reason === 'revoked' ? 'API key revoked' : 'Invalid API key' });
}

/** A well-formed API key is present; whether it exists is checked by the quota script. */
export const requireKeyCredential = t.middleware(function requireKeyCredential(opts) {
  return opts.next({ ctx: { credential: credentialOrThrow(opts.ctx.bearer) } });
});

const recentKeysByStore = new WeakMap<CounterStore, RecentKeys>();

function recentKeysOf(counters: CounterStore, clock: Clock): RecentKeys {
  let recent = recentKeysByStore.get(counters);
  if (recent === undefined) {
    recent = new RecentKeys(clock);
    recentKeysByStore.set(counters, recent);
  }
  return recent;
}

/**
 * A well-formed API key that exists and is not revoked, checked before any input is parsed: one
 * extra read the first time an instance sees a key in a while, none after (see RecentKeys).
 * Adds `ctx.credential`; the guard script still authenticates the call itself.
 */
export const screenKey = t.middleware(async function screenKey(opts) {
  return opts.next({ ctx: { credential: await screenedCredential(opts.ctx) } });
});

/**
 * The step of `screenKey` (shared with the guarded procedures' direct calls, trpc/direct-call.ts):
 * the credential at once for a key this instance saw valid lately, else after one read.
 */
export function screenedCredential(ctx: Pick<Context, 'bearer' | 'deps'>): KeyCredential | Promise<KeyCredential> {
  const { bearer } = ctx;
  if (bearer === null) throw missingKey();
  const recent = recentKeysOf(ctx.deps.counters, ctx.deps.clock);
  const known = recent.recentCredential(bearer);
  if (known !== undefined) return known;
  const credential = credentialOrThrow(bearer);
  return ctx.deps.counters.authenticate(credential.id, credential.hash).then((result) => {
    if (result.outcome !== 'ok') throw rejectedKey(result.outcome);
    recent.remember(bearer, credential);
    return credential;
  });
}

/** The API key exists and is not revoked; adds `ctx.credential` and `ctx.apiKey`. */
export const authenticateKey = t.middleware(async function authenticateKey(opts) {
  return opts.next({ ctx: await authenticatedKey(opts.ctx) });
});

/** The step of `authenticateKey` (shared with the key queries' direct calls, trpc/direct-call.ts). */
export async function authenticatedKey(
  ctx: Pick<Context, 'bearer' | 'deps'>,
): Promise<{ credential: KeyCredential; apiKey: StoredKey }> {
  const credential = credentialOrThrow(ctx.bearer);
  const result = await ctx.deps.counters.authenticate(credential.id, credential.hash);
  if (result.outcome !== 'ok') throw rejectedKey(result.outcome);
  return { credential, apiKey: result.key };
}
