import { expect, type Page } from '@playwright/test';
import type { Stack } from './stack.js';

/** Opens the console and signs in with the stack's admin token. */
export async function signIn(page: Page, stack: Stack, path = '/'): Promise<void> {
  await page.goto(new URL(path, stack.url).href);
  await page.getByLabel('Admin token').fill(stack.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** The figure named `label` on the dashboard (its value element). */
export function figure(page: Page, label: string) {
  return page.getByLabel(label, { exact: true });
}

/** Fails the test on any console error or uncaught exception in the page. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
