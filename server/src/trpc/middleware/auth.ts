import { TRPCError } from '@trpc/server';
import { parseApiKey, type KeyCredential } from '../../keys/api-key.js';
import { t } from '../init.js';

function credentialOrThrow(bearer: string | null): KeyCredential {
  if (bearer === null)
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'API key required (Authorization: Bearer <key>)' });
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

/** The API key exists and is not revoked; adds `ctx.apiKey`. */
export const authenticateKey = t.middleware(async function authenticateKey(opts) {
  const credential = credentialOrThrow(opts.ctx.bearer);
  const result = await opts.ctx.deps.counters.authenticate(credential.id, credential.hash);
  if (result.outcome !== 'ok') throw rejectedKey(result.outcome);
  return opts.next({ ctx: { credential, apiKey: result.key } });
});
