const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/** A figure that may be unknown: unknown is an em dash, never 0. */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : integer.format(value);
}

export function formatDecimal(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : decimal.format(value);
}

/** A ratio (0–1) as a percentage with one decimal; unknown is an em dash. */
export function formatPercent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '—' : `${decimal.format(ratio * 100)} %`;
}

export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value < 10 ? `${decimal.format(value)} ms` : `${integer.format(value)} ms`;
}

export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? integer.format(size) : decimal.format(size)} ${units[unit]}`;
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
const time = new Intl.DateTimeFormat('en-GB', { timeStyle: 'medium' });

export function formatDateTime(epochMs: number | null | undefined): string {
  return epochMs === null || epochMs === undefined ? '—' : dateTime.format(epochMs);
}

export function formatTime(epochMs: number): string {
  return time.format(epochMs);
}

/** "in 42 s", "in 3 min", "in 5 h" (or "now"). */
export function formatRelative(epochMs: number, now: number): string {
  const seconds = Math.max(0, Math.ceil((epochMs - now) / 1000));
  if (seconds === 0) return 'now';
  if (seconds < 120) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `in ${minutes} min`;
  return `in ${Math.round(minutes / 60)} h`;
}

export function formatWindow(windowSec: number): string {
  if (windowSec % 86_400 === 0) return windowSec === 86_400 ? 'day' : `${windowSec / 86_400} days`;
  if (windowSec % 3600 === 0) return windowSec === 3600 ? 'hour' : `${windowSec / 3600} h`;
  if (windowSec % 60 === 0) return windowSec === 60 ? 'minute' : `${windowSec / 60} min`;
  return `${windowSec} s`;
}

const shortDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

/** The time alone for today, else a short date and time: for dense tables. */
export function formatShortDateTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '—';
  const today = new Date().toDateString() === new Date(epochMs).toDateString();
  return today ? time.format(epochMs) : shortDate.format(epochMs);
}
