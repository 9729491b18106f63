import type { KeyRecord } from '@tollgate/shared';
import { formatDateTime, formatRelative, formatWindow } from '../lib/format';
import { UsageBar } from './usage-bar';

interface KeyRowProps {
  record: KeyRecord;
  now: number;
  busy: boolean;
  onRevoke: (record: KeyRecord) => void;
  onResetUsage: (record: KeyRecord) => void;
}

export function KeyRow({ record, now, busy, onRevoke, onResetUsage }: KeyRowProps) {
  const { usage, rateLimit } = record;
  const revoked = record.revokedAt !== null;
  return (
    <tr className={revoked ? 'row-revoked' : undefined}>
      <th scope="row" data-label="Name">
        <span className="key-name">{record.name}</span>
        <span className="mono muted key-id">{record.id}</span>
      </th>
      <td data-label="Rate window">
        <UsageBar
          label={`Rate window usage of ${record.name}`}
          used={usage.rateUsed}
          limit={rateLimit.limit}
          unit={`calls per ${formatWindow(rateLimit.windowSec)}`}
          detail={`per ${formatWindow(rateLimit.windowSec)}, frees ${formatRelative(usage.rateResetAt, now)}`}
        />
      </td>
      <td data-label="Daily job quota">
        <UsageBar
          label={`Daily job quota usage of ${record.name}`}
          used={usage.dailyUsed}
          limit={record.dailyJobQuota}
          unit="jobs today"
          detail={`jobs today, resets ${formatRelative(usage.dailyResetAt, now)}`}
        />
      </td>
      <td data-label="Created">{formatDateTime(record.createdAt)}</td>
      <td data-label="Status">
        {revoked ? <span className="tag tag-revoked">revoked</span> : <span className="tag tag-active">active</span>}
      </td>
      <td data-label="Actions" className="actions-cell">
        <div className="actions">
          <button
            type="button"
            disabled={busy}
            onClick={() => onResetUsage(record)}
            aria-label={`Reset usage of ${record.name}`}
          >
            Reset usage
          </button>
          {!revoked ? (
            <button
              type="button"
              className="button-danger-quiet"
              disabled={busy}
              onClick={() => onRevoke(record)}
              aria-label={`Revoke ${record.name}`}
            >
              Revoke
            </button>
          ) : null}
        </div>
      </td>
    </tr>
  );
}
