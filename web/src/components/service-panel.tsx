import type { AdminStatus } from '@tollgate/shared';
import { formatTime } from '../lib/format';
import { Panel } from './panel';
import { Stat } from './stat';

interface ServicePanelProps {
  snapshot: AdminStatus | undefined;
  error: string | null;
}

export function ServicePanel({ snapshot, error }: ServicePanelProps) {
  return (
    <Panel
      title="Service"
      loading={snapshot === undefined}
      loadingText={error ?? 'Waiting for the first status update…'}
    >
      {snapshot !== undefined ? (
        <dl className="stats">
          <Stat label="Health" value={snapshot.status} valueClassName={`health-${snapshot.status}`} />
          <Stat label="Environment" value={snapshot.environment} />
          <Stat label="Version" value={snapshot.version} />
          <Stat label="Snapshot taken" value={formatTime(snapshot.at)} />
        </dl>
      ) : null}
    </Panel>
  );
}
