import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { Deps } from './deps.js';
import { registerHealthRoutes } from './http/health-routes.js';
import { registerMetrics } from './http/metrics.js';
import { registerConsole } from './http/static.js';
import { trpcShapedErrorHandler } from './http/trpc-errors.js';
import { trackEventStreams } from './http/event-streams.js';
import { appRouter, type AppRouter } from './trpc/routers/app-router.js';
import { createContextFactory } from './trpc/context.js';

export interface AppOptions {
  /** serve the built console at `/` (default true) */
  serveConsole?: boolean;
}

/** Builds the Fastify app around `deps`. Never listens: `main.ts` does, tests use `inject`. */
export async function buildApp(deps: Deps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // pino.Logger and FastifyBaseLogger differ only in generics; without the widening Fastify infers an
    // instance type that its own plugins do not accept.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    routerOptions: { maxParamLength: 5000 },
    trustProxy: true,
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        'connect-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        // Served over plain HTTP on a LAN address, upgraded asset requests would never load: TLS
        // is the proxy's business, not the page's.
        'upgrade-insecure-requests': null,
      },
    },
  });
  registerMetrics(app, deps);
  registerHealthRoutes(app, deps);
  trackEventStreams(app);

  await app.register(async function trpcScope(scope) {
    scope.setErrorHandler(trpcShapedErrorHandler);
    await scope.register(fastifyTRPCPlugin, {
      prefix: '/trpc',
      trpcOptions: {
        router: appRouter,
        createContext: createContextFactory(deps),
        onError({ error, path, type }) {
          if (error.code === 'INTERNAL_SERVER_ERROR') {
            deps.logger.error({ err: error.cause ?? error, path, type }, 'tRPC procedure failed');
          }
        },
      } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
    });
  });

  if (options.serveConsole !== false) await registerConsole(app);
  return app;
}
