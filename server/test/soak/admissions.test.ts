import { describe, expect, it } from 'vitest';
import { checkWindows } from '../../soak/admissions.js';
import type { Admission } from '../../soak/client.js';

/** Admissions answered 1 ms after they were sent, at these instants. */
const at = (...times: number[]): Admission[] => times.map((t) => [t, t + 1] as const);

describe('the soak over-admission check', () => {
  it('finds nothing in a log that keeps to the limit in every sliding window', () => {
    // 3 per 1000 ms, each call admitted just after the oldest one left the window
    const check = checkWindows(at(0, 10, 20, 1005, 1015, 1025, 2010, 2020, 2030), 3, 1000);
    expect(check).toEqual({ admitted: 9, overAdmissions: 0, busiestWindow: 3 });
  });

  it('finds a fixed window that admits twice the limit across its boundary', () => {
    const check = checkWindows(at(900, 910, 920, 1000, 1010, 1020), 3, 1000);
    expect(check.overAdmissions).toBe(3);
    expect(check.busiestWindow).toBe(6);
  });

  it('does not charge the server for what latency leaves uncertain', () => {
    // a slow call: sent at 0, answered at 600; it may have been admitted at 0, before the window
    // of the last three (which starts after 2 ms)
    const slow: Admission = [0, 600];
    const check = checkWindows([slow, ...at(998, 999, 1000)], 3, 1000);
    expect(check.overAdmissions).toBe(0);
  });

  it('merges the logs of every client: order does not matter', () => {
    const check = checkWindows([...at(500, 100), ...at(300, 200)], 3, 1000);
    expect(check.overAdmissions).toBe(1);
  });
});
