import { HISTORY_MS, type StatusSample } from '../hooks/use-admin-status';
import { Sparkline } from './sparkline';

interface QueueChartProps {
  history: readonly StatusSample[];
  now: number;
}

/** Waiting jobs and throughput over the last minutes (at most five). */
export function QueueChart({ history, now }: QueueChartProps) {
  // the chart spans what has been seen, up to five minutes
  const first = history[0]?.at ?? now;
  const from = Math.max(now - HISTORY_MS, Math.min(first, now - 10_000));
  const seconds = Math.round((now - from) / 1000);
  const span = seconds >= 120 ? `last ${Math.round(seconds / 60)} min` : `last ${seconds} s`;
  return (
    <div className="queue-chart">
      <Sparkline
        title="Waiting jobs"
        span={span}
        tone="depth"
        from={from}
        to={now}
        points={history.map((s) => ({ at: s.at, value: s.depth }))}
      />
      <Sparkline
        title="Jobs per minute"
        span={span}
        tone="throughput"
        from={from}
        to={now}
        points={history.map((s) => ({ at: s.at, value: s.jobsPerMinute }))}
      />
    </div>
  );
}
