import { toTRPCError } from '../../errors.js';
import { t } from '../init.js';

/**
 * The one place where domain errors below a procedure become tRPC codes: a Redis outage is
 * SERVICE_UNAVAILABLE (fail closed, HTTP 503), invalid input found past zod is BAD_REQUEST, a
 * running job is CONFLICT (see `toTRPCError`).
 */
export const mapDomainErrors = t.middleware(async function mapDomainErrors(opts) {
  const result = await opts.next();
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR') {
    const mapped = toTRPCError(result.error.cause);
    if (mapped !== null) throw mapped;
  }
  return result;
});
