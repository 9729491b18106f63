import Fastify, { type FastifyRequest } from 'fastify';
import { initTRPC } from '@trpc/server';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import { createTrpcRedisLimiter } from '@trpc-limiter/redis';
import { createClient } from 'redis';
import { z } from 'zod';
import { createAjvValidator } from './ajv-validator.js';
import { listenUntilSignalled, requiredEnv } from './serve.js';

/**
 * Peer 2: the stock tRPC v11 Fastify adapter (`fastifyTRPCPlugin`), one mutation behind
 * `@trpc-limiter/redis` (`createTrpcRedisLimiter`, rate-limiter-flexible's RateLimiterRedis on a
 * node-redis v4 client, as its README shows), fingerprinted by the Authorization header, with a
 * limit too high to trigger; zod input, then the document validated with ajv.
 * POST /trpc/validate. Env: PORT, REDIS_URL.
 */
const redisClient = createClient({ url: requiredEnv('REDIS_URL'), disableOfflineQueue: true });
await redisClient.connect();
const validate = createAjvValidator();

const t = initTRPC.context<{ req: FastifyRequest }>().create();
const rateLimited = t.procedure.use(
  createTrpcRedisLimiter<typeof t>({
    fingerprint: (ctx) => ctx.req.headers.authorization ?? ctx.req.ip,
    max: 1_000_000_000,
    windowMs: 60_000,
    redisClient,
  }),
);
const router = t.router({
  validate: rateLimited
    .input(z.object({ schema: z.union([z.record(z.string(), z.unknown()), z.boolean()]), document: z.unknown() }))
    .mutation(({ input }) => validate(input.schema, input.document)),
});

const app = Fastify();
await app.register(fastifyTRPCPlugin, {
  prefix: '/trpc',
  trpcOptions: { router, createContext: ({ req }: { req: FastifyRequest }) => ({ req }) },
});
await listenUntilSignalled(app, async () => {
  await redisClient.quit();
});
