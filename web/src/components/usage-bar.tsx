interface UsageBarProps {
  /** accessible name of the bar, e.g. "Rate window usage of ci-bot" */
  label: string;
  used: number;
  limit: number;
  /** e.g. "calls per minute" */
  unit: string;
  /** e.g. "resets in 42 s" */
  detail: string;
}

/** A labelled meter of used / limit; full means the next call is refused. */
export function UsageBar({ label, used, limit, unit, detail }: UsageBarProps) {
  const shown = Math.min(used, limit);
  const ratio = limit === 0 ? 1 : shown / limit;
  const tone = ratio >= 1 ? 'full' : ratio >= 0.8 ? 'high' : 'ok';
  return (
    <div className="usage">
      <div className="usage-figures" aria-hidden="true">
        <span>
          {used.toLocaleString('en')} / {limit.toLocaleString('en')}
        </span>
        <span className="muted">{detail}</span>
      </div>
      <div
        className={`usage-bar usage-${tone}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={shown}
        aria-valuetext={`${used} of ${limit} ${unit}, ${detail}`}
      >
        <span className="usage-fill" style={{ width: `${(ratio * 100).toFixed(1)}%` }} />
      </div>
    </div>
  );
}
