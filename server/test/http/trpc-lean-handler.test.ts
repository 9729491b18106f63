import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance, type FastifyRequest, type InjectOptions } from 'fastify';
import { z } from 'zod';
import { experimental_lazy, initTRPC, type TRPCError } from '@trpc/server';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import { createLeanTRPCHandler } from '../../src/http/trpc-lean-handler.js';
import { trpcRoutes } from '../../src/http/trpc-plugin.js';

/**
 * What Tollgate's router never does, on a router of its own: a procedure that throws a plain
 * Error (a 500, reported to onError), results only a streaming link could carry (415). Same
 * answers and same onError reports as the stock adapter.
 */

const t = initTRPC.context<{ user: string }>().create({ isDev: false });
const testRouter = t.router({
  boom: t.procedure.query(() => {
    throw new Error('boom');
  }),
  echo: t.procedure.input(z.object({ n: z.number() })).mutation(({ input }) => {
    if (input.n < 0) throw new Error('negative');
    return { twice: input.n * 2 };
  }),
  promised: t.procedure.query(() => ({ later: Promise.resolve(1) })),
  generated: t.procedure.query(async function* () {
    yield 1;
  }),
  whoami: t.procedure.query(({ ctx }) => ctx.user),
});

interface Report {
  code: string;
  message: string;
  path: string | undefined;
  type: string;
  input: unknown;
}

async function appOn(path: 'lean' | 'stock', reports: Report[]): Promise<FastifyInstance> {
  const app = Fastify();
  const onError = ({
    error,
    path: p,
    type,
    input,
  }: {
    error: TRPCError;
    path: string | undefined;
    type: string;
    input: unknown;
  }) => reports.push({ code: error.code, message: error.message, path: p, type, input });
  const context = (req: FastifyRequest) => {
    if (req.headers['x-no-context'] !== undefined) throw new Error('no context');
    return { user: 'ann' };
  };
  const trpcOptions = {
    router: testRouter,
    createContext: ({ req }: { req: FastifyRequest }) => context(req),
    onError,
  };
  if (path === 'stock') {
    await app.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions });
  } else {
    const lean = createLeanTRPCHandler({ router: testRouter, createContext: context, onError });
    await app.register(trpcRoutes<typeof testRouter>, { prefix: '/trpc', trpcOptions, lean });
  }
  return app;
}

const CALLS: Array<[string, InjectOptions]> = [
  ['a plain Error', { method: 'GET', url: '/trpc/boom' }],
  [
    'a plain Error after parsing input',
    { method: 'POST', url: '/trpc/echo', headers: { 'content-type': 'application/json' }, payload: '{"n":-1}' },
  ],
  [
    'a batch with a plain Error',
    {
      method: 'POST',
      url: '/trpc/echo,echo?batch=1',
      headers: { 'content-type': 'application/json' },
      payload: '{"0":{"n":1},"1":{"n":-1}}',
    },
  ],
  ['a promise in the result', { method: 'GET', url: '/trpc/promised' }],
  ['a promise in a batched result', { method: 'GET', url: '/trpc/promised,whoami?batch=1' }],
  ['an async generator', { method: 'GET', url: '/trpc/generated' }],
  ['the context', { method: 'GET', url: '/trpc/whoami' }],
  ['a context that fails', { method: 'GET', url: '/trpc/whoami,nope,boom?batch=1', headers: { 'x-no-context': '1' } }],
];

describe('the lean handler beyond Tollgate’s router', () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it.each(CALLS)('%s: same answer and same onError reports as stock', async (_name, request) => {
    const leanReports: Report[] = [];
    const stockReports: Report[] = [];
    const lean = await appOn('lean', leanReports);
    const stock = await appOn('stock', stockReports);
    apps.push(lean, stock);
    const [fromLean, fromStock] = [await lean.inject(request), await stock.inject(request)];
    expect(fromLean.statusCode).toBe(fromStock.statusCode);
    expect(fromLean.headers['content-type']).toBe(fromStock.headers['content-type']);
    expect(fromLean.headers.vary).toBe(fromStock.headers.vary);
    expect(fromLean.json()).toEqual(fromStock.json());
    expect(leanReports).toEqual(stockReports);
  });

  it('refuses a router with lazy sub-routers at start-up', () => {
    const lazyRouter = t.router({ later: experimental_lazy(async () => testRouter) });
    expect(() => createLeanTRPCHandler({ router: lazyRouter, createContext: () => ({ user: 'ann' }) })).toThrow(/lazy/);
  });
});

describe('the lean handler with a data transformer', () => {
  /** A transformer that changes the wire format: the lean path must apply it exactly as stock does. */
  const wrapping = {
    serialize: (value: unknown) => ({ wrapped: value ?? null }),
    deserialize: (value: unknown) => (value as { wrapped: unknown }).wrapped,
  };
  const tx = initTRPC.create({ transformer: wrapping, isDev: false });
  const txRouter = tx.router({
    double: tx.procedure.input(z.object({ n: z.number() })).mutation(({ input }) => ({ twice: input.n * 2 })),
  });

  async function served(path: 'lean' | 'stock'): Promise<FastifyInstance> {
    const app = Fastify();
    const trpcOptions = { router: txRouter, createContext: () => ({}) };
    if (path === 'stock') await app.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions });
    else {
      const lean = createLeanTRPCHandler({ router: txRouter, createContext: () => ({}) });
      await app.register(trpcRoutes<typeof txRouter>, { prefix: '/trpc', trpcOptions, lean });
    }
    return app;
  }

  it.each([
    ['a result', '/trpc/double', '{"wrapped":{"n":2}}'],
    ['an error', '/trpc/double', '{"wrapped":{"n":"x"}}'],
    ['a batch', '/trpc/double,double?batch=1', '{"0":{"wrapped":{"n":1}},"1":{"wrapped":{}}}'],
  ])('%s: same serialized body as stock', async (_name, url, payload) => {
    const [lean, stock] = [await served('lean'), await served('stock')];
    try {
      const request: InjectOptions = { method: 'POST', url, headers: { 'content-type': 'application/json' }, payload };
      const [fromLean, fromStock] = [await lean.inject(request), await stock.inject(request)];
      expect(fromLean.statusCode).toBe(fromStock.statusCode);
      expect(fromLean.json()).toEqual(fromStock.json());
      expect(fromLean.body).toContain('"wrapped"');
    } finally {
      await Promise.all([lean.close(), stock.close()]);
    }
  });
});
