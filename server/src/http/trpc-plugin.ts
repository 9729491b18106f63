import type { FastifyInstance } from 'fastify';
import type { AnyTRPCRouter } from '@trpc/server';
import { fastifyRequestHandler, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { LeanHandler } from './trpc-lean-handler.js';

export interface TRPCRoutesOptions<TRouter extends AnyTRPCRouter> {
  /** what the stock handler serves the declined requests with (subscriptions, streaming, HEAD…) */
  trpcOptions: FastifyTRPCPluginOptions<TRouter>['trpcOptions'];
  lean: LeanHandler;
}

/**
 * `/:path` (register with `prefix: '/trpc'`) on one route for every method: the lean handler
 * answers plain queries and mutations, and whatever it declines — SSE subscriptions above all —
 * goes to tRPC's own `fastifyRequestHandler`, the handler of the stock `fastifyTRPCPlugin`.
 * Bodies arrive as text, as the stock plugin has them, so tRPC's own JSON errors (a 400 per
 * call) are what a malformed body gets on either path.
 */
export async function trpcRoutes<TRouter extends AnyTRPCRouter>(
  scope: FastifyInstance,
  opts: TRPCRoutesOptions<TRouter>,
): Promise<void> {
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  scope.removeContentTypeParser('multipart/form-data');
  scope.addContentTypeParser('multipart/form-data', {}, (_request, payload, done) => done(null, payload));

  scope.all('/:path', async function trpc(request, reply) {
    const { path } = request.params as { path: string };
    if (await opts.lean(request, reply, path)) return reply;
    await fastifyRequestHandler({ ...opts.trpcOptions, req: request, res: reply, path });
    return reply;
  });
}
