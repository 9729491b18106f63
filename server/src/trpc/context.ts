import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import { bearerFromHeader } from '../auth/bearer.js';
import type { Deps } from '../deps.js';
import type { ProcedureCache } from './middleware/cache.js';

export interface Context {
  deps: Deps;
  req: FastifyRequest;
  res: FastifyReply;
  /** the bearer token of the Authorization header, or of the subscription's connectionParams */
  bearer: string | null;
  /** the response cache, for hand-made caching (set here rather than by a middleware: every
   * middleware level costs tRPC a copy of the context, the request path's largest cost) */
  cache: ProcedureCache;
}

/**
 * The context of one request. The Authorization header wins; `connectionParams` (sent by SSE
 * clients that cannot set headers, and only ever parsed by the stock adapter) is the fallback.
 */
export function createContext(
  deps: Deps,
  req: FastifyRequest,
  res: FastifyReply,
  connectionParams: Record<string, string | undefined> | null = null,
): Context {
  const fromParams = connectionParams?.['token'];
  const bearer = bearerFromHeader(req.headers.authorization) ?? (typeof fromParams === 'string' ? fromParams : null);
  return { deps, req, res, bearer, cache: deps.cache };
}

/** `createContext` in the shape the stock Fastify adapter calls it. */
export function createContextFactory(deps: Deps) {
  return ({ req, res, info }: CreateFastifyContextOptions): Context =>
    createContext(deps, req, res, info.connectionParams);
}
