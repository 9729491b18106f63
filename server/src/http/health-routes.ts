import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.js';
import { adminOnly } from './admin-auth.js';
import {
  HEALTH_JSON,
  httpStatusOf,
  readAdminRedisHealth,
  readHealth,
  readHealthJson,
  wantsHealthJson,
} from './health-report.js';

/** /health, /readyz, /livez and the admin Redis report (CONTRACT §4). */
export function registerHealthRoutes(app: FastifyInstance, deps: Deps): void {
  app.get('/health', async (request, reply) => {
    reply.header('Cache-Control', 'no-store').header('Vary', 'Accept');
    if (wantsHealthJson(request.headers.accept)) {
      const { body, httpStatus } = await readHealthJson(deps);
      return reply.code(httpStatus).type(`${HEALTH_JSON}; charset=utf-8`).send(body);
    }
    const body = await readHealth(deps);
    return reply.code(httpStatusOf(body)).send(body);
  });

  app.get('/readyz', async (_request, reply) => {
    const body = await readHealth(deps);
    return reply.code(httpStatusOf(body)).header('Cache-Control', 'no-store').send({ status: body.status });
  });

  app.get('/livez', async (_request, reply) => reply.header('Cache-Control', 'no-store').send({ status: 'alive' }));

  app.get('/admin/health/redis', { preHandler: adminOnly(deps) }, async (_request, reply) =>
    reply.header('Cache-Control', 'no-store').send(await readAdminRedisHealth(deps)),
  );
}
