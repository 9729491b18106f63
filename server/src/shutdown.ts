import type { FastifyInstance } from 'fastify';
import type { Deps } from './deps.js';
import type { RunningWorker } from './queue/job-queue.js';
import { endEventStreams } from './http/event-streams.js';
import { settleWithin } from './with-timeout.js';

/** The whole shutdown must fit in this; CONTRACT §3 allows 10 s. */
export const SHUTDOWN_BUDGET_MS = 9_000;

/**
 * Graceful shutdown: stop accepting, end SSE streams (clients reconnect), let in-flight requests
 * finish, let active jobs finish or hand them back, close Redis. Each step is bounded.
 */
export async function shutdown(app: FastifyInstance, deps: Deps, worker: RunningWorker | null): Promise<void> {
  const started = Date.now();
  const remaining = () => Math.max(0, SHUTDOWN_BUDGET_MS - (Date.now() - started));

  const closing = app.close();
  endEventStreams(app);
  // Active jobs finish (or go back to the queue) while in-flight requests drain.
  const workerClosed = worker === null ? Promise.resolve() : worker.close();
  const idleSweep = setInterval(() => app.server.closeIdleConnections(), 100);
  const closed = await settleWithin(
    closing.then(() => true),
    Math.min(5_000, remaining()),
    false,
  );
  clearInterval(idleSweep);
  if (!closed) {
    app.server.closeAllConnections();
    await settleWithin(closing, 500, undefined);
  }
  await settleWithin(workerClosed, Math.max(0, remaining() - 1_000), undefined);
  await settleWithin(deps.close(), Math.max(500, remaining()), undefined);
}
