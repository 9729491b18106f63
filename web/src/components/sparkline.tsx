import { formatDecimal } from '../lib/format';

export interface SparkPoint {
  at: number;
  value: number | null;
}

interface SparklineProps {
  title: string;
  /** e.g. "last 5 min" */
  span: string;
  points: readonly SparkPoint[];
  from: number;
  to: number;
  tone: 'depth' | 'throughput';
}

const WIDTH = 300;
const HEIGHT = 56;
const PAD = 3;

/** Polylines, broken where the value is unknown. */
function segments(points: readonly SparkPoint[], from: number, to: number, max: number): string[] {
  const span = Math.max(1, to - from);
  const out: string[] = [];
  let current: string[] = [];
  for (const point of points) {
    if (point.value === null) {
      if (current.length > 0) out.push(current.join(' '));
      current = [];
      continue;
    }
    const x = ((point.at - from) / span) * WIDTH;
    const y = HEIGHT - PAD - (point.value / max) * (HEIGHT - 2 * PAD);
    current.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  }
  if (current.length > 0) out.push(current.join(' '));
  return out;
}

/** A small hand-drawn SVG line chart of one series, scaled to its own peak. */
export function Sparkline({ title, span, points, from, to, tone }: SparklineProps) {
  const known = points.map((p) => p.value).filter((v): v is number => v !== null);
  const peak = known.length === 0 ? 0 : Math.max(...known);
  const latest = points.length === 0 ? null : (points[points.length - 1]?.value ?? null);
  const lines = segments(points, from, to, Math.max(1, peak));
  const description = `${title}, ${span}: now ${formatDecimal(latest)}, peak ${formatDecimal(known.length === 0 ? null : peak)}`;
  return (
    <figure className={`sparkline sparkline-${tone}`}>
      <figcaption>
        <span>
          {title}, {span}
        </span>
        <span className="sparkline-peak">peak {formatDecimal(known.length === 0 ? null : peak)}</span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={description}>
        <line className="sparkline-axis" x1="0" y1={HEIGHT - PAD} x2={WIDTH} y2={HEIGHT - PAD} />
        {lines.map((line, index) =>
          line.includes(' ') ? (
            <polyline key={index} className="sparkline-line" points={line} />
          ) : (
            <circle key={index} className="sparkline-dot" cx={line.split(',')[0]} cy={line.split(',')[1]} r="1.5" />
          ),
        )}
      </svg>
    </figure>
  );
}
