import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The built console (web/dist), relative to this file in src/ and in dist/ alike. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const API_PREFIXES = ['/trpc', '/admin/', '/health', '/metrics', '/livez', '/readyz'];

/**
 * Serves the console at `/`: hashed assets are cached for a year, index.html never, and unknown
 * GET paths outside the API fall back to index.html (client-side routes).
 */
export async function registerConsole(app: FastifyInstance, root = CONSOLE_DIR): Promise<void> {
  if (!existsSync(root)) {
    app.log.warn({ root }, 'console build not found; run `pnpm build` to serve the admin console');
    app.get('/', async (_request, reply) =>
      reply.type('text/plain').send('Tollgate is running. The admin console is not built: run `pnpm build`.'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    cacheControl: false,
    setHeaders(res, path) {
      res.header('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const isApi = API_PREFIXES.some((prefix) => path.startsWith(prefix));
    if (request.method !== 'GET' || isApi || path.includes('.')) {
      return reply.code(404).send({ error: 'Not Found', message: `Route ${request.method} ${path} not found` });
    }
    return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
  });
}
