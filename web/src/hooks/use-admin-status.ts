import { useEffect, useRef, useState } from 'react';
import type { AdminStatus } from '@tollgate/shared';
import { trpc } from '../trpc';
import { describeError, isAuthError } from '../lib/errors';
import { useNow } from './use-now';

/** No snapshot for this long: the dashboard says it is reconnecting and its figures are stale. */
export const STALE_AFTER_MS = 3000;
/** Still nothing after this long: drop the stream and open a new one. */
const RESUBSCRIBE_AFTER_MS = 8000;
/** After an error that closed the stream for good (not an auth error): try again after this long. */
const RETRY_AFTER_ERROR_MS = 2000;
/** How much history the chart keeps. */
export const HISTORY_MS = 5 * 60_000;

export interface StatusSample {
  /** client receive time */
  at: number;
  depth: number | null;
  jobsPerMinute: number | null;
}

export type StreamState = 'connecting' | 'live' | 'reconnecting';

export interface AdminStatusView {
  snapshot: AdminStatus | undefined;
  /** when the last snapshot arrived (client clock) */
  receivedAt: number | null;
  state: StreamState;
  /** a failure to show while there is nothing (or nothing fresh) to show */
  error: string | null;
  history: readonly StatusSample[];
  now: number;
}

function appendSample(history: readonly StatusSample[], sample: StatusSample): StatusSample[] {
  const from = sample.at - HISTORY_MS;
  const kept = history.filter((s) => s.at >= from);
  kept.push(sample);
  return kept;
}

/**
 * The `admin.status` SSE subscription: the latest snapshot, a few minutes of depth/throughput
 * history, and a stream that heals itself (EventSource reconnects after a drop; on top of that the
 * hook resubscribes after a fatal error or a long silence). Auth errors end the session.
 */
export function useAdminStatus(onAuthError: (message: string) => void): AdminStatusView {
  const [history, setHistory] = useState<StatusSample[]>([]);
  const [receivedAt, setReceivedAt] = useState<number | null>(null);
  // kept here, not read from the subscription, so a resubscription does not blank the dashboard
  const [snapshot, setSnapshot] = useState<AdminStatus | undefined>(undefined);
  const lastKick = useRef(0);
  const now = useNow(500);

  const subscription = trpc.admin.status.useSubscription(undefined, {
    onData(snapshot) {
      const at = Date.now();
      setReceivedAt(at);
      setSnapshot(snapshot);
      setHistory((prev) =>
        appendSample(prev, {
          at,
          depth: snapshot.health.queue_service.queue_depth,
          jobsPerMinute: snapshot.queue.jobsPerMinute,
        }),
      );
    },
    onError(error) {
      if (isAuthError(error)) onAuthError(describeError(error));
    },
  });
  const { status, error, reset } = subscription;

  // A stream that ended with an error (other than auth) is opened again after a short pause.
  useEffect(() => {
    if (status !== 'error' || isAuthError(error)) return;
    const timer = window.setTimeout(reset, RETRY_AFTER_ERROR_MS);
    return () => window.clearTimeout(timer);
  }, [status, error, reset]);

  // A stream that stays silent (a proxy holding a dead connection) is replaced.
  useEffect(() => {
    const since = Math.max(receivedAt ?? 0, lastKick.current);
    if (since === 0 || status === 'error' || now - since < RESUBSCRIBE_AFTER_MS) return;
    lastKick.current = now;
    reset();
  }, [now, receivedAt, status, reset]);

  // Remember when the first attempt started, so a stream that never delivers is also retried.
  useEffect(() => {
    if (lastKick.current === 0) lastKick.current = Date.now();
  }, []);

  const fresh = receivedAt !== null && now - receivedAt <= STALE_AFTER_MS;
  const state: StreamState = receivedAt === null ? 'connecting' : fresh ? 'live' : 'reconnecting';
  const shownError = fresh || status !== 'error' ? null : describeError(error);

  return { snapshot, receivedAt, state, error: shownError, history, now };
}
