import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const streamsByApp = new WeakMap<FastifyInstance, Set<ServerResponse>>();

/**
 * Remembers open SSE responses (tRPC subscriptions) so shutdown can end them at once instead of
 * waiting for clients that never hang up. Clients reconnect (to this or another instance).
 */
export function trackEventStreams(app: FastifyInstance): void {
  const open = new Set<ServerResponse>();
  streamsByApp.set(app, open);
  app.addHook('onRequest', function trackEventStream(request, reply, done) {
    if (isEventStreamRequest(request)) {
      const response = reply.raw;
      open.add(response);
      response.once('close', () => open.delete(response));
    }
    done();
  });
}

/** A request for an event stream (SSE): `Accept: text/event-stream`. */
export function isEventStreamRequest(request: FastifyRequest): boolean {
  return request.headers.accept?.includes('text/event-stream') === true;
}

/** Ends every open SSE response of `app`. */
export function endEventStreams(app: FastifyInstance): void {
  for (const response of streamsByApp.get(app) ?? []) {
    if (!response.writableEnded) response.end();
  }
}
