import { expect, it } from 'vitest';
import type { AttemptLimit, FailedAttempts } from './failed-attempts.js';

export interface AttemptsHarness {
  attempts: FailedAttempts;
  /** lets the current window end (a fake clock moves, or real time passes) */
  endWindow(): Promise<void>;
}

export const CONTRACT_LIMIT: AttemptLimit = { failures: 3, windowMs: 400 };

/** The behaviour both failed-attempt limiters share (run with CONTRACT_LIMIT). */
export function failedAttemptsContract(setup: () => Promise<AttemptsHarness>): void {
  it('allows the limit of failures, then refuses every attempt from that address, the right token included', async () => {
    const { attempts } = await setup();
    for (let i = 0; i < CONTRACT_LIMIT.failures; i++)
      expect(await attempts.attempt('10.0.0.1', true)).toEqual({ limited: false });
    const wrong = await attempts.attempt('10.0.0.1', true);
    const right = await attempts.attempt('10.0.0.1', false);
    for (const verdict of [wrong, right]) {
      expect(verdict.limited).toBe(true);
      if (verdict.limited) {
        expect(verdict.retryAfterMs).toBeGreaterThan(0);
        expect(verdict.retryAfterMs).toBeLessThanOrEqual(CONTRACT_LIMIT.windowMs);
      }
    }
  });

  it('leaves other addresses alone, and never counts right tokens', async () => {
    const { attempts } = await setup();
    for (let i = 0; i < CONTRACT_LIMIT.failures + 2; i++) await attempts.attempt('10.0.0.2', true);
    expect(await attempts.attempt('10.0.0.3', false)).toEqual({ limited: false });
    for (let i = 0; i < 20; i++) expect(await attempts.attempt('10.0.0.4', false)).toEqual({ limited: false });
    expect(await attempts.attempt('10.0.0.4', true)).toEqual({ limited: false });
  });

  it('lets an address try again once the window has ended', async () => {
    const { attempts, endWindow } = await setup();
    for (let i = 0; i <= CONTRACT_LIMIT.failures; i++) await attempts.attempt('10.0.0.5', true);
    expect((await attempts.attempt('10.0.0.5', false)).limited).toBe(true);
    await endWindow();
    expect(await attempts.attempt('10.0.0.5', false)).toEqual({ limited: false });
  });
}
