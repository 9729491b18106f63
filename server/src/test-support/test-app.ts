import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../app.js';
import { systemClock, type Clock } from '../clock.js';
import { parseConfig } from '../config.js';
import { createDeps, type Deps } from '../deps.js';
import type { StartupOutput } from '../startup-output.js';

export type Backend = 'redis' | 'memory';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestAppOptions {
  backend: Backend;
  /** required for the redis backend: a TestRedisServer's url */
  redisUrl?: string;
  /** drives the memory backend and, when given, the Redis scripts too */
  clock?: Clock;
  /** extra environment variables (CONTRACT §2 names) */
  env?: Record<string, string>;
  serveConsole?: boolean;
}

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  lines: string[];
  close(): Promise<void>;
}

/** Collects the start-up lines instead of printing them. */
export function recordingOutput(lines: string[]): StartupOutput {
  return { ok: (line) => lines.push(line), warn: (line) => lines.push(line), fail: (line) => lines.push(line) };
}

/** Deps for a test on either backend, with a silent logger and (optionally) an injected clock. */
export async function createTestDeps(options: TestAppOptions, lines: string[] = []): Promise<Deps> {
  if (options.backend === 'redis' && options.redisUrl === undefined) throw new Error('redis backend needs redisUrl');
  const env: Record<string, string> = {
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    REDIS_CONNECT_TIMEOUT_MS: '2000',
    ...(options.backend === 'redis' ? { REDIS_URL: options.redisUrl! } : { DEMO_MODE: 'true' }),
    ...options.env,
  };
  const config = parseConfig(env);
  return createDeps({
    config,
    logger: pino({ level: 'silent' }),
    output: recordingOutput(lines),
    clock: options.clock ?? systemClock,
    scriptClock: options.clock !== undefined,
  });
}

/** A full app (never listening) around test deps. */
export async function createTestApp(options: TestAppOptions): Promise<TestApp> {
  const lines: string[] = [];
  const deps = await createTestDeps(options, lines);
  const app = await buildApp(deps, { serveConsole: options.serveConsole ?? false });
  await app.ready();
  return {
    app,
    deps,
    lines,
    async close() {
      await app.close();
      await deps.close();
    },
  };
}
