import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminStatusSchema, type AdminStatus } from '@tollgate/shared';
import { createTollgateClient, type TollgateClient } from '../../src/client/index.js';
import { TestRedisServer } from '../../src/test-support/redis-server.js';
import { startListeningApp, type ListeningApp } from '../jobs/helpers.js';

/** Collects `admin.status` snapshots over real SSE for `ms`, or the error the stream reports. */
function collectStatus(client: TollgateClient, ms: number): Promise<{ snapshots: AdminStatus[]; error?: unknown }> {
  return new Promise((resolve) => {
    const snapshots: AdminStatus[] = [];
    const subscription = client.admin.status.subscribe(undefined, {
      onData: (snapshot) => snapshots.push(snapshot),
      onError: (error) => {
        subscription.unsubscribe();
        resolve({ snapshots, error });
      },
    });
    setTimeout(() => {
      subscription.unsubscribe();
      resolve({ snapshots });
    }, ms);
  });
}

const schema = { type: 'object' };

for (const backend of ['redis', 'memory'] as const) {
  describe(`admin.status live snapshots (${backend})`, () => {
    let redis: TestRedisServer | undefined;
    let app: ListeningApp;

    beforeAll(async () => {
      if (backend === 'redis') redis = await TestRedisServer.start();
      app = await startListeningApp({ backend, ...(redis === undefined ? {} : { redisUrl: redis.url }) });
    });

    afterAll(async () => {
      await app.close();
      await redis?.destroy();
    });

    it('streams a snapshot at least once a second, with the health and queue figures', async () => {
      const { snapshots, error } = await collectStatus(app.admin, 2_600);
      expect(error).toBeUndefined();
      expect(snapshots.length).toBeGreaterThanOrEqual(3);
      for (const [i, snapshot] of snapshots.entries()) {
        adminStatusSchema.parse(snapshot);
        if (i > 0) expect(snapshot.at - snapshots[i - 1]!.at).toBeLessThanOrEqual(1_000);
      }
      const last = snapshots.at(-1)!;
      expect(last.demo_mode).toBe(backend === 'memory');
      expect(last.health.counter_backend.status).toBe(backend === 'redis' ? 'connected' : 'in-memory');
      if (backend === 'redis') {
        expect(last.redis.version).toMatch(/^\d+\.\d+/);
        expect(last.redis.latencyMs).toBeGreaterThanOrEqual(0);
        expect(last.redis.usedMemoryBytes).toBeGreaterThan(0);
      } else {
        expect(last.redis).toEqual({ latencyMs: null, version: null, usedMemoryBytes: null });
        expect(last.warnings).toHaveLength(2);
      }
    });

    it('follows the queue depth of submitted jobs (no worker running)', async () => {
      const client = await app.newKeyClient('status');
      await client.jobs.submit.mutate({ schema, documents: [1] });
      await client.jobs.submit.mutate({ schema, documents: [2] });
      const { snapshots } = await collectStatus(app.admin, 1_200);
      const last = snapshots.at(-1)!;
      expect(last.health.queue_service.queue_depth).toBe(2);
      expect(last.queue.counts?.waiting).toBe(2);
      expect(last.queue.paused).toBe(false);
    });

    it('reports UNAUTHORIZED and FORBIDDEN inside the stream', async () => {
      const anonymous = createTollgateClient({ url: app.url });
      const wrong = createTollgateClient({ url: app.url, adminToken: 'wrong-token-wrong-token' });
      const [none, bad] = await Promise.all([collectStatus(anonymous, 3_000), collectStatus(wrong, 3_000)]);
      expect(none.snapshots).toEqual([]);
      expect(bad.snapshots).toEqual([]);
      expect((none.error as { data?: { code?: string } }).data?.code).toBe('UNAUTHORIZED');
      expect((bad.error as { data?: { code?: string } }).data?.code).toBe('FORBIDDEN');
    });
  });
}
