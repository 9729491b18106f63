import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino, type Logger } from 'pino';
import { loggedReply, loggedRequest } from '../logger.js';
import { isEventStreamRequest } from './event-streams.js';

/**
 * The facts of one access line: the process logger's own `req` and `res` serializers applied by
 * hand, and nothing else — so nothing in it can carry a credential (the URL loses credential query
 * parameters, no header is read).
 */
export function accessLineFields(request: FastifyRequest, reply: FastifyReply) {
  return {
    reqId: request.id,
    req: loggedRequest(request),
    res: loggedReply(reply),
    responseTime: reply.elapsedTime,
  };
}

/**
 * The logger of the `request completed` line: the process logger's destination, level gate and
 * base fields, without its redaction paths and serializers. Those clone every object-valued field
 * of a line to look for secrets (5 µs of a guarded call's ~180 on a small machine, BENCHMARKS.md);
 * the access line's fields are built credential-free (accessLineFields), so they have nothing to
 * find. Lines with an error (`request errored`) still go through the process logger.
 */
export function accessLineLogger(logger: Logger): Logger {
  const destination = (logger as unknown as Record<symbol, pino.DestinationStream>)[pino.symbols.streamSym];
  return pino({ level: 'trace', base: logger.bindings() }, destination);
}

/**
 * One access line per request, written when it ends (`request completed`, or `request errored`
 * with the error), carrying the request's method, URL, route and address and the reply's status
 * and time — instead of Fastify's two (`incoming request`, then a line without the request): half
 * the logging cost of every call, the same facts. Event streams also get Fastify's `incoming
 * request` line when they open. Everything else is Fastify's.
 */
export class AccessLog extends LogController {
  /** Where `request completed` lines go: `processLogger`'s accessLineLogger; without it, the request's logger. */
  private readonly lines: Logger | undefined;

  constructor(processLogger?: Logger) {
    super();
    this.lines = processLogger === undefined ? undefined : accessLineLogger(processLogger);
  }

  /** Only a stream (SSE) gets a line when it starts too: it may stay open for hours. */
  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (isEventStreamRequest(request)) super.incomingRequest(request, reply);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) {
      reply.log.error({ req: request, res: reply, responseTime: reply.elapsedTime, err: error }, 'request errored');
    } else if (this.lines === undefined) {
      reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    } else if ((reply.log as Logger).isLevelEnabled('info')) {
      this.lines.info(accessLineFields(request, reply), 'request completed');
    }
  }
}
