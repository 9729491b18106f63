import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerFromHeader } from '../trpc/context.js';
import { checkAdmin } from '../trpc/middleware/admin.js';

/** preHandler for admin endpoints: 401 without a bearer token, 403 with a wrong one. */
export function adminOnly(adminToken: string | undefined) {
  return async function requireAdminToken(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const check = checkAdmin(bearerFromHeader(request.headers.authorization), adminToken);
    if (check === 'missing') {
      await reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer')
        .send({ error: 'Unauthorized', message: 'Admin token required' });
    } else if (check === 'wrong') {
      await reply.code(403).send({ error: 'Forbidden', message: 'Invalid admin token' });
    }
  };
}
