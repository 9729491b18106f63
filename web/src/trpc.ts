import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import type { AppRouter } from '@tollgate/server';
import { errorCode } from './lib/errors';

/** Typed React hooks for the server's router. Plain JSON on the wire: no transformer. */
export const trpc = createTRPCReact<AppRouter>();

/** `trpc` next to the page, so the console also works under a sub-path or behind a proxy prefix. */
export function trpcUrl(): string {
  const configured = import.meta.env.VITE_TRPC_URL;
  if (configured !== undefined && configured !== '') return configured;
  const page = new URL(window.location.href);
  page.hash = '';
  page.search = '';
  return new URL('trpc', page).href;
}

/**
 * Queries and mutations go through `httpBatchLink` with the bearer header; the live subscriptions
 * through SSE (`httpSubscriptionLink`), whose EventSource cannot send headers, so the token travels
 * as tRPC `connectionParams` instead.
 */
export function createAdminClient(token: string) {
  const url = trpcUrl();
  return trpc.createClient({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url, connectionParams: () => ({ token }) }),
        false: httpBatchLink({ url, maxURLLength: 4000, headers: () => ({ authorization: `Bearer ${token}` }) }),
      }),
    ],
  });
}

export type TokenCheck = { ok: true } | { ok: false; message: string };

/** Verifies a candidate admin token with one admin query, before it is stored. */
export async function verifyAdminToken(token: string): Promise<TokenCheck> {
  const client = createTRPCClient<AppRouter>({
    links: [httpLink({ url: trpcUrl(), headers: { authorization: `Bearer ${token}` } })],
  });
  try {
    await client.admin.health.redis.query();
    return { ok: true };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'FORBIDDEN' || code === 'UNAUTHORIZED')
      return { ok: false, message: 'Invalid admin token: check it and try again.' };
    if (code === null) return { ok: false, message: 'Cannot reach the server. Is it running?' };
    // Any other error came after the admin check passed (e.g. Redis down): the token is good.
    if (code === 'SERVICE_UNAVAILABLE') return { ok: true };
    return { ok: false, message: `The server could not check the token (${code}). Try again.` };
  }
}
