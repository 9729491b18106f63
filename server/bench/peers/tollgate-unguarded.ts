import Fastify from 'fastify';
import { initTRPC } from '@trpc/server';
import { validateInputSchema, validateOutputSchema } from '@tollgate/shared';
import { listenUntilSignalled } from './serve.js';
import {
  tollgateProcedureSteps,
  tollgateRequestSurroundings,
  tollgateTrpcRoutes,
  tollgateValidationService,
} from './tollgate-dist.js';

/**
 * Not a peer: Tollgate's `validation.validate` without its guard, to put a figure on the guard.
 * There is no unguarded procedure in the product, so this mounts the router-equivalent the way
 * Tollgate's buildApp mounts its router: Tollgate's own tRPC request path (the built lean handler,
 * the stock handler behind it for what it declines), Tollgate's zod input and output schemas
 * (`@tollgate/shared`) and its built validation service (`createValidationService(…).validate`,
 * server defaults), at the same URL, POST /trpc/validation.validate, run as a direct call as the
 * guarded procedure is, with what the built server puts around every request: its logger and
 * one-line access log, its security headers. What it leaves out is the guard (the key screen,
 * the schema check, the quota and its RateLimit-* headers), the response cache's check, the
 * domain-error mapping and the metrics hook. Env: PORT, TOLLGATE_DIST.
 */
const validation = await tollgateValidationService();
const { procedureInput, procedureOutput } = await tollgateProcedureSteps();

const t = initTRPC.create();
const validate = t.procedure
  .input(validateInputSchema)
  .output(validateOutputSchema)
  .mutation(({ input }) => validation.validate(input.schema, input.document));
const router = t.router({ validation: t.router({ validate }) });

/**
 * The procedure as a direct call, as Tollgate runs its guarded procedures on the lean path
 * (server/src/trpc/direct-call.ts): input schema, validation, output schema, tRPC's errors — the
 * same steps minus the guard's (key screen, schema check, quota) and the response cache.
 */
async function validateDirectly(_ctx: object, _path: string, getRawInput: () => Promise<unknown>) {
  const parsing = procedureInput(validateInputSchema, await getRawInput());
  const input = parsing instanceof Promise ? await parsing : parsing;
  return procedureOutput(validateOutputSchema, await validation.validate(input.schema, input.document));
}

const surroundings = await tollgateRequestSurroundings();
const app = Fastify(surroundings.fastifyOptions);
await surroundings.register(app);
await app.register(
  await tollgateTrpcRoutes(router, (procedure) => (procedure === validate ? validateDirectly : undefined)),
);
await listenUntilSignalled(app, () => validation.close());
