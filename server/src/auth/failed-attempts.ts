/** Failed admin-token attempts one client address may make per window, across every instance. */
export const ADMIN_FAILURES_PER_WINDOW = 10;
export const ADMIN_FAILURE_WINDOW_MS = 60_000;

/** The limit and its window (the defaults above; tests shorten the window). */
export interface AttemptLimit {
  failures: number;
  windowMs: number;
}

export const ADMIN_ATTEMPT_LIMIT: AttemptLimit = {
  failures: ADMIN_FAILURES_PER_WINDOW,
  windowMs: ADMIN_FAILURE_WINDOW_MS,
};

export type AttemptVerdict = { limited: false } | { limited: true; retryAfterMs: number };

/**
 * Counts failed admin-token attempts per client address in fixed windows of
 * ADMIN_FAILURE_WINDOW_MS. Once an address has failed ADMIN_FAILURES_PER_WINDOW times in the
 * window, every attempt from it is refused until the window ends — the right token included
 * (whoever tries 10 wrong tokens a minute does not get an 11th guess that would tell). Other
 * addresses are unaffected.
 */
export interface FailedAttempts {
  /**
   * One attempt from `address`; `failed` when its token was wrong. Limited: refuse it (and count
   * nothing). Not limited: a failure is counted.
   */
  attempt(address: string, failed: boolean): Promise<AttemptVerdict>;
  close(): Promise<void>;
}
