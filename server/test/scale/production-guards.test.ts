import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { ADMIN_TOKEN, Processes, expectNoSecrets } from './helpers.js';

const EVICTING = /^❌ Redis maxmemory-policy is allkeys-lru: /;
const NO_PERSISTENCE = /^⚠ Redis has no persistence \(neither AOF nor RDB snapshots\)/;

/** The start-up guards of CONTRACT §11 on the built server and worker. */
describe('production guards at start-up (built processes)', () => {
  const processes = new Processes();
  const password = 'guards-secret-8812';
  let lru: TestRedisServer;
  let snapshotted: TestRedisServer;

  beforeAll(async () => {
    [lru, snapshotted] = await Promise.all([
      TestRedisServer.start({ maxmemoryPolicy: 'allkeys-lru', password }),
      // RDB snapshots but no AOF: persistent enough, no warning
      TestRedisServer.start({ maxmemoryPolicy: 'noeviction', save: '3600 1', password }),
    ]);
  });

  afterAll(async () => {
    const output = processes.all.map((proc) => proc.text).join('\n');
    await processes.destroy();
    await Promise.all([lru.destroy(), snapshotted.destroy()]);
    expectNoSecrets(output, [password, ADMIN_TOKEN]);
  });

  it('refuses an allkeys-lru Redis in production: exit 1, the policy and the fix, nothing started', async () => {
    const server = await processes.server({ REDIS_URL: lru.url, ENVIRONMENT: 'production' });
    expect((await server.waitForExit()).code).toBe(1);
    const line = server.output.find((entry) => entry.startsWith('❌'));
    expect(line).toMatch(EVICTING);
    expect(line).toContain('maxmemory-policy noeviction');
    expect(line).toContain('ALLOW_EVICTING_REDIS=true');
    expect(server.output.filter((entry) => entry.startsWith('✓'))).toEqual([]);
  });

  it('the standalone worker refuses it too', async () => {
    const worker = await processes.worker({ REDIS_URL: lru.url });
    expect((await worker.waitForExit()).code).toBe(1);
    expect(worker.text).toMatch(/^❌ Redis maxmemory-policy is allkeys-lru: /m);
    expect(worker.text).not.toContain('Worker started');
  });

  it('ALLOW_EVICTING_REDIS=true starts with a ⚠ line; no persistence is warned about too', async () => {
    const server = await processes.server({
      REDIS_URL: lru.url,
      ENVIRONMENT: 'production',
      ALLOW_EVICTING_REDIS: 'true',
    });
    await server.ready();
    const warnings = server.output.filter((line) => line.startsWith('⚠'));
    expect(
      warnings.some((line) => line.startsWith('⚠ Redis maxmemory-policy is allkeys-lru (ALLOW_EVICTING_REDIS=true)')),
    ).toBe(true);
    expect(warnings.filter((line) => NO_PERSISTENCE.test(line))).toHaveLength(1);
    expect(server.output).toContain('✓ Counter backend initialized (Redis)');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('demo mode on an evicting Redis warns instead of refusing', async () => {
    const server = await processes.server({ REDIS_URL: lru.url, DEMO_MODE: 'true' });
    await server.ready();
    expect(server.output.some((line) => line.startsWith('⚠ Redis maxmemory-policy is allkeys-lru (DEMO_MODE)'))).toBe(
      true,
    );
  });

  it('a noeviction Redis with RDB snapshots starts without any guard line', async () => {
    const server = await processes.server({ REDIS_URL: snapshotted.url, ENVIRONMENT: 'production' });
    await server.ready();
    expect(server.output.filter((line) => line.startsWith('⚠') || line.startsWith('❌'))).toEqual([]);
  });
});
