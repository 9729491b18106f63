import type { FastifyReply, FastifyRequest } from 'fastify';
import { limitedMessage, verifyAdmin } from '../auth/admin-token.js';
import { bearerFromHeader } from '../auth/bearer.js';
import type { Deps } from '../deps.js';
import { setRetryAfter } from '../trpc/rate-headers.js';

/** preHandler for admin endpoints: 401 without a bearer token, 403 with a wrong one, 429 over the failed-attempt limit. */
export function adminOnly(deps: Deps) {
  return async function requireAdminToken(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const bearer = bearerFromHeader(request.headers.authorization);
    const verdict = await verifyAdmin(deps.adminAttempts, request.ip, bearer, deps.config.adminToken);
    switch (verdict.outcome) {
      case 'missing':
        await reply
          .code(401)
          .header('WWW-Authenticate', 'Bearer')
          .send({ error: 'Unauthorized', message: 'Admin token required' });
        return;
      case 'wrong':
        await reply.code(403).send({ error: 'Forbidden', message: 'Invalid admin token' });
        return;
      case 'limited':
        setRetryAfter(reply, verdict.retryAfterMs);
        await reply.code(429).send({ error: 'Too Many Requests', message: limitedMessage(verdict.retryAfterMs) });
        return;
      case 'ok':
        return;
    }
  };
}
