import { useEffect, useRef } from 'react';
import type { AdminJobDetail, ValidationJobResult } from '@tollgate/shared';
import { formatDateTime } from '../lib/format';
import { JobProgress } from './job-progress';
import { Panel } from './panel';
import { Stat } from './stat';

interface JobDetailProps {
  id: string;
  job: AdminJobDetail | undefined;
  loading: boolean;
  error: string | null;
  onClose: () => void;
}

/** Shown errors per invalid document, at most. */
const ERRORS_SHOWN = 5;

function ResultSummary({ result }: { result: ValidationJobResult }) {
  const invalid = result.results.filter((r) => !r.valid);
  return (
    <>
      <h3 className="subheading">Result</h3>
      <p>
        {result.total} document{result.total === 1 ? '' : 's'}: {result.valid} valid, {result.invalid} invalid.
      </p>
      {invalid.length > 0 ? (
        <ul className="result-list">
          {invalid.slice(0, 20).map((doc) => (
            <li key={doc.index}>
              Document {doc.index}:{' '}
              {doc.errors
                .slice(0, ERRORS_SHOWN)
                .map((e) => `${e.path === '' ? '(root)' : e.path} ${e.message}`)
                .join('; ')}
              {doc.errors.length > ERRORS_SHOWN ? ` (+${doc.errors.length - ERRORS_SHOWN} more)` : ''}
            </li>
          ))}
          {invalid.length > 20 ? <li>…and {invalid.length - 20} more invalid documents</li> : null}
        </ul>
      ) : null}
    </>
  );
}

export function JobDetail({ id, job, loading, error, onClose }: JobDetailProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  // opening (or switching) the detail moves focus to it
  useEffect(() => {
    heading.current?.focus();
  }, [id]);
  return (
    <Panel
      title={`Job ${id}`}
      headingRef={heading}
      loading={loading && job === undefined}
      error={error}
      className="job-detail"
      actions={
        <button type="button" className="button-quiet" onClick={onClose} aria-label="Close job details">
          Close
        </button>
      }
    >
      {job !== undefined ? (
        <>
          <dl className="stats">
            <Stat label="State" value={<span className={`tag tag-${job.state}`}>{job.state}</span>} />
            <Stat label="Progress" value={<JobProgress jobId={job.id} progress={job.progress} />} />
            <Stat label="Attempts" value={job.attemptsMade} />
            <Stat label="Owner key" value={<span className="mono">{job.ownerKeyId}</span>} />
            <Stat label="Created" value={formatDateTime(job.createdAt)} />
            <Stat label="Finished" value={formatDateTime(job.finishedAt)} />
            {job.input?.documents !== undefined ? <Stat label="Documents" value={job.input.documents} /> : null}
            {job.input?.schemaBytes !== undefined ? (
              <Stat label="Schema size" value={`${job.input.schemaBytes} bytes`} />
            ) : null}
          </dl>
          {job.failedReason !== undefined ? (
            <>
              <h3 className="subheading">Failed reason</h3>
              <pre className="failed-reason">{job.failedReason}</pre>
            </>
          ) : null}
          {job.result !== undefined ? <ResultSummary result={job.result} /> : null}
        </>
      ) : (
        <p className="empty">This job is no longer available (removed, or expired by retention).</p>
      )}
    </Panel>
  );
}
