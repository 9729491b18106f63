import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { createAjvValidator, VALIDATE_BODY_SCHEMA } from './ajv-validator.js';
import { listenUntilSignalled, requiredEnv } from './serve.js';

/**
 * Peer 1: a plain Fastify route behind `@fastify/rate-limit` with its Redis store (an ioredis
 * client, as its README shows), keyed by the Authorization header, with a limit too high to
 * trigger; the body checked by the route's JSON schema, then the document validated with ajv.
 * Env: PORT, REDIS_URL.
 */
const redis = new Redis(requiredEnv('REDIS_URL'), { connectTimeout: 500, maxRetriesPerRequest: 1 });
const validate = createAjvValidator();

const app = Fastify();
await app.register(rateLimit, {
  max: 1_000_000_000,
  timeWindow: 60_000,
  redis,
  nameSpace: 'bench-fastify-rate-limit-',
  keyGenerator: (request) => request.headers.authorization ?? request.ip,
});
app.post<{ Body: { schema: unknown; document: unknown } }>(
  '/validate',
  { schema: { body: VALIDATE_BODY_SCHEMA } },
  async (request) => validate(request.body.schema, request.body.document),
);
await listenUntilSignalled(app, async () => {
  await redis.quit();
});
