import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type Operation,
  type TRPCLink,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import type { AppRouter } from '../trpc/routers/app-router.js';
import { routeLink } from './route-link.js';

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

/**
 * Batches stay under the server's default body limit (BODY_LIMIT_BYTES, 1 MiB): at most 16 calls,
 * each with an input of at most 60,000 bytes of JSON. A bigger input (a large job) goes in a
 * request of its own — batched with another, two calls each within the limit would both get 413.
 */
export const BATCH_MAX_ITEMS = 16;
export const BATCH_MAX_INPUT_BYTES = 60_000;
/** GET batches (queries) split before their URL gets this long. */
const BATCH_MAX_URL_LENGTH = 8_000;

const utf8 = new TextEncoder();
/** Mutations only: query inputs are small, and GET batches are bounded by their URL. */
const isLargeCall = (op: Operation) => {
  if (op.type !== 'mutation') return false;
  const text = JSON.stringify(op.input) ?? '';
  // a UTF-16 unit is 1 to 3 bytes of UTF-8: encode only when the length cannot tell
  if (text.length > BATCH_MAX_INPUT_BYTES) return true;
  return text.length * 3 > BATCH_MAX_INPUT_BYTES && utf8.encode(text).length > BATCH_MAX_INPUT_BYTES;
};

const isAdmin = (op: Operation) => op.path === 'admin' || op.path.startsWith('admin.');
const isSubscription = (op: Operation) => op.type === 'subscription';

/**
 * Calls (queries, mutations) go batched over HTTP (`httpBatchLink`, so rate-limit headers apply
 * per response; a call with a large input alone, see BATCH_MAX_INPUT_BYTES); subscriptions over
 * SSE through an EventSource ponyfill that sends the token in the Authorization header — never in
 * the URL.
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
    calls: splitLink({
      condition: isLargeCall,
      true: httpLink({ url: endpoint, fetch: fetchImpl, headers: () => authorization }),
      false: httpBatchLink({
        url: endpoint,
        fetch: fetchImpl,
        headers: () => authorization,
        maxItems: BATCH_MAX_ITEMS,
        maxURLLength: BATCH_MAX_URL_LENGTH,
      }),
    }),
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
      routeLink((op) => {
        const links = isAdmin(op) ? admin : key;
        return isSubscription(op) ? links.subscriptions : links.calls;
      }),
    ],
  });
}

export type TollgateClient = ReturnType<typeof createTollgateClient>;
