import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AnyTRPCRouter } from '@trpc/server';
import type * as LeanHandlerModule from '../../src/http/trpc-lean-handler.js';
import type * as TrpcPluginModule from '../../src/http/trpc-plugin.js';
import type * as JobRegistry from '../../src/jobs/registry.js';
import type * as AccessLogModule from '../../src/http/access-log.js';
import type * as LoggerModule from '../../src/logger.js';
import type * as SecurityHeadersModule from '../../src/http/security-headers.js';
import type * as ValidationServiceModule from '../../src/validation/validation-service.js';
import type * as ProcedureStepsModule from '../../src/trpc/procedure-steps.js';
import { requiredEnv } from './serve.js';

/**
 * Tollgate's own code as the built server runs it: modules of the `dist` directory named by
 * TOLLGATE_DIST (the bench passes `server/dist`), typed by their sources.
 */
async function importBuilt<T>(relativePath: string): Promise<T> {
  return (await import(pathToFileURL(join(requiredEnv('TOLLGATE_DIST'), relativePath)).href)) as T;
}

/** Tollgate's validation service with the server's defaults (CONTRACT §2 and config.ts). */
export async function tollgateValidationService() {
  const { createValidationService } = await importBuilt<typeof ValidationServiceModule>(
    'validation/validation-service.js',
  );
  return createValidationService({ threads: availableParallelism(), budgetMs: 1000, jobBudgetMs: 60_000 });
}

/**
 * What Tollgate's buildApp puts around every request besides the guard, as the built server has
 * it: its logger (pino with its redaction, LOG_LEVEL info, to standard output), its access log
 * (one line per request) and its security headers. `fastifyOptions` for `Fastify(…)`, then
 * `register(app)`.
 */
export async function tollgateRequestSurroundings() {
  const { createLogger } = await importBuilt<typeof LoggerModule>('logger.js');
  const { AccessLog } = await importBuilt<typeof AccessLogModule>('http/access-log.js');
  const { registerSecurityHeaders } = await importBuilt<typeof SecurityHeadersModule>('http/security-headers.js');
  const logger = createLogger({ logLevel: 'info', environment: 'production' });
  return {
    fastifyOptions: { loggerInstance: logger as FastifyBaseLogger, logController: new AccessLog(logger) },
    register: (app: FastifyInstance) => registerSecurityHeaders(app),
  };
}

/** The input and output steps Tollgate's direct calls run (`trpc/procedure-steps.ts`). */
export function tollgateProcedureSteps() {
  return importBuilt<typeof ProcedureStepsModule>('trpc/procedure-steps.js');
}

/** Tollgate's job kinds (`createJobKinds` of jobs/registry.ts), running their work through `validation`. */
export async function tollgateJobKinds(validation: ValidationServiceModule.ValidationService) {
  const { createJobKinds } = await importBuilt<typeof JobRegistry>('jobs/registry.js');
  return createJobKinds(validation);
}

/**
 * `router` served at `/trpc` as Tollgate's buildApp serves its own (server/src/app.ts): the built
 * lean handler for queries and mutations, tRPC's stock handler for what it declines. A Fastify
 * plugin, to register at the root. `directCallOf`: procedures run as direct calls, as Tollgate's
 * guarded ones are (server/src/trpc/direct-call.ts).
 */
export async function tollgateTrpcRoutes<TRouter extends AnyTRPCRouter>(
  router: TRouter,
  directCallOf?: LeanHandlerModule.LeanHandlerOptions<object>['directCallOf'],
) {
  const { createLeanTRPCHandler } = await importBuilt<typeof LeanHandlerModule>('http/trpc-lean-handler.js');
  const { trpcRoutes } = await importBuilt<typeof TrpcPluginModule>('http/trpc-plugin.js');
  const createContext = () => ({});
  const lean = createLeanTRPCHandler({
    router,
    createContext,
    ...(directCallOf === undefined ? {} : { directCallOf }),
  });
  return async function trpcScope(scope: FastifyInstance) {
    await scope.register(trpcRoutes<TRouter>, { prefix: '/trpc', trpcOptions: { router, createContext }, lean });
  };
}
