import { benchRateLimit } from './rate-limit.js';
import { benchJobs } from './jobs.js';
import type { BenchRow } from './bench-row.js';

/**
 * `pnpm bench`: Tollgate next to the peer library on this machine, in one run, as a table.
 * The first row of each group is the baseline; the ratio column is ops/s ÷ baseline ops/s.
 */
function printTable(title: string, rows: BenchRow[]): void {
  const baseline = rows[0]?.opsPerSec ?? 1;
  console.log(`\n## ${title}\n`);
  console.log('| benchmark | ops/s | ratio to first row | note |');
  console.log('|---|---:|---:|---|');
  for (const row of rows) {
    const ratio = baseline > 0 ? (row.opsPerSec / baseline).toFixed(2) : 'n/a';
    console.log(
      `| ${row.name} | ${Math.round(row.opsPerSec).toLocaleString('en-US')} | ${ratio} | ${row.note ?? ''} |`,
    );
  }
}

const groups: Array<[string, () => Promise<BenchRow[]>]> = [
  ['Rate limiting (guarded call vs rate-limiter-flexible)', benchRateLimit],
  ['Jobs (Tollgate vs raw BullMQ)', benchJobs],
];

console.log(`Tollgate benchmarks — node ${process.version}, ${new Date().toISOString()}`);
for (const [title, bench] of groups) {
  printTable(title, await bench());
}
process.exit(0);
