import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestRedisServer } from '../src/test-support/redis-server.js';
import { SERVER_ENTRY, TollgateProcess, WORKER_ENTRY } from '../src/test-support/server-process.js';
import { now } from './trpc-call.js';

/** What the servers and workers are started with, on top of their Redis. */
export interface FleetOptions {
  /** directory of the built `main.js` and `worker.js` (TOLLGATE_DIST, default server/dist) */
  dist: string | undefined;
  adminToken: string;
  prefix: string;
  /** BullMQ lock of an active job: a killed worker's jobs come back after it */
  jobLockMs: number;
  /** how often workers look for jobs whose worker died */
  stalledIntervalMs: number;
  workerConcurrency: number;
}

/**
 * Two server instances (no embedded worker) and two standalone workers, started from the built
 * entries as a user starts them, sharing one Redis that the fleet starts itself on a free
 * loopback port, with AOF and `appendfsync always` (what Redis acknowledged survives a crash).
 */
export class Fleet {
  private workerCount = 0;

  private constructor(
    private readonly options: FleetOptions,
    readonly redis: TestRedisServer,
    readonly servers: TollgateProcess[],
    readonly workers: TollgateProcess[],
  ) {}

  static async start(options: FleetOptions): Promise<Fleet> {
    const redis = await TestRedisServer.start({ appendOnly: true });
    const fleet = new Fleet(options, redis, [], []);
    try {
      await Promise.all([0, 1].map(() => fleet.startServer()));
      await Promise.all([0, 1].map(() => fleet.startWorker()));
    } catch (error) {
      await fleet.destroy();
      throw error;
    }
    return fleet;
  }

  /** Redis killed with SIGKILL, kept down for `downMs`, started again on the same port and AOF. */
  async crashRedis(downMs: number): Promise<{ downAt: number; upAt: number }> {
    const downAt = now();
    await this.redis.kill();
    await sleep(downMs);
    await this.redis.restart();
    return { downAt, upAt: now() };
  }

  /** Worker `index` killed with SIGKILL (its active jobs stay locked until the lock expires), and a new one started. */
  async killWorker(index: number): Promise<{ killedAt: number; readyAt: number; name: string }> {
    const doomed = this.workers[index]!;
    const killedAt = now();
    doomed.signal('SIGKILL');
    await doomed.waitForExit();
    this.workers.splice(index, 1);
    await this.startWorker();
    return { killedAt, readyAt: now(), name: `worker ${this.workerCount}` };
  }

  /** Every process stopped; Redis stopped and its directory removed. */
  async destroy(): Promise<void> {
    const processes = [...this.servers, ...this.workers];
    await Promise.all(
      processes.map(async (process) => {
        process.signal('SIGTERM');
        await process.waitForExit(12_000).catch(() => process.destroy());
      }),
    );
    await this.redis.destroy();
  }

  /** Started and listed at once (so that destroy() ends it even if it never gets ready), then awaited. */
  private async startServer(): Promise<void> {
    const started = await TollgateProcess.start({
      entry: this.entry('main.js', SERVER_ENTRY),
      listen: true,
      env: {
        REDIS_URL: this.redis.url,
        ADMIN_TOKEN: this.options.adminToken,
        REDIS_PREFIX: this.options.prefix,
        RUN_WORKER: 'false',
        ENVIRONMENT: 'production',
      },
    });
    this.servers.push(started);
    await started.ready();
  }

  private async startWorker(): Promise<void> {
    this.workerCount += 1;
    const started = await TollgateProcess.start({
      entry: this.entry('worker.js', WORKER_ENTRY),
      listen: false,
      env: {
        REDIS_URL: this.redis.url,
        REDIS_PREFIX: this.options.prefix,
        ENVIRONMENT: 'production',
        WORKER_CONCURRENCY: String(this.options.workerConcurrency),
        JOB_LOCK_DURATION_MS: String(this.options.jobLockMs),
        JOB_STALLED_INTERVAL_MS: String(this.options.stalledIntervalMs),
      },
    });
    this.workers.push(started);
    await started.ready();
  }

  private entry(file: string, built: string): string {
    return this.options.dist === undefined ? built : join(this.options.dist, file);
  }
}
