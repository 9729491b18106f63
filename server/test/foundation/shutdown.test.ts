import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { TollgateProcess } from '../../src/test-support/server-process.js';

const ADMIN_TOKEN = 'shutdown-admin-token-0123456789';

describe('graceful shutdown', () => {
  let redis: TestRedisServer;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
  });

  afterAll(async () => {
    await redis.destroy();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} with an open SSE subscription exits 0 within 10 s`, async () => {
      const proc = await TollgateProcess.start({ env: { REDIS_URL: redis.url, ADMIN_TOKEN } });
      try {
        await proc.ready();
        const controller = new AbortController();
        const stream = await fetch(`${proc.url}/trpc/admin.status`, {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${ADMIN_TOKEN}` },
          signal: controller.signal,
        });
        expect(stream.status).toBe(200);
        const reader = stream.body!.getReader();
        const first = await reader.read();
        expect(new TextDecoder().decode(first.value)).toContain('data:');

        const started = Date.now();
        proc.signal(signal);
        const { code } = await proc.waitForExit(12_000);
        expect(code).toBe(0);
        expect(Date.now() - started).toBeLessThan(10_000);
        controller.abort();
      } finally {
        await proc.destroy();
      }
    });
  }

  it('finishes a request that is in flight when SIGTERM arrives', async () => {
    const proc = await TollgateProcess.start({ env: { REDIS_URL: redis.url, ADMIN_TOKEN } });
    try {
      await proc.ready();
      // a health request takes a round trip to Redis; pause Redis so it is still in flight
      redis.pause();
      const pending = fetch(`${proc.url}/health`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      proc.signal('SIGTERM');
      redis.resume();
      const response = await pending;
      expect([200, 503]).toContain(response.status);
      expect(((await response.json()) as { status: string }).status).toBeDefined();
      expect((await proc.waitForExit(12_000)).code).toBe(0);
    } finally {
      redis.resume();
      await proc.destroy();
    }
  });
});
