/**
 * Sliding-window arithmetic shared by the memory store and the tests (the Redis store does the
 * same in `scripts/consume-3.lua`).
 *
 * Time is integer epoch milliseconds. The window at `now` is (now − W, now], i.e. the integer
 * milliseconds [now − W + 1, now]. Calls are counted in buckets of b = max(1, floor(W / 50)) ms
 * aligned to the epoch: bucket i holds the calls made in [i·b, (i + 1)·b). Every bucket that
 * overlaps the window counts in full — conservative, so no window ever admits more than the limit,
 * and a refusal can only come from counting in sub-windows of W / 50. At most 51 buckets overlap
 * a window, whatever the limit.
 */

/** Sub-windows per window: the coarsest counting the contract allows. */
export const BUCKETS_PER_WINDOW = 50;

export interface WindowGeometry {
  windowMs: number;
  bucketMs: number;
}

export function windowGeometry(windowSec: number): WindowGeometry {
  const windowMs = windowSec * 1000;
  return { windowMs, bucketMs: Math.max(1, Math.floor(windowMs / BUCKETS_PER_WINDOW)) };
}

export function bucketOf(now: number, { bucketMs }: WindowGeometry): number {
  return Math.floor(now / bucketMs);
}

/** Oldest bucket that overlaps the window ending at `now`. */
export function firstCountedBucket(now: number, { windowMs, bucketMs }: WindowGeometry): number {
  return Math.floor((now - windowMs + 1) / bucketMs);
}

/** The first instant at which bucket `index` no longer overlaps the window. */
export function bucketLeavesWindowAt(index: number, { windowMs, bucketMs }: WindowGeometry): number {
  return (index + 1) * bucketMs + windowMs - 1;
}

export interface WindowCount {
  /** calls counted in the window ending at `now` */
  count: number;
  /** earliest instant at which one more call would be admitted (`now` when one would be now) */
  resetAt: number;
}

/**
 * Counts the calls of the buckets overlapping the window at `now` and works out when one more
 * call would be admitted: walk the oldest buckets forward until enough calls have left.
 */
export function countWindow(
  buckets: Iterable<readonly [number, number]>,
  now: number,
  limit: number,
  geometry: WindowGeometry,
): WindowCount {
  const first = firstCountedBucket(now, geometry);
  const live = [...buckets].filter(([index, calls]) => index >= first && calls > 0).sort((a, b) => a[0] - b[0]);
  const count = live.reduce((sum, [, calls]) => sum + calls, 0);
  if (count < limit) return { count, resetAt: now };
  const mustLeave = count - limit + 1;
  let left = 0;
  for (const [index, calls] of live) {
    left += calls;
    if (left >= mustLeave) return { count, resetAt: Math.max(now, bucketLeavesWindowAt(index, geometry)) };
  }
  // limit < 1 cannot happen (schemas refuse it); never admit in that case.
  return { count, resetAt: Number.MAX_SAFE_INTEGER };
}

/** Removes the buckets that no longer overlap the window at `now`. */
export function pruneBuckets(buckets: Map<number, number>, now: number, geometry: WindowGeometry): void {
  const first = firstCountedBucket(now, geometry);
  for (const index of buckets.keys()) if (index < first) buckets.delete(index);
}
