import type { BackendStatus } from '@tollgate/shared';

/** `connected` / `disconnected` / `in-memory`, exactly those words, with a coloured dot. */
export function StatusWord({ status }: { status: BackendStatus }) {
  return (
    <span className={`status-word status-${status}`}>
      <span className="status-dot" aria-hidden="true" />
      {status}
    </span>
  );
}
