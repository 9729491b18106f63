import { expect, test } from '@playwright/test';
import { Redis } from 'ioredis';
import { clientWithNewKey, SAMPLE_JOB } from './support/api.js';
import { collectPageErrors, signIn } from './support/console.js';
import { startStack, type Stack } from './support/stack.js';
import { failureCode } from './support/trpc-error.js';

let stack: Stack;
let redis: Redis;

test.beforeAll(async () => {
  stack = await startStack({ runWorker: true });
  redis = new Redis(stack.redis!.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
});

test.afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
});

/** The BullMQ hash of a job (`<prefix>:{queue}:<queue name>:<id>`), found rather than assumed. */
async function jobHashKey(jobId: string): Promise<string> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*:${jobId}`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      if ((await redis.type(key)) === 'hash' && (await redis.hexists(key, 'data')) === 1) return key;
    }
  } while (cursor !== '0');
  throw new Error(`no job hash for ${jobId}`);
}

test('a failed job is inspected and retried from the jobs page; the queue pauses and resumes', async ({ page }) => {
  const errors = collectPageErrors(page);
  const { client } = await clientWithNewKey(stack);
  await signIn(page, stack, '/#/jobs');
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Pause queue' }).click();
  await expect(page.getByText('Queue: paused')).toBeVisible();
  const { jobId } = await client.jobs.submit.mutate(SAMPLE_JOB);
  const row = page.getByRole('row').filter({ hasText: jobId });
  await expect(row.getByText('waiting', { exact: true })).toBeVisible();

  // Make its run fail for good: an invalid JSON Schema is an unrecoverable input for the validate kind.
  const key = await jobHashKey(jobId);
  const original = (await redis.hget(key, 'data'))!;
  const poisoned = JSON.parse(original) as { input: { schema: unknown } };
  poisoned.input.schema = { type: 'no-such-type' };
  await redis.hset(key, 'data', JSON.stringify(poisoned));

  await page.getByRole('button', { name: 'Resume queue' }).click();
  await expect(page.getByText('Queue: running')).toBeVisible();
  await expect(row.getByText('failed', { exact: true })).toBeVisible({ timeout: 10_000 });

  // filter by state
  await page.getByLabel('State').selectOption('failed');
  await expect(row).toBeVisible();
  await page.getByLabel('State').selectOption('completed');
  await expect(row).toHaveCount(0);
  await page.getByLabel('State').selectOption('');
  await expect(row).toBeVisible();

  // details
  await page.getByRole('button', { name: `Details of job ${jobId}` }).click();
  const detail = page.getByRole('region', { name: `Job ${jobId}` });
  await expect(detail.getByLabel('State')).toHaveText('failed');
  await expect(detail.getByLabel('Attempts')).toHaveText('1');
  await expect(detail.getByLabel('Documents')).toHaveText('3');
  await expect(detail.getByRole('heading', { name: 'Failed reason' })).toBeVisible();
  await expect(detail.locator('.failed-reason')).toContainText('Invalid JSON Schema');

  // repair the input and retry from the page: it completes
  await redis.hset(key, 'data', original);
  await page.getByRole('button', { name: `Retry job ${jobId}` }).click();
  await expect(row.getByText('completed', { exact: true })).toBeVisible({ timeout: 10_000 });
  await expect(page.getByRole('progressbar', { name: `Progress of job ${jobId}` }).first()).toHaveAttribute(
    'aria-valuenow',
    '100',
  );
  await expect(detail.getByText('3 documents: 1 valid, 2 invalid.')).toBeVisible();
  await expect(detail.getByRole('heading', { name: 'Failed reason' })).toHaveCount(0);
  const done = await client.jobs.get.query({ jobId });
  expect(done.state).toBe('completed');
  expect(done.result).toMatchObject({ total: 3, valid: 1, invalid: 2 });

  // remove, after a confirmation
  await page.getByRole('button', { name: `Remove job ${jobId}` }).click();
  await page
    .getByRole('dialog', { name: `Remove job ${jobId}?` })
    .getByRole('button', { name: 'Remove job' })
    .click();
  await expect(row).toHaveCount(0);
  expect(await failureCode(() => client.jobs.get.query({ jobId }))).toBe('NOT_FOUND');
  expect(errors).toEqual([]);
});
