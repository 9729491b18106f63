import type { AdminStatus, JobState } from '@tollgate/shared';
import type { StatusSample } from '../hooks/use-admin-status';
import { formatCount, formatDecimal } from '../lib/format';
import { JOB_STATE_LIST } from '../lib/job-states';
import { Panel } from './panel';
import { QueueChart } from './queue-chart';
import { Stat } from './stat';

interface QueuePanelProps {
  snapshot: AdminStatus | undefined;
  error: string | null;
  history: readonly StatusSample[];
  now: number;
}

function countOf(counts: Partial<Record<JobState, number>> | null, state: JobState): number | null {
  return counts === null ? null : (counts[state] ?? 0);
}

export function QueuePanel({ snapshot, error, history, now }: QueuePanelProps) {
  const paused = snapshot?.queue.paused;
  return (
    <Panel
      title="Queue"
      loading={snapshot === undefined}
      loadingText={error ?? 'Waiting for the first status update…'}
      className="panel-wide"
    >
      {snapshot !== undefined ? (
        <>
          <dl className="stats stats-lead">
            <Stat
              label="Queue depth"
              value={formatCount(snapshot.health.queue_service.queue_depth)}
              valueClassName="figure-large"
            />
            <Stat
              label="Jobs per minute"
              value={formatDecimal(snapshot.queue.jobsPerMinute)}
              valueClassName="figure-large"
            />
            <Stat
              label="Queue state"
              value={paused === null || paused === undefined ? '—' : paused ? 'paused' : 'running'}
            />
            <Stat label="Queue backend" value={snapshot.health.queue_service.backend} />
          </dl>
          <h3 className="subheading">Jobs by state</h3>
          <dl className="stats stats-compact">
            {JOB_STATE_LIST.map((state) => (
              <Stat
                key={state}
                label={state}
                value={formatCount(countOf(snapshot.queue.counts, state))}
                valueClassName={`count-${state}`}
              />
            ))}
          </dl>
          <QueueChart history={history} now={now} />
        </>
      ) : null}
    </Panel>
  );
}
