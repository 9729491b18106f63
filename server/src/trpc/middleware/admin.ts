import { TRPCError } from '@trpc/server';
import { limitedMessage, verifyAdmin } from '../../auth/admin-token.js';
import { setRetryAfter } from '../rate-headers.js';
import { t } from '../init.js';

/** 401 without a token, 403 with a wrong one, 429 (Retry-After) from an address over its failed-attempt limit. */
export const requireAdmin = t.middleware(async function requireAdmin(opts) {
  const { deps, req, res, bearer } = opts.ctx;
  const verdict = await verifyAdmin(deps.adminAttempts, req.ip, bearer, deps.config.adminToken);
  switch (verdict.outcome) {
    case 'missing':
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Admin token required' });
    case 'wrong':
      throw new TRPCError({ code: 'FORBIDDEN', message: 'Invalid admin token' });
    case 'limited':
      setRetryAfter(res, verdict.retryAfterMs);
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: limitedMessage(verdict.retryAfterMs) });
    case 'ok':
      return opts.next();
  }
});
