import type { KeyRecord } from '@tollgate/shared';
import { KeyRow } from './key-row';

interface KeysTableProps {
  items: readonly KeyRecord[];
  now: number;
  busyId: string | null;
  onRevoke: (record: KeyRecord) => void;
  onResetUsage: (record: KeyRecord) => void;
}

export function KeysTable({ items, now, busyId, onRevoke, onResetUsage }: KeysTableProps) {
  if (items.length === 0) return <p className="empty">No API keys yet. Create one above.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table keys-table">
        <caption className="visually-hidden">API keys with their usage</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Rate window</th>
            <th scope="col">Daily job quota</th>
            <th scope="col">Created</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((record) => (
            <KeyRow
              key={record.id}
              record={record}
              now={now}
              busy={busyId === record.id}
              onRevoke={onRevoke}
              onResetUsage={onResetUsage}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
