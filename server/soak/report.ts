import type { KeyRow, SoakResult } from './summary.js';

const int = (n: number) => n.toLocaleString('en-US');
const mb = (n: number | null) => (n === null ? '?' : `${n.toFixed(0)} MB`);
const sec = (n: number | null) => (n === null ? '—' : `${n.toFixed(1)} s`);
const check = (ok: boolean) => (ok ? '✓' : '✗');

/** The soak's one table: a measure and its value per row, sections set off by blank rows. */
export function soakTable(result: SoakResult): string[] {
  const rows: Array<[string, string]> = [];
  const { requests, jobs, events } = result;
  rows.push(['requests sent (all clients)', int(requests.sent)]);
  rows.push(['requests served (any HTTP answer)', `${int(requests.answered)} (${int(requests.ok)} OK)`]);
  for (const row of result.outcomes) {
    const split = Object.entries(row.byProcedure)
      .sort((a, b) => b[1] - a[1])
      .map(([procedure, n]) => `${procedure} ${int(n)}`)
      .join(', ');
    rows.push([row.outcome === 'OK' ? '  OK / 200' : `  ${row.outcome}`, `${int(row.total)} (${split})`]);
  }
  rows.push(['', '']);
  rows.push(['Redis SIGKILL → back (same port, AOF)', `${sec(events.redisKilledAt)} → ${sec(events.redisBackAt)}`]);
  rows.push([
    'first answer after Redis back',
    result.resumedAfterMs
      .map((ms, i) => `server ${i + 1} ${ms === null ? 'never' : `+${ms.toFixed(0)} ms`}`)
      .join(', '),
  ]);
  rows.push(['worker SIGKILL → replacement ready', `${sec(events.workerKilledAt)} → ${sec(events.workerReplacedAt)}`]);
  rows.push(['', '']);
  rows.push(['jobs accepted', int(jobs.accepted)]);
  rows.push(['jobs completed', int(jobs.completed)]);
  rows.push(['jobs failed', int(jobs.failed.length)]);
  rows.push(['jobs lost (accepted, not completed)', `${int(jobs.lost.length)} ${check(jobs.lost.length === 0)}`]);
  rows.push(['queue depth at the end', jobs.queueDepthAtEnd === null ? '?' : int(jobs.queueDepthAtEnd)]);
  rows.push(['slowest job (accepted → seen completed)', `${(jobs.slowestMs / 1000).toFixed(1)} s`]);
  rows.push(['', '']);
  for (const key of result.keys.filter((key) => key.role === 'tight')) {
    rows.push([
      `key ${key.limit} per ${key.windowSec} s: admitted / refused`,
      `${int(key.admitted)} / ${int(key.refused)}, busiest window ${key.busiestWindow} of ${key.limit}`,
    ]);
  }
  const jobKeys = result.keys.filter((key) => key.role === 'jobs');
  const sum = (pick: (key: KeyRow) => number) => int(jobKeys.reduce((total, key) => total + pick(key), 0));
  rows.push([
    `${jobKeys.length} job keys (limits not binding): admitted / refused`,
    `${sum((key) => key.admitted)} / ${sum((key) => key.refused)}`,
  ]);
  rows.push([
    'over-admissions (every sliding window)',
    `${int(result.overAdmissions)} ${check(result.overAdmissions === 0)}`,
  ]);
  rows.push(['', '']);
  for (const row of result.memory) {
    const ratio = row.startMb !== null && row.endMb !== null ? ` (×${(row.endMb / row.startMb).toFixed(2)})` : '';
    rows.push([
      `${row.process} RSS ready / start / end`,
      `${mb(row.readyMb)} / ${mb(row.startMb)} / ${mb(row.endMb)}${ratio} ${row.grew ? '⚠ more than doubled' : check(true)}`,
    ]);
  }
  rows.push(['Redis used_memory start / end', `${mb(result.redisMemory.startMb)} / ${mb(result.redisMemory.endMb)}`]);
  return table(['measure', `soak, ${result.minutes} min, ${result.clients} clients`], rows);
}

function table(header: [string, string], rows: Array<[string, string]>): string[] {
  const widths = [0, 1].map((column) => Math.max(...[header, ...rows].map((row) => row[column]!.length)));
  const line = (cells: [string, string]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}
