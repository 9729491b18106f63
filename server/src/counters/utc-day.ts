/** UTC days for the daily job quota: day n covers [n·DAY_MS, (n + 1)·DAY_MS). */
export const DAY_MS = 86_400_000;

/** Days since the epoch, UTC. */
export function utcDayNumber(now: number): number {
  return Math.floor(now / DAY_MS);
}

let lastDay: number | undefined;
let lastStamp = '';

/** `yyyymmdd` of a UTC day number, as used in Redis key names (today's is formatted once). */
export function utcDayStamp(day: number): string {
  if (day !== lastDay) {
    lastStamp = new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
    lastDay = day;
  }
  return lastStamp;
}

/** The UTC midnight that ends the day containing `now`. */
export function nextUtcMidnight(now: number): number {
  return (utcDayNumber(now) + 1) * DAY_MS;
}
