import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Config } from './config.js';
import { redactSecrets } from './redis/redact.js';

/** Query parameters that may carry credentials (tRPC subscription connectionParams, tokens). */
const SECRET_PARAMS = new Set(['connectionparams', 'token', 'apikey', 'api_key', 'access_token', 'password']);

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * The URL with the value of every credential-carrying query parameter replaced by [REDACTED].
 * Names are compared decoded and case-insensitively (`connection%50arams` is `connectionParams`).
 */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      return SECRET_PARAMS.has(decoded(name).trim().toLowerCase()) ? `${name}=[REDACTED]` : pair;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  routeOptions?: { url?: string };
  ip?: string;
  id?: string;
}

/** What a line says of a request (`req`): nothing that can carry a credential. */
export function loggedRequest(req: LoggedRequest) {
  return {
    id: req.id,
    method: req.method,
    url: req.url === undefined ? undefined : redactUrl(req.url),
    route: req.routeOptions?.url,
    remoteAddress: req.ip,
  };
}

/** What a line says of a reply (`res`). */
export function loggedReply(res: { statusCode?: number }) {
  return { statusCode: res.statusCode };
}

/**
 * The process logger. Secrets never reach a line: authorization headers and passwords are
 * redacted, request URLs lose credential query parameters, error messages lose Redis passwords.
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'environment'>,
  /** where lines go (default: standard output, as pino writes it) */
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    base: { environment: config.environment },
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'authorization',
        '*.password',
        'password',
        'redisUrl',
        'adminToken',
        'apiKey',
        '*.apiKey',
      ],
      censor: '[REDACTED]',
    },
    serializers: {
      req: loggedRequest,
      res: loggedReply,
      err: (err: Error & { code?: string }) => ({
        type: err.name,
        code: err.code,
        message: redactSecrets(err.message),
        stack: config.environment === 'production' ? undefined : redactSecrets(err.stack ?? ''),
      }),
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
