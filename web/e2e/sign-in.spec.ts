import { expect, test } from '@playwright/test';
import { collectPageErrors, signIn } from './support/console.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;

test.beforeAll(async () => {
  stack = await startStack();
});

test.afterAll(async () => {
  await stack?.stop();
});

test('a wrong admin token is refused and the form stays', async ({ page }) => {
  const errors = collectPageErrors(page);
  await page.goto(stack.url);
  await page.getByLabel('Admin token').fill('definitely-not-the-admin-token');
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByRole('alert')).toContainText(/invalid/i);
  await expect(page.getByLabel('Admin token')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(await page.evaluate(() => ({ session: sessionStorage.length, local: localStorage.length }))).toEqual({
    session: 0,
    local: 0,
  });
  // the refused check is a 403 the browser logs as a failed resource; nothing else may be logged
  expect(errors.filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
});

test('the right token signs in, survives a reload in the tab, and Sign out forgets it', async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, stack);
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
  expect(await page.evaluate(() => Object.values(sessionStorage))).toContain(stack.adminToken);

  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Admin token')).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  expect(errors).toEqual([]);
});
