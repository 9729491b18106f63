import type { AddressInfo } from 'node:net';
import { TRPCClientError } from '@trpc/client';
import type { SubmitJobInput, ValidationJobResult } from '@tollgate/shared';
import { createTollgateClient, type TollgateClient } from '../../src/client/index.js';
import { getValidator, validateDocument } from '../../src/validation/json-schema.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp, type TestAppOptions } from '../../src/test-support/test-app.js';

/** A test app listening on a free loopback port, with typed clients. */
export interface ListeningApp extends TestApp {
  url: string;
  admin: TollgateClient;
  /** a client for a fresh API key (generous limits) */
  newKeyClient(name?: string, dailyJobQuota?: number): Promise<TollgateClient>;
}

export async function startListeningApp(options: TestAppOptions): Promise<ListeningApp> {
  const testApp = await createTestApp(options);
  await testApp.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = testApp.app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const admin = createTollgateClient({ url, adminToken: TEST_ADMIN_TOKEN });
  return {
    ...testApp,
    url,
    admin,
    async newKeyClient(name = 'jobs-test', dailyJobQuota = 1_000_000) {
      const created = await admin.admin.keys.create.mutate({
        name,
        rateLimit: { limit: 1_000_000, windowSec: 60 },
        dailyJobQuota,
      });
      return createTollgateClient({ url, apiKey: created.apiKey });
    },
  };
}

/** What the validate kind should answer for `input`, computed locally. */
export function expectedResult(input: SubmitJobInput): ValidationJobResult {
  const validator = getValidator(input.schema);
  const results = input.documents.map((document, index) => ({ index, ...validateDocument(validator, document) }));
  const valid = results.filter((result) => result.valid).length;
  return { total: results.length, valid, invalid: results.length - valid, results };
}

const heavySchema = {
  type: 'object',
  properties: {
    items: { type: 'array', uniqueItems: true, items: { type: 'object', properties: { n: { type: 'integer' } } } },
    tag: { type: 'string' },
  },
  required: ['items'],
};

/**
 * A job that keeps a worker busy for some tens of milliseconds (uniqueItems over `size` objects is
 * quadratic), with a mix of valid and invalid documents that depends on `seed`.
 */
export function heavyJob(seed: number, size = 400): SubmitJobInput {
  const unique = Array.from({ length: size }, (_, n) => ({ n }));
  return {
    schema: heavySchema,
    documents: [
      { items: unique, tag: `job-${seed}` },
      { items: [{ n: seed }, { n: seed }] },
      seed % 2 === 0 ? { items: [] } : { tag: seed },
      { items: [{ n: 'x' }], tag: String(seed) },
    ],
  };
}

export async function waitFor<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs: number,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch {
      // transient (e.g. Redis restarting): try again
    }
    if (Date.now() > deadline)
      throw new Error(`${what} not met within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The HTTP status of a failed tRPC call, or null when it succeeded. */
export async function statusOf(call: Promise<unknown>): Promise<number | null> {
  try {
    await call;
    return null;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = (error as TRPCClientError<never>).data as { httpStatus?: number } | undefined;
      return data?.httpStatus ?? -1;
    }
    throw error;
  }
}

export function codeOf(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  return ((error as TRPCClientError<never>).data as { code?: string } | undefined)?.code;
}
