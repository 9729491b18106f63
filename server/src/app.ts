import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TRPCError } from '@trpc/server';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { Deps } from './deps.js';
import { registerHealthRoutes } from './http/health-routes.js';
import { registerMetrics } from './http/metrics.js';
import { AccessLog } from './http/access-log.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { registerConsole } from './http/static.js';
import { trpcShapedErrorHandler } from './http/trpc-errors.js';
import { createLeanTRPCHandler } from './http/trpc-lean-handler.js';
import { trpcRoutes } from './http/trpc-plugin.js';
import { trackEventStreams } from './http/event-streams.js';
import { appRouter, type AppRouter } from './trpc/routers/app-router.js';
import { createContext, createContextFactory } from './trpc/context.js';
import { directCallOf } from './trpc/direct-call.js';

export interface AppOptions {
  /** serve the built console at `/` (default true) */
  serveConsole?: boolean;
  /**
   * How `/trpc` is served: `lean` (default) answers queries and mutations without the stock
   * adapter's Fetch round trip and leaves subscriptions and streaming to it; `stock` is tRPC's
   * `fastifyTRPCPlugin` alone (the reference the differential tests compare against).
   */
  trpcPath?: 'lean' | 'stock';
  /**
   * On the lean path, guarded procedures run their direct call (trpc/direct-call.ts) rather than
   * tRPC's middleware chain (default true; false: the chain, for the differential tests).
   */
  directCalls?: boolean;
}

/** Builds the Fastify app around `deps`. Never listens: `main.ts` does, tests use `inject`. */
export async function buildApp(deps: Deps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // pino.Logger and FastifyBaseLogger differ only in generics; without the widening Fastify infers an
    // instance type that its own plugins do not accept.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new AccessLog(deps.logger),
    bodyLimit: deps.config.bodyLimitBytes,
    routerOptions: { maxParamLength: 5000 },
    // The client address (admin-token attempt limits) is the socket's unless TRUST_PROXY names the proxies.
    trustProxy: deps.config.trustProxy === false ? false : [...deps.config.trustProxy],
  });

  await registerSecurityHeaders(app);
  registerMetrics(app, deps);
  registerHealthRoutes(app, deps);
  trackEventStreams(app);

  function onError({ error, path, type }: { error: TRPCError; path: string | undefined; type: string }) {
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      deps.logger.error({ err: error.cause ?? error, path, type }, 'tRPC procedure failed');
    }
  }
  const trpcOptions = {
    router: appRouter,
    createContext: createContextFactory(deps),
    onError,
  } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'];

  await app.register(async function trpcScope(scope) {
    scope.setErrorHandler(trpcShapedErrorHandler);
    if (options.trpcPath === 'stock') {
      await scope.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions });
      return;
    }
    const lean = createLeanTRPCHandler({
      router: appRouter,
      createContext: (req, res) => createContext(deps, req, res),
      onError,
      ...(options.directCalls === false ? {} : { directCallOf }),
    });
    await scope.register(trpcRoutes<AppRouter>, { prefix: '/trpc', trpcOptions, lean });
  });

  if (options.serveConsole !== false) await registerConsole(app);
  return app;
}
