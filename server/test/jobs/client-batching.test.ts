import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubmitJobInput } from '@tollgate/shared';
import { BATCH_MAX_ITEMS, createTollgateClient } from '../../src/client/index.js';
import { startListeningApp, type ListeningApp } from './helpers.js';

/** ~600 KB of JSON: within the 1 MiB body limit alone, over it with another in the same body. */
const LARGE_JOB: SubmitJobInput = {
  schema: { type: 'string' },
  documents: Array.from({ length: 2_000 }, (_, i) => `${'x'.repeat(300)}${i}`),
};
const SMALL_JOB: SubmitJobInput = { schema: { type: 'integer' }, documents: [1] };

describe('the typed client keeps batches under the body limit (memory backend, HTTP)', () => {
  let app: ListeningApp;
  let apiKey: string;
  let requests: string[];
  const counting: typeof fetch = (input, init) => {
    requests.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return fetch(input, init);
  };

  beforeAll(async () => {
    app = await startListeningApp({ backend: 'memory', env: { RUN_WORKER: 'false' } });
    const created = await app.admin.admin.keys.create.mutate({
      name: 'client-batching',
      rateLimit: { limit: 10_000, windowSec: 60 },
      dailyJobQuota: 10_000,
    });
    apiKey = created.apiKey;
  });
  afterAll(async () => {
    await app.close();
  });

  it('sends large submissions made together in requests of their own: each is accepted', async () => {
    expect(JSON.stringify(LARGE_JOB).length).toBeGreaterThan(600_000);
    requests = [];
    const client = createTollgateClient({ url: app.url, apiKey, fetch: counting });
    const accepted = await Promise.all([
      client.jobs.submit.mutate(LARGE_JOB),
      client.jobs.submit.mutate(LARGE_JOB),
      client.jobs.submit.mutate(SMALL_JOB),
    ]);
    expect(accepted.map((job) => job.state)).toEqual(['waiting', 'waiting', 'waiting']);
    expect(requests).toHaveLength(3);
  });

  it(`batches small calls made together, ${BATCH_MAX_ITEMS} to a request`, async () => {
    requests = [];
    const client = createTollgateClient({ url: app.url, apiKey, fetch: counting });
    const accepted = await Promise.all(
      Array.from({ length: BATCH_MAX_ITEMS + 1 }, () => client.jobs.submit.mutate(SMALL_JOB)),
    );
    expect(accepted).toHaveLength(BATCH_MAX_ITEMS + 1);
    expect(requests).toHaveLength(2);
    expect(requests.every((url) => url.includes('batch=1'))).toBe(true);
  });
});
