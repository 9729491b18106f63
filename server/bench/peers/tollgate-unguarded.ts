import Fastify from 'fastify';
import { initTRPC } from '@trpc/server';
import { validateInputSchema, validateOutputSchema } from '@tollgate/shared';
import { listenUntilSignalled } from './serve.js';
import { tollgateTrpcRoutes, tollgateValidationService } from './tollgate-dist.js';

/**
 * Not a peer: Tollgate's `validation.validate` without its guard, to put a figure on the guard.
 * There is no unguarded procedure in the product, so this mounts the router-equivalent the way
 * Tollgate's buildApp mounts its router: Tollgate's own tRPC request path (the built lean handler,
 * the stock handler behind it for what it declines), Tollgate's zod input and output schemas
 * (`@tollgate/shared`) and its built validation service (`createValidationService(…).validate`,
 * server defaults), at the same URL, POST /trpc/validation.validate. What it leaves out is
 * everything else Tollgate puts around the procedure: the key screen and quota (the guard), the
 * domain-error middleware, security headers, request logging, metrics. Env: PORT, TOLLGATE_DIST.
 */
const validation = await tollgateValidationService();

const t = initTRPC.create();
const router = t.router({
  validation: t.router({
    validate: t.procedure
      .input(validateInputSchema)
      .output(validateOutputSchema)
      .mutation(({ input }) => validation.validate(input.schema, input.document)),
  }),
});

const app = Fastify();
await app.register(await tollgateTrpcRoutes(router));
await listenUntilSignalled(app, () => validation.close());
