import type { z } from 'zod';
import { t, type Meta } from './init.js';
import { mapDomainErrors } from './middleware/domain-errors.js';
import { authenticateKey, requireKeyCredential, screenKey } from './middleware/auth.js';
import { requireAdmin } from './middleware/admin.js';
import { consumeQuota } from './middleware/quota.js';
import { requireCompilableSchema } from './middleware/schema.js';

export type { Meta };
export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anything; domain errors become tRPC codes (Redis outages: SERVICE_UNAVAILABLE). */
export const publicProcedure = t.procedure.use(mapDomainErrors);

/** Needs a well-formed API key; adds `ctx.credential` (checked against the store by the procedure). */
export const credentialProcedure = publicProcedure.use(requireKeyCredential);

/** Needs a valid, unrevoked API key; adds `ctx.apiKey`. */
export const keyProcedure = publicProcedure.use(authenticateKey);

/** Needs the admin token. */
export const adminProcedure = publicProcedure.use(requireAdmin);

/**
 * Quota-guarded: the key is screened (unknown or revoked keys never get their input parsed),
 * input is validated (a 400 consumes nothing; a JSON Schema in it compiled when `meta` says so),
 * then one atomic call authenticates the key and
 * consumes a rate slot (and a daily job slot when `meta` says so).
 */
export function guardedProcedure<TSchema extends z.ZodType>(input: TSchema, meta: Meta = {}) {
  return publicProcedure
    .use(screenKey)
    .meta(meta)
    .input(input)
    .use(async function compileSchema(opts) {
      if (opts.meta?.compilesSchema === true) {
        await requireCompilableSchema(opts.ctx, (opts.input as { schema?: unknown }).schema);
      }
      return opts.next();
    })
    .use(async function enforceQuota(opts) {
      const apiKey = await consumeQuota(opts.ctx, opts.ctx.credential, opts.meta?.countsDailyJobQuota === true);
      return opts.next({ ctx: { apiKey } });
    });
}
