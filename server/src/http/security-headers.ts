import Fastify, { type FastifyInstance } from 'fastify';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';

/** Helmet's defaults, with a CSP the console works under. */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      'connect-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      // Served over plain HTTP on a LAN address, upgraded asset requests would never load: TLS
      // is the proxy's business, not the page's.
      'upgrade-insecure-requests': null,
    },
  },
};

let computed: Promise<Readonly<Record<string, string>>> | undefined;

/**
 * The headers helmet sets with HELMET_OPTIONS, computed once per process by letting
 * `@fastify/helmet` answer one request of a throwaway instance. They are static (no CSP nonces),
 * so every response can carry the same set; registered as a plugin, helmet would rebuild them
 * (its whole middleware stack, CSP string included) on every response.
 */
export function securityHeaders(): Promise<Readonly<Record<string, string>>> {
  computed ??= (async () => {
    const probe = Fastify();
    await probe.register(helmet, HELMET_OPTIONS);
    const headers: Record<string, string> = {};
    probe.get('/', async (_request, reply) => {
      for (const [name, value] of Object.entries(reply.raw.getHeaders())) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      return '';
    });
    await probe.inject({ method: 'GET', url: '/' });
    await probe.close();
    return Object.freeze(headers);
  })();
  return computed;
}

/** Every response of `app` (API, console, 404s) carries the precomputed security headers. */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  const headers = await securityHeaders();
  app.addHook('onRequest', function securityHeaders(_request, reply, done) {
    reply.headers(headers);
    done();
  });
}
