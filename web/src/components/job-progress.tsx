interface JobProgressProps {
  jobId: string;
  progress: number;
}

export function JobProgress({ jobId, progress }: JobProgressProps) {
  const value = Math.round(Math.min(100, Math.max(0, progress)));
  return (
    <div className="job-progress">
      <div
        className="usage-bar usage-ok"
        role="progressbar"
        aria-label={`Progress of job ${jobId}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
      >
        <span className="usage-fill" style={{ width: `${value}%` }} />
      </div>
      <span className="job-progress-text" aria-hidden="true">
        {value}%
      </span>
    </div>
  );
}
