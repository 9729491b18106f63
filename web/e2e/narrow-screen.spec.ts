import { expect, test, type Page } from '@playwright/test';
import { clientWithNewKey, SAMPLE_JOB } from './support/api.js';
import { collectPageErrors, figure, signIn } from './support/console.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;

test.beforeAll(async () => {
  stack = await startStack({ redis: false });
});

test.afterAll(async () => {
  await stack?.stop();
});

/** Nothing sticks out sideways: the page never needs a horizontal scrollbar. */
async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

test.use({ viewport: { width: 375, height: 740 } });

test('every page works on a phone-sized screen', async ({ page }) => {
  const errors = collectPageErrors(page);
  const { client } = await clientWithNewKey(stack);
  await client.jobs.submit.mutate(SAMPLE_JOB);

  await signIn(page, stack);
  await expect(figure(page, 'Redis status')).toHaveText('in-memory');
  await expect(page.getByRole('region', { name: 'Demo mode' })).toBeVisible();
  await expectNoHorizontalOverflow(page);

  await page.getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();
  await expect(page.getByRole('progressbar').first()).toBeVisible();
  await expectNoHorizontalOverflow(page);

  await page.getByRole('link', { name: 'Jobs' }).click();
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Details of job / }).first()).toBeVisible();
  await expectNoHorizontalOverflow(page);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Admin token')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  expect(errors).toEqual([]);
});
