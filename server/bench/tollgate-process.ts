import { join } from 'node:path';
import { freePort } from '../src/test-support/free-port.js';
import { createTollgateClient } from '../src/client/index.js';
import { Spawned } from './spawned.js';
import { TOLLGATE_DIST } from './standalone-scripts.js';

export interface TollgateServer {
  process: Spawned;
  url: string;
  adminToken: string;
}

/** Rate limit and daily quota of the bench's keys: too high to trigger. */
export const UNLIMITED = 1_000_000_000;

/**
 * The built Tollgate server (`node server/dist/main.js`) as a user starts it, with everything at
 * its default but what the bench must set: its Redis, an admin token, a key prefix, a free port,
 * ENVIRONMENT=production. Its log (request logging included, LOG_LEVEL's default) goes to a file.
 */
export async function startTollgateServer(options: {
  name: string;
  redisUrl: string;
  prefix: string;
  dir: string;
  adminToken: string;
  env?: Record<string, string>;
}): Promise<TollgateServer> {
  const port = await freePort();
  const process = await Spawned.start({
    name: options.name,
    args: [join(TOLLGATE_DIST, 'main.js')],
    env: {
      REDIS_URL: options.redisUrl,
      ADMIN_TOKEN: options.adminToken,
      REDIS_PREFIX: options.prefix,
      HOST: '127.0.0.1',
      PORT: String(port),
      ENVIRONMENT: 'production',
      ...options.env,
    },
    dir: options.dir,
    ready: /Tollgate listening on/,
  });
  return { process, url: `http://127.0.0.1:${port}`, adminToken: options.adminToken };
}

/** The built standalone worker (`node server/dist/worker.js`), ready once it prints `Worker started`. */
export function startTollgateWorker(options: {
  name: string;
  redisUrl: string;
  prefix: string;
  concurrency: number;
  dir: string;
}): Promise<Spawned> {
  return Spawned.start({
    name: options.name,
    args: [join(TOLLGATE_DIST, 'worker.js')],
    env: {
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: options.prefix,
      WORKER_CONCURRENCY: String(options.concurrency),
      ENVIRONMENT: 'production',
    },
    dir: options.dir,
    ready: /Worker started/,
  });
}

/** A real API key, created through `admin.keys.create`, with limits too high to trigger. */
export async function createBenchKey(server: TollgateServer): Promise<string> {
  const admin = createTollgateClient({ url: server.url, adminToken: server.adminToken });
  const created = await admin.admin.keys.create.mutate({
    name: 'bench',
    rateLimit: { limit: UNLIMITED, windowSec: 60 },
    dailyJobQuota: UNLIMITED,
  });
  return created.apiKey;
}
