import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { clientWithNewKey, SAMPLE_JOB } from './support/api.js';
import { collectPageErrors, figure, signIn } from './support/console.js';
import { startStack, type Stack } from './support/stack.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const README_SCREENSHOT = fileURLToPath(new URL('../../docs/console-dashboard.png', import.meta.url));

let stack: Stack;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  // no worker: submitted jobs stay waiting, so the depth only grows
  stack = await startStack({ runWorker: false });
});

test.afterAll(async () => {
  await stack?.stop();
});

test('the dashboard shows connected Redis and follows the queue depth live', async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, stack);

  await expect(figure(page, 'Redis status')).toHaveText('connected');
  await expect(page.getByText('connected', { exact: true })).toBeVisible();
  await expect(figure(page, 'Environment')).toHaveText('test');
  await expect(figure(page, 'Backend')).toHaveText('redis');
  await expect(figure(page, 'Redis version')).toHaveText(/^\d+\.\d+/);
  await expect(figure(page, 'Queue depth')).toHaveText('0');
  await expect(page.getByRole('region', { name: 'Demo mode' })).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);

  const { client } = await clientWithNewKey(stack);
  await client.jobs.submit.mutate(SAMPLE_JOB);
  await expect(figure(page, 'Queue depth')).toHaveText('1', { timeout: 2000 });
  await Promise.all([client.jobs.submit.mutate(SAMPLE_JOB), client.jobs.submit.mutate(SAMPLE_JOB)]);
  await expect(figure(page, 'Queue depth')).toHaveText('3', { timeout: 2000 });
  await expect(figure(page, 'waiting')).toHaveText('3', { timeout: 2000 });

  // let the chart gather a few points, then keep a picture of the dashboard
  await page.waitForTimeout(1500);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true });
  if (process.env['UPDATE_SCREENSHOT'] === '1') await page.screenshot({ path: README_SCREENSHOT, fullPage: true });
  expect(errors).toEqual([]);
});

test('Redis going away and coming back shows on the page without a reload', async ({ page }) => {
  const redis = stack.redis!;
  await signIn(page, stack);
  await expect(figure(page, 'Redis status')).toHaveText('connected');
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));

  await redis.kill();
  await expect(figure(page, 'Redis status')).toHaveText('disconnected', { timeout: 5000 });
  await expect(page.getByRole('alert')).toContainText('Redis is unreachable');
  await expect(figure(page, 'Queue depth')).toHaveText('—');

  await redis.restart();
  await expect(figure(page, 'Redis status')).toHaveText('connected', { timeout: 10_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(figure(page, 'Queue depth')).toHaveText(/^\d+$/);
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
});

test('the status stream reconnects by itself after the server restarts', async ({ page }) => {
  await signIn(page, stack);
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));

  await stack.killServer();
  await expect(page.getByText(/Reconnecting/)).toBeVisible({ timeout: 6000 });

  await stack.startServerAgain();
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible({ timeout: 15_000 });
  await expect(figure(page, 'Redis status')).toHaveText('connected');
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
});
