import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { CreatedKey, QuotaErrorData } from '@tollgate/shared';
import { TEST_ADMIN_TOKEN } from '../../src/test-support/test-app.js';

/** tRPC's JSON envelope. Exactly one of `result` and `error` is present; tests know which. */
export interface TrpcEnvelope<T = unknown> {
  result: { data: T };
  error: {
    message: string;
    code: number;
    data: {
      code: string;
      httpStatus: number;
      path?: string;
      issues?: Array<{ path: string; message: string }>;
      quota?: QuotaErrorData;
    };
  };
}

/** A tRPC response as seen over HTTP: status, headers and the parsed body. */
export interface TrpcResponse<B = TrpcEnvelope> {
  status: number;
  headers: LightMyRequestResponse['headers'];
  body: B;
}

function toResponse<B>(response: LightMyRequestResponse): TrpcResponse<B> {
  return { status: response.statusCode, headers: response.headers, body: response.json<B>() };
}

const auth = (token: string | undefined) => (token === undefined ? {} : { authorization: `Bearer ${token}` });

export async function mutation<T = unknown>(
  app: FastifyInstance,
  path: string,
  input: unknown,
  token?: string,
): Promise<TrpcResponse<TrpcEnvelope<T>>> {
  return toResponse(
    await app.inject({
      method: 'POST',
      url: `/trpc/${path}`,
      headers: { 'content-type': 'application/json', ...auth(token) },
      payload: JSON.stringify(input),
    }),
  );
}

export async function query<T = unknown>(
  app: FastifyInstance,
  path: string,
  input: unknown,
  token?: string,
): Promise<TrpcResponse<TrpcEnvelope<T>>> {
  const search = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return toResponse(await app.inject({ method: 'GET', url: `/trpc/${path}${search}`, headers: auth(token) }));
}

/** A batched POST of several calls of one mutation. */
export async function batchMutation(
  app: FastifyInstance,
  path: string,
  inputs: unknown[],
  token?: string,
): Promise<TrpcResponse<Array<Partial<TrpcEnvelope>>>> {
  const body = Object.fromEntries(inputs.map((input, index) => [String(index), input]));
  const paths = inputs.map(() => path).join(',');
  return toResponse(
    await app.inject({
      method: 'POST',
      url: `/trpc/${paths}?batch=1`,
      headers: { 'content-type': 'application/json', ...auth(token) },
      payload: JSON.stringify(body),
    }),
  );
}

export async function createKey(
  app: FastifyInstance,
  input: { name?: string; rateLimit?: { limit: number; windowSec: number }; dailyJobQuota?: number } = {},
): Promise<CreatedKey> {
  const response = await mutation<CreatedKey>(app, 'admin.keys.create', { name: 'test', ...input }, TEST_ADMIN_TOKEN);
  if (response.status !== 200) throw new Error(`create key failed: ${JSON.stringify(response.body)}`);
  return response.body.result.data;
}

export const VALID_CALL = { schema: { type: 'object', required: ['a'] }, document: { a: 1 } };
