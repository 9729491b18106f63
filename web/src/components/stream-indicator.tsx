import type { StreamState } from '../hooks/use-admin-status';

interface StreamIndicatorProps {
  state: StreamState;
  receivedAt: number | null;
  now: number;
}

/** Live / reconnecting indicator of the status stream. */
export function StreamIndicator({ state, receivedAt, now }: StreamIndicatorProps) {
  const seconds = receivedAt === null ? null : Math.max(0, Math.round((now - receivedAt) / 1000));
  const text =
    state === 'live'
      ? 'Live'
      : state === 'connecting'
        ? 'Connecting…'
        : `Reconnecting… last update ${seconds ?? '?'} s ago`;
  return (
    <p className={`stream-indicator stream-${state}`} role="status">
      <span className="stream-dot" aria-hidden="true" />
      {text}
    </p>
  );
}
