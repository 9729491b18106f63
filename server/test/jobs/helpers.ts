import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
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
export async function expectedResult(input: SubmitJobInput): Promise<ValidationJobResult> {
  const validator = await getValidator(input.schema);
  const results = input.documents.map((document, index) => ({ index, ...validateDocument(validator, document) }));
  const valid = results.filter((result) => result.valid).length;
  return { total: results.length, valid, invalid: results.length - valid, results };
}

const heavySchema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      uniqueItems: true,
      // `unevaluatedProperties` sends the schema to the interpreting engine: a few µs per item.
      items: { type: 'object', properties: { n: { type: 'integer' } }, unevaluatedProperties: false },
    },
    tag: { type: 'string' },
  },
  required: ['items'],
};

/**
 * A job that keeps a worker busy for some tens of milliseconds (`size` items validated by the
 * interpreting engine; ~85 KB: submit a few per batched request), with a mix of valid and
 * invalid documents that depends on `seed`.
 */
export function heavyJob(seed: number, size = 8_000): SubmitJobInput {
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

/** A raw tRPC call over HTTP: its status, parsed body and time taken. */
export interface TimedResponse {
  status: number;
  body: {
    result?: { data: unknown };
    error?: { message: string; data: { code: string; httpStatus: number } };
  };
  ms: number;
}

async function timed(request: Promise<Response>, started: number): Promise<TimedResponse> {
  const response = await request;
  const body = (await response.json()) as TimedResponse['body'];
  return { status: response.status, body, ms: performance.now() - started };
}

/** GET /trpc/<path>?input=… (a query, not batched). */
export function trpcQuery(url: string, path: string, input: unknown, token: string): Promise<TimedResponse> {
  const started = performance.now();
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return timed(fetch(`${url}/trpc/${path}${query}`, { headers: { authorization: `Bearer ${token}` } }), started);
}

/** POST /trpc/<path> with `body` sent as is (a mutation, not batched). */
export function trpcMutation(url: string, path: string, body: string, token: string): Promise<TimedResponse> {
  const started = performance.now();
  return timed(
    fetch(`${url}/trpc/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    }),
    started,
  );
}

/** What one Redis connection sent and read while `work` ran. */
export interface RedisTraffic {
  commands: Array<{ name: string; args: string[] }>;
  bytesRead: number;
}

/** Records the commands a connection sends, and the reply bytes it reads, while `work` runs. */
export async function trafficOf(connection: Redis, work: () => Promise<void>): Promise<RedisTraffic> {
  const commands: RedisTraffic['commands'] = [];
  const sendCommand = connection.sendCommand.bind(connection);
  connection.sendCommand = (command, stream) => {
    commands.push({ name: command.name, args: command.args.map((arg) => String(arg)) });
    return sendCommand(command, stream);
  };
  const before = connection.stream.bytesRead;
  try {
    await work();
  } finally {
    connection.sendCommand = sendCommand;
  }
  return { commands, bytesRead: connection.stream.bytesRead - before };
}
