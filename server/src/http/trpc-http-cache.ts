import { hash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cacheOutcomesOf, type CallCacheOutcome } from '../trpc/cache-outcomes.js';

/**
 * HTTP caching of cached queries answered over GET (CONTRACT §10), for the lean tRPC path. When
 * EVERY call of the request is a cached query that answered (a batch of them included):
 *
 * - `X-Cache: HIT` when every call was a hit, else `MISS`;
 * - `Cache-Control: private, max-age=<seconds the soonest-expiring entry has left>` (`public` only
 *   when every call is public; `no-cache` instead of a max-age when an answer was not stored, e.g.
 *   a running job: clients may keep it but must revalidate);
 * - `Vary` adds `authorization` for private answers (they are the caller's);
 * - a weak `ETag` over the whole response body, and `304 Not Modified` without a body when
 *   `If-None-Match` names it (a batch only as a whole: one call that differs changes the body).
 *
 * Anything else (an error, a call that is not cached, a POST) gets none of these headers. The guard
 * ran before the cache, so a 304 still carries the RateLimit-* headers of a guarded call.
 */

/** W/"<sha256 of the body, base64url>". */
export function weakEtag(body: string): string {
  return `W/"${hash('sha256', body, 'base64url')}"`;
}

/** Weak comparison (RFC 9110 §13.1.2): `*`, or any listed tag equal to ours ignoring `W/`. */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === opaque;
  });
}

function outcomesOfEveryCall(reply: FastifyReply, calls: number): CallCacheOutcome[] | null {
  const recorded = cacheOutcomesOf(reply);
  if (recorded === undefined) return null;
  const outcomes: CallCacheOutcome[] = [];
  for (let index = 0; index < calls; index++) {
    const outcome = recorded.get(index);
    if (outcome === undefined) return null;
    outcomes.push(outcome);
  }
  return outcomes;
}

function cacheControl(outcomes: readonly CallCacheOutcome[]): string {
  const scope = outcomes.every((outcome) => outcome.scope === 'public') ? 'public' : 'private';
  let maxAge = Number.POSITIVE_INFINITY;
  for (const outcome of outcomes) {
    if (outcome.maxAgeSec === null) return `${scope}, no-cache`;
    maxAge = Math.min(maxAge, outcome.maxAgeSec);
  }
  return `${scope}, max-age=${maxAge}`;
}

/**
 * Sets the caching headers of a GET whose `calls` all answered (`allOk`) from cached queries,
 * and says whether the answer is `304 Not Modified` (the caller then sends no body).
 */
export function applyHttpCaching(
  req: FastifyRequest,
  reply: FastifyReply,
  calls: number,
  allOk: boolean,
  body: string,
): 'not-modified' | 'full' {
  if (req.method !== 'GET' || !allOk) return 'full';
  const outcomes = outcomesOfEveryCall(reply, calls);
  if (outcomes === null) return 'full';
  const etag = weakEtag(body);
  const control = cacheControl(outcomes);
  reply.header('x-cache', outcomes.every((outcome) => outcome.hit) ? 'HIT' : 'MISS');
  reply.header('cache-control', control);
  reply.header('etag', etag);
  if (control.startsWith('private')) {
    const vary = reply.getHeader('vary');
    reply.header('vary', typeof vary === 'string' && vary !== '' ? `${vary}, authorization` : 'authorization');
  }
  return ifNoneMatchMatches(req.headers['if-none-match'], etag) ? 'not-modified' : 'full';
}
