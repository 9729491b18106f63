import { createTRPCClient, TRPCClientError, type Operation, type TRPCLink } from '@trpc/client';
import { initTRPC, type AnyRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { routeLink } from './route-link.js';

const t = initTRPC.create();
const _router = t.router({
  echo: t.procedure.input(z.string()).query(({ input }) => input),
  save: t.procedure.input(z.string()).mutation(({ input }) => input),
});
type Router = typeof _router;

/** A terminating link that answers from `script`, recording which ops it saw and how often it was built. */
function scriptedLink(name: string, script: (op: Operation) => Array<'value' | 'complete' | 'error'>) {
  const seen: string[] = [];
  let builds = 0;
  const link: TRPCLink<Router> = () => {
    builds += 1;
    return ({ op }) =>
      observable((observer) => {
        seen.push(`${name}:${op.path}`);
        for (const step of script(op)) {
          if (step === 'value') observer.next({ result: { type: 'data', data: `${name}:${String(op.input)}` } });
          if (step === 'complete') observer.complete();
          if (step === 'error') observer.error(TRPCClientError.from(new Error(`${name} failed`)));
        }
        return () => undefined;
      });
  };
  return { link, seen, builds: () => builds };
}

/** What an observer of the routed link sees for one op. */
function eventsOf(link: TRPCLink<AnyRouter>, op: Partial<Operation>): string[] {
  const events: string[] = [];
  const operation = { id: 1, context: {}, signal: null, input: 'x', path: 'p', type: 'query', ...op } as Operation;
  link({})({ op: operation, next: () => observable(() => undefined) }).subscribe({
    next: () => events.push('next'),
    error: () => events.push('error'),
    complete: () => events.push('complete'),
  });
  return events;
}

describe('routeLink: each operation to the terminating link chosen for it', () => {
  it('routes by the operation and builds each link once per client', async () => {
    const calls = scriptedLink('calls', () => ['value', 'complete']);
    const other = scriptedLink('other', () => ['value', 'complete']);
    const client = createTRPCClient<Router>({
      links: [routeLink((op) => (op.type === 'mutation' ? other.link : calls.link))],
    });
    expect(await client.echo.query('a')).toBe('calls:a');
    expect(await client.save.mutate('b')).toBe('other:b');
    expect(await client.echo.query('c')).toBe('calls:c');
    expect([...calls.seen, ...other.seen]).toEqual(['calls:echo', 'calls:echo', 'other:save']);
    expect([calls.builds(), other.builds()]).toEqual([1, 1]);
  });

  it('ends a query or mutation with its value: the complete after it is not passed on', () => {
    const { link } = scriptedLink('calls', () => ['value', 'complete']);
    const routed = routeLink(() => link) as TRPCLink<AnyRouter>;
    expect(eventsOf(routed, { type: 'query' })).toEqual(['next']);
    expect(eventsOf(routed, { type: 'mutation' })).toEqual(['next']);
  });

  it('passes on a complete that comes without a value: the call rejects instead of hanging', async () => {
    const { link } = scriptedLink('calls', () => ['complete']);
    const routed = routeLink(() => link) as TRPCLink<AnyRouter>;
    expect(eventsOf(routed, { type: 'query' })).toEqual(['complete']);
    const client = createTRPCClient<Router>({ links: [routeLink(() => link)] });
    await expect(client.echo.query('a')).rejects.toThrow(/abort/i);
  });

  it('passes errors on', async () => {
    const { link } = scriptedLink('calls', () => ['error']);
    const client = createTRPCClient<Router>({ links: [routeLink(() => link)] });
    await expect(client.save.mutate('a')).rejects.toThrow('calls failed');
  });

  it('leaves subscriptions as they are: every value, then their complete', () => {
    const { link } = scriptedLink('events', () => ['value', 'value', 'complete']);
    const routed = routeLink(() => link) as TRPCLink<AnyRouter>;
    expect(eventsOf(routed, { type: 'subscription' })).toEqual(['next', 'next', 'complete']);
  });
});
