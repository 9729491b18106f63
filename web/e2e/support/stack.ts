import { randomBytes } from 'node:crypto';
import { TestRedisServer } from '../../../server/src/test-support/redis-server.js';
import { TollgateProcess } from '../../../server/src/test-support/server-process.js';

export interface StackOptions {
  /** false: a demo-mode server with no REDIS_URL (in-memory backends) */
  redis?: boolean;
  /** RUN_WORKER of the server (default false: jobs stay waiting) */
  runWorker?: boolean;
  env?: Record<string, string>;
}

/**
 * A real Redis (on a free loopback port, never 6379) and a real built server (`server/dist/main.js`)
 * serving the built console at `/`, as one spec file's test bed.
 */
export class Stack {
  private constructor(
    readonly redis: TestRedisServer | null,
    private process: TollgateProcess,
    private readonly env: Record<string, string>,
    readonly adminToken: string,
  ) {}

  static async start(options: StackOptions = {}): Promise<Stack> {
    const adminToken = `e2e-admin-${randomBytes(12).toString('hex')}`;
    const redis = options.redis === false ? null : await TestRedisServer.start();
    const env: Record<string, string> = {
      ADMIN_TOKEN: adminToken,
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'warn',
      RUN_WORKER: options.runWorker === true ? 'true' : 'false',
      ...(redis === null ? { DEMO_MODE: 'true' } : { REDIS_URL: redis.url }),
      ...options.env,
    };
    try {
      return new Stack(redis, await launch(env), env, adminToken);
    } catch (error) {
      await redis?.destroy();
      throw error;
    }
  }

  get server(): TollgateProcess {
    return this.process;
  }

  /** http://127.0.0.1:<port>: the console at `/`, tRPC at `/trpc` */
  get url(): string {
    return this.process.url;
  }

  /** SIGKILL the server (no goodbye to open streams). */
  async killServer(): Promise<void> {
    await this.process.destroy();
  }

  /** Starts the server again on the same port, with the same settings and Redis. */
  async startServerAgain(): Promise<void> {
    const port = String(this.process.port);
    if (!this.process.hasExited) await this.process.destroy();
    this.process = await launch({ ...this.env, PORT: port, HOST: '127.0.0.1' });
  }

  async stop(): Promise<void> {
    this.process.signal('SIGTERM');
    await this.process.waitForExit(12_000).catch(() => this.process.destroy());
    await this.redis?.destroy();
  }
}

async function launch(env: Record<string, string>): Promise<TollgateProcess> {
  const server = await TollgateProcess.start({ env });
  try {
    return await server.ready();
  } catch (error) {
    await server.destroy();
    throw error;
  }
}

export const startStack = (options?: StackOptions) => Stack.start(options);
