import { useState } from 'react';
import type { JobState } from '@tollgate/shared';
import { ConfirmDialog } from '../components/confirm-dialog';
import { JobDetail } from '../components/job-detail';
import { JobStateFilter } from '../components/job-state-filter';
import { JobsTable } from '../components/jobs-table';
import { Pager } from '../components/pager';
import { Panel } from '../components/panel';
import { QueueControls } from '../components/queue-controls';
import { useJobActions, useJobs } from '../hooks/use-jobs';
import { useJobDetail } from '../hooks/use-job-detail';
import { describeError } from '../lib/errors';

interface JobsPageProps {
  /** from the live status stream */
  paused: boolean | null;
}

/** Jobs of every key: filter, live progress, details, retry, remove; pause and resume the queue. */
export function JobsPage({ paused }: JobsPageProps) {
  const [state, setState] = useState<JobState | undefined>(undefined);
  // cursors of the pages seen so far; the last one is the current page (undefined = newest)
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [toRemove, setToRemove] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];
  const jobs = useJobs(state, cursor);
  const { retry, remove } = useJobActions();
  const detail = useJobDetail(selectedId);

  const busyId = retry.isPending ? (retry.variables?.id ?? null) : null;
  const actionError = retry.error !== null ? `Retry failed: ${describeError(retry.error)}` : null;
  const listError = jobs.isError ? describeError(jobs.error) : null;

  return (
    <>
      <h1 className="page-title">Jobs</h1>
      <Panel title="Queue" actions={<QueueControls paused={paused} />} className="panel-toolbar" />
      <div className={selectedId === null ? 'jobs-layout' : 'jobs-layout jobs-layout-detail'}>
        <Panel
          title="Jobs"
          loading={jobs.isPending}
          loadingText="Loading jobs…"
          error={listError ?? actionError}
          actions={
            <JobStateFilter
              value={state}
              onChange={(next) => {
                setState(next);
                setCursors([undefined]);
              }}
            />
          }
        >
          {jobs.data !== undefined ? (
            <>
              <JobsTable
                items={jobs.data.items}
                selectedId={selectedId}
                busyId={busyId}
                onSelect={(id) => setSelectedId((current) => (current === id ? null : id))}
                onRetry={(id) => retry.mutate({ id })}
                onRemove={setToRemove}
              />
              <Pager
                page={cursors.length}
                hasPrevious={cursors.length > 1}
                hasNext={jobs.data.nextCursor !== null}
                onPrevious={() => setCursors((list) => list.slice(0, -1))}
                onNext={() => {
                  const next = jobs.data?.nextCursor;
                  if (next !== null && next !== undefined) setCursors((list) => [...list, next]);
                }}
              />
            </>
          ) : null}
        </Panel>
        {selectedId !== null ? (
          <JobDetail
            id={selectedId}
            job={detail.data}
            loading={detail.isPending}
            error={detail.isError ? describeError(detail.error) : null}
            onClose={() => setSelectedId(null)}
          />
        ) : null}
      </div>
      {toRemove !== null ? (
        <ConfirmDialog
          title={`Remove job ${toRemove}?`}
          confirmLabel="Remove job"
          busy={remove.isPending}
          error={remove.error !== null ? describeError(remove.error) : null}
          onCancel={() => {
            setToRemove(null);
            remove.reset();
          }}
          onConfirm={() =>
            remove.mutate(
              { id: toRemove },
              {
                onSuccess: () => {
                  if (selectedId === toRemove) setSelectedId(null);
                  setToRemove(null);
                },
              },
            )
          }
        >
          <p>The job and its result are deleted. Its owner will get NOT_FOUND for it.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
