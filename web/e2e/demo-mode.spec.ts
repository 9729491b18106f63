import { expect, test } from '@playwright/test';
import { collectPageErrors, figure, signIn } from './support/console.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;

test.beforeAll(async () => {
  // DEMO_MODE=true and no REDIS_URL: in-memory counters and queue
  stack = await startStack({ redis: false });
});

test.afterAll(async () => {
  await stack?.stop();
});

test('a demo-mode server shows the DEMO_MODE banner and in-memory backends', async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, stack);

  const banner = page.getByRole('region', { name: 'Demo mode' });
  await expect(banner).toContainText('DEMO_MODE');
  await expect(banner).toContainText(/not synchronised across instances/);
  await expect(banner).toContainText(/not durable/);
  await expect(banner).toContainText(/lost on restart/);

  await expect(page.getByText('in-memory', { exact: true })).toBeVisible();
  await expect(figure(page, 'Redis status')).toHaveText('in-memory');
  await expect(figure(page, 'Queue depth')).toHaveText('0');
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(errors).toEqual([]);
});
