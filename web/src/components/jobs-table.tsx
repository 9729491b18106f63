import type { AdminJobSummary } from '@tollgate/shared';
import { JobRow } from './job-row';

interface JobsTableProps {
  items: readonly AdminJobSummary[];
  selectedId: string | null;
  busyId: string | null;
  onSelect: (id: string) => void;
  onRetry: (id: string) => void;
  onRemove: (id: string) => void;
}

export function JobsTable({ items, selectedId, busyId, onSelect, onRetry, onRemove }: JobsTableProps) {
  if (items.length === 0) return <p className="empty">No jobs here.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table jobs-table">
        <caption className="visually-hidden">Jobs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">State</th>
            <th scope="col">Progress</th>
            <th scope="col">Attempts</th>
            <th scope="col">Created</th>
            <th scope="col">Finished</th>
            <th scope="col">Owner key</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((job) => (
            <JobRow
              key={job.id}
              job={job}
              selected={job.id === selectedId}
              busy={job.id === busyId}
              onSelect={onSelect}
              onRetry={onRetry}
              onRemove={onRemove}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
