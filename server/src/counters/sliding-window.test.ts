import { describe, expect, it } from 'vitest';
import {
  bucketLeavesWindowAt,
  bucketOf,
  countWindow,
  firstCountedBucket,
  pruneBuckets,
  windowGeometry,
} from './sliding-window.js';
import { nextUtcMidnight, utcDayNumber, utcDayStamp } from './utc-day.js';

describe('sliding window arithmetic', () => {
  it('uses buckets of a fiftieth of the window, never coarser', () => {
    expect(windowGeometry(1)).toEqual({ windowMs: 1000, bucketMs: 20 });
    expect(windowGeometry(60)).toEqual({ windowMs: 60_000, bucketMs: 1200 });
    expect(windowGeometry(7)).toEqual({ windowMs: 7000, bucketMs: 140 });
    expect(windowGeometry(86_400).bucketMs).toBe(1_728_000);
  });

  it('counts the 50 or 51 buckets that overlap (now - W, now]', () => {
    const g = windowGeometry(60);
    const start = 1_200_000; // a bucket boundary
    expect(bucketOf(start, g) - firstCountedBucket(start, g)).toBe(50); // 51 buckets
    expect(bucketOf(start + 1199, g) - firstCountedBucket(start + 1199, g)).toBe(49); // 50 buckets
    // A call at t leaves the window at t + W at the latest (bucket end + W - 1).
    const index = bucketOf(start + 5, g);
    expect(bucketLeavesWindowAt(index, g)).toBe(start + 1200 + 60_000 - 1);
    expect(firstCountedBucket(bucketLeavesWindowAt(index, g), g)).toBe(index + 1);
    expect(firstCountedBucket(bucketLeavesWindowAt(index, g) - 1, g)).toBe(index);
  });

  it('finds when one more call is admitted by walking the oldest buckets forward', () => {
    const g = windowGeometry(60);
    const buckets = new Map([
      [1000, 2],
      [1010, 1],
      [1020, 3],
    ]);
    const now = 1020 * 1200 + 10;
    expect(countWindow(buckets, now, 10, g)).toEqual({ count: 6, resetAt: now });
    expect(countWindow(buckets, now, 6, g)).toEqual({ count: 6, resetAt: bucketLeavesWindowAt(1000, g) });
    expect(countWindow(buckets, now, 4, g)).toEqual({ count: 6, resetAt: bucketLeavesWindowAt(1010, g) });
    pruneBuckets(buckets, bucketLeavesWindowAt(1000, g), g);
    expect([...buckets.keys()]).toEqual([1010, 1020]);
  });

  it('names UTC days', () => {
    const t = Date.UTC(2030, 11, 31, 23, 59, 59, 999);
    expect(utcDayStamp(utcDayNumber(t))).toBe('20301231');
    expect(utcDayStamp(utcDayNumber(t + 1))).toBe('20310101');
    expect(nextUtcMidnight(t)).toBe(t + 1);
  });
});
