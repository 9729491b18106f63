import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import type { FastifyReply } from 'fastify';
import { createMemoryCounterStore } from '../../counters/memory-counter-store.js';
import { manualClock, T0 } from '../../counters/counter-store.contract.js';
import { nextUtcMidnight } from '../../counters/utc-day.js';
import { QuotaExceededError } from '../../errors.js';
import type { Context } from '../context.js';
import type { Deps } from '../../deps.js';
import { createCallerFactory, guardedProcedure, router } from '../trpc.js';
import { storeTestKey } from '../../test-support/test-keys.js';

const testRouter = router({
  submit: guardedProcedure(z.object({ n: z.number() }), { countsDailyJobQuota: true }).mutation(() => 'queued'),
  plain: guardedProcedure(z.object({ n: z.number() })).mutation(() => 'done'),
});

function fakeReply() {
  const headers: Record<string, string> = {};
  const reply = {
    header(name: string, value: string) {
      headers[name.toLowerCase()] = value;
      return reply;
    },
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  return { reply: reply as unknown as FastifyReply, headers };
}

async function setup(limit: number, windowSec: number, dailyJobQuota: number) {
  const clock = manualClock(T0);
  const counters = createMemoryCounterStore({ clock });
  const credential = await storeTestKey(counters, {
    name: 't',
    rateLimit: { limit, windowSec },
    dailyJobQuota,
    createdAt: T0,
  });
  const deps = { counters, clock, config: { isProduction: false } } as unknown as Deps;
  const caller = () => {
    const { reply, headers } = fakeReply();
    const ctx = {
      deps,
      req: {} as Context['req'],
      res: reply,
      bearer: credential.apiKey,
      cache: {} as Context['cache'],
    } satisfies Context;
    return { api: createCallerFactory(testRouter)(ctx), headers };
  };
  return { clock, counters, credential, caller };
}

async function refusal(promise: Promise<unknown>): Promise<QuotaExceededError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe('TOO_MANY_REQUESTS');
  const cause = (error as TRPCError).cause;
  expect(cause).toBeInstanceOf(QuotaExceededError);
  return cause as QuotaExceededError;
}

describe('enforceQuota', () => {
  it('refuses a submission over the daily quota with kind daily, without taking a rate slot', async () => {
    const { caller, clock } = await setup(10, 60, 1);
    expect(await caller().api.submit({ n: 1 })).toBe('queued');
    const { api, headers } = caller();
    const error = await refusal(api.submit({ n: 2 }));
    const midnight = nextUtcMidnight(T0);
    expect(error.quota).toEqual({
      kind: 'daily',
      limit: 1,
      remaining: 0,
      resetAt: midnight,
      retryAfterMs: midnight - clock(),
    });
    expect(headers['retry-after']).toBe(String((midnight - clock()) / 1000));
    expect(headers['ratelimit-remaining']).toBe('9');
    expect(headers['ratelimit-reset']).toBe('0');
    // Other guarded calls still pass: they do not count against the daily quota.
    expect(await caller().api.plain({ n: 3 })).toBe('done');
  });

  it('reports the limit that frees up later when both are exhausted', async () => {
    const { caller, clock } = await setup(1, 60, 1);
    expect(await caller().api.submit({ n: 1 })).toBe('queued');
    expect((await refusal(caller().api.submit({ n: 2 }))).quota.kind).toBe('daily');

    const late = await setup(1, 60, 1);
    const midnight = nextUtcMidnight(T0);
    late.clock.set(midnight - 10_000);
    expect(await late.caller().api.submit({ n: 1 })).toBe('queued');
    const error = await refusal(late.caller().api.submit({ n: 2 }));
    expect(error.quota.kind).toBe('rate');
    expect(error.quota.resetAt).toBeGreaterThan(midnight);
    expect(clock()).toBe(T0);
  });

  it('validates input before touching the quota', async () => {
    const { caller, counters, credential } = await setup(1, 60, 1);
    for (let i = 0; i < 3; i++) {
      await expect(caller().api.submit({ n: 'x' } as unknown as { n: number })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
    }
    const key = await counters.getKey(credential.id);
    expect(await counters.usage(key!)).toMatchObject({ rateUsed: 0, dailyUsed: 0 });
  });
});
