import type { Admission } from './client.js';

/**
 * Slack for the server's clock: the rate script reads Redis TIME in whole milliseconds, so two
 * admissions a hair under a window apart on the clients' clock may be a full window apart on its.
 */
export const CLOCK_SLACK_MS = 2;

export interface WindowCheck {
  admitted: number;
  /** admissions that closed a window holding more than the limit: 0 for an exact limiter */
  overAdmissions: number;
  /** the most admissions found certainly inside one window */
  busiestWindow: number;
}

/**
 * Checks every sliding window of `windowMs` over one key's admissions, gathered from every
 * client and both instances. The server decided each call somewhere between its sending and its
 * answer, so only what is certain counts: for the window ending at each answer, the admissions
 * sent after its start and answered by its end. More than `limit` of those is an over-admission,
 * charged to the admission that closes the window; request latency can hide one, never invent one.
 */
export function checkWindows(admissions: readonly Admission[], limit: number, windowMs: number): WindowCheck {
  const sorted = [...admissions].sort((a, b) => a[1] - b[1]);
  let overAdmissions = 0;
  let busiestWindow = 0;
  let last = 0;
  for (let j = 0; j < sorted.length; j++) {
    const end = sorted[j]![1];
    const start = end - windowMs + CLOCK_SLACK_MS;
    // Answers at the very same instant belong to this window too.
    last = Math.max(last, j);
    while (last + 1 < sorted.length && sorted[last + 1]![1] === end) last++;
    let inside = 0;
    for (let i = last; i >= 0 && sorted[i]![1] > start; i--) if (sorted[i]![0] > start) inside++;
    busiestWindow = Math.max(busiestWindow, inside);
    if (inside > limit) overAdmissions++;
  }
  return { admitted: sorted.length, overAdmissions, busiestWindow };
}
