import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type Operation,
  type TRPCLink,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import type { AppRouter } from '../trpc/routers/app-router.js';

export type { AppRouter };

export interface TollgateClientOptions {
  /** the server (`http://127.0.0.1:3000`) or its tRPC endpoint (`…/trpc`) */
  url: string;
  /** sent as `Authorization: Bearer …` to every procedure outside `admin.*` */
  apiKey?: string;
  /** sent as `Authorization: Bearer …` to the `admin.*` procedures */
  adminToken?: string;
  /** fetch implementation for calls and subscriptions (defaults to the global one) */
  fetch?: typeof globalThis.fetch;
}

/** `…/trpc` whether or not the caller gave it. */
export function trpcEndpoint(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/trpc') ? trimmed : `${trimmed}/trpc`;
}

const isAdmin = (op: Operation) => op.path === 'admin' || op.path.startsWith('admin.');
const isSubscription = (op: Operation) => op.type === 'subscription';

/**
 * Calls (queries, mutations) go batched over HTTP (`httpBatchLink`, so rate-limit headers apply
 * per response); subscriptions over SSE through an EventSource ponyfill that sends the token in
 * the Authorization header — never in the URL.
 */
function linksFor(
  endpoint: string,
  token: string | undefined,
  fetchImpl: typeof globalThis.fetch,
): {
  calls: TRPCLink<AppRouter>;
  subscriptions: TRPCLink<AppRouter>;
} {
  const authorization: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return {
    calls: httpBatchLink({ url: endpoint, fetch: fetchImpl, headers: () => authorization }),
    subscriptions: httpSubscriptionLink({
      url: endpoint,
      EventSource,
      eventSourceOptions: {
        fetch: (input, init) => fetchImpl(input, { ...init, headers: { ...init.headers, ...authorization } }),
      },
    }),
  };
}

/** A typed tRPC client for Tollgate: plain JSON (no transformer), batched calls, SSE subscriptions. */
export function createTollgateClient(options: TollgateClientOptions) {
  const endpoint = trpcEndpoint(options.url);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const key = linksFor(endpoint, options.apiKey, fetchImpl);
  const admin = linksFor(endpoint, options.adminToken, fetchImpl);
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: isAdmin,
        true: splitLink({ condition: isSubscription, true: admin.subscriptions, false: admin.calls }),
        false: splitLink({ condition: isSubscription, true: key.subscriptions, false: key.calls }),
      }),
    ],
  });
}

export type TollgateClient = ReturnType<typeof createTollgateClient>;
