import type { AdminJobSummary } from '@tollgate/shared';
import { formatShortDateTime } from '../lib/format';
import { JobProgress } from './job-progress';

interface JobRowProps {
  job: AdminJobSummary;
  selected: boolean;
  busy: boolean;
  onSelect: (id: string) => void;
  onRetry: (id: string) => void;
  onRemove: (id: string) => void;
}

export function JobRow({ job, selected, busy, onSelect, onRetry, onRemove }: JobRowProps) {
  return (
    <tr className={selected ? 'row-selected' : undefined}>
      <th scope="row" data-label="Job">
        <span className="mono job-id" title={job.id}>
          {job.id}
        </span>
      </th>
      <td data-label="State">
        <span className={`tag tag-${job.state}`}>{job.state}</span>
      </td>
      <td data-label="Progress">
        <JobProgress jobId={job.id} progress={job.progress} />
      </td>
      <td data-label="Attempts">{job.attemptsMade}</td>
      <td data-label="Created">{formatShortDateTime(job.createdAt)}</td>
      <td data-label="Finished">{formatShortDateTime(job.finishedAt)}</td>
      <td data-label="Owner key" className="mono">
        {job.ownerKeyId}
      </td>
      <td data-label="Actions" className="actions-cell">
        <div className="actions">
          <button
            type="button"
            onClick={() => onSelect(job.id)}
            aria-label={`Details of job ${job.id}`}
            aria-pressed={selected}
          >
            Details
          </button>
          {job.state === 'failed' ? (
            <button type="button" disabled={busy} onClick={() => onRetry(job.id)} aria-label={`Retry job ${job.id}`}>
              Retry
            </button>
          ) : null}
          <button
            type="button"
            className="button-danger-quiet"
            disabled={busy}
            onClick={() => onRemove(job.id)}
            aria-label={`Remove job ${job.id}`}
          >
            Remove
          </button>
        </div>
      </td>
    </tr>
  );
}
