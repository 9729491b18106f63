import { expect, test } from '@playwright/test';
import { apiClient } from './support/api.js';
import { collectPageErrors, signIn } from './support/console.js';
import { startStack, type Stack } from './support/stack.js';
import { failureCode } from './support/trpc-error.js';

let stack: Stack;

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test.beforeAll(async () => {
  stack = await startStack();
});

test.afterAll(async () => {
  await stack?.stop();
});

const call = { schema: { type: 'string' }, document: 'hello' };

test('a key created in the console is rate limited by the server and its usage bar fills up', async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, stack, '/#/keys');
  await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible();

  await page.getByLabel('Name').fill('e2e limited');
  await page.getByLabel('Rate limit (calls)').fill('5');
  await page.getByLabel('Window (seconds)').fill('60');
  await page.getByLabel('Daily job quota').fill('10');
  await page.getByRole('button', { name: 'Create key' }).click();

  // shown once, with a copy button
  const shown = page.getByLabel('New API key');
  const apiKey = await shown.inputValue();
  expect(apiKey).toMatch(/^tg_[A-Za-z0-9_-]{22,}$/);
  await page.getByRole('button', { name: 'Copy API key' }).click();
  await expect(page.getByRole('button', { name: 'Copy API key' })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(apiKey);
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(shown).toHaveCount(0);

  const rateBar = page.getByRole('progressbar', { name: 'Rate window usage of e2e limited' });
  await expect(rateBar).toHaveAttribute('aria-valuemax', '5');
  await expect(rateBar).toHaveAttribute('aria-valuenow', '0');
  await expect(page.getByRole('progressbar', { name: 'Daily job quota usage of e2e limited' })).toHaveAttribute(
    'aria-valuemax',
    '10',
  );

  // use it with the typed client until the server says 429
  const client = apiClient(stack, apiKey);
  let admitted = 0;
  let refusal: string | undefined;
  for (let i = 0; i < 8 && refusal === undefined; i += 1) {
    refusal = await failureCode(() => client.validation.validate.mutate(call));
    if (refusal === undefined) admitted += 1;
  }
  expect(admitted).toBe(5);
  expect(refusal).toBe('TOO_MANY_REQUESTS');
  await expect(rateBar).toHaveAttribute('aria-valuenow', '5');

  // reset usage frees the window
  await page.getByRole('button', { name: 'Reset usage of e2e limited' }).click();
  await expect(rateBar).toHaveAttribute('aria-valuenow', '0');
  expect(await failureCode(() => client.validation.validate.mutate(call))).toBeUndefined();
  expect(errors).toEqual([]);
});

test('revoking asks for confirmation in the page, then the key stops working', async ({ page }) => {
  const { apiKey } = await apiClient(stack).admin.keys.create.mutate({ name: 'e2e doomed' });
  const client = apiClient(stack, apiKey);
  expect(await failureCode(() => client.validation.validate.mutate(call))).toBeUndefined();
  await signIn(page, stack, '/#/keys');

  page.on('dialog', () => {
    throw new Error('window.confirm/alert must not be used');
  });
  const row = page.getByRole('row').filter({ hasText: 'e2e doomed' });
  await page.getByRole('button', { name: 'Revoke e2e doomed' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke “e2e doomed”?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row.getByText('active', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Revoke e2e doomed' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
  await expect(row.getByText('revoked', { exact: true })).toBeVisible();
  expect(await failureCode(() => client.validation.validate.mutate(call))).toBe('UNAUTHORIZED');
});
