import { createTollgateClient, type TollgateClient } from '@tollgate/server/client';
import type { CreateKeyInput } from '@tollgate/shared';
import type { Stack } from './stack.js';

/** The typed client users get, with the stack's admin token and optionally an API key. */
export function apiClient(stack: Stack, apiKey?: string): TollgateClient {
  return createTollgateClient({
    url: stack.url,
    adminToken: stack.adminToken,
    ...(apiKey === undefined ? {} : { apiKey }),
  });
}

/** A fresh API key (through the admin API) and a client using it. */
export async function clientWithNewKey(stack: Stack, input: CreateKeyInput = { name: `e2e-${Date.now()}` }) {
  const created = await apiClient(stack).admin.keys.create.mutate(input);
  return { key: created, client: apiClient(stack, created.apiKey) };
}

/** A schema/documents pair that validates quickly. */
export const SAMPLE_JOB = {
  schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  documents: [{ name: 'ok' }, { name: 42 }, {}],
};
