import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { Deps } from '../deps.js';

export interface Context {
  deps: Deps;
  req: FastifyRequest;
  res: FastifyReply;
  /** the bearer token of the Authorization header, or of the subscription's connectionParams */
  bearer: string | null;
}

export function bearerFromHeader(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

export function createContextFactory(deps: Deps) {
  return function createContext({ req, res, info }: CreateFastifyContextOptions): Context {
    const fromParams = info.connectionParams?.['token'];
    const bearer = bearerFromHeader(req.headers.authorization) ?? (typeof fromParams === 'string' ? fromParams : null);
    return { deps, req, res, bearer };
  };
}
