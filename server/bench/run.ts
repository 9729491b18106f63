import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchRateLimit } from './rate-limit.js';
import { benchJobs } from './jobs.js';
import type { BenchRow } from './bench-row.js';
import { profileValidation } from './cpu-profile.js';
import {
  benchmarksMarkdown,
  machineLines,
  opsTable,
  profileLines,
  redisServerVersion,
  type ReportSection,
} from './report.js';
import { benchValidation, FULL_SETTINGS, QUICK_SETTINGS } from './validation.js';

/**
 * `pnpm bench`: Tollgate next to the peer library on this machine, in one run, as tables, also
 * written to BENCHMARKS.md at the repository root.
 *
 * - `--quick`: the in-process validation-engine section only, in about two seconds, printed and not
 *   written (unless `--out` says where);
 * - `--out FILE`: write the report there instead of BENCHMARKS.md.
 */
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
  strict: true,
});
const quick = args.quick === true;
const out =
  args.out === undefined
    ? quick
      ? undefined
      : fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url))
    : resolve(process.env['INIT_CWD'] ?? process.cwd(), args.out);

/** How long the profiled loop runs under `node --cpu-prof`. */
const PROFILE_MS = quick ? 500 : 1500;

const sections: ReportSection[] = [];
function print(section: ReportSection): void {
  sections.push(section);
  console.log(`\n## ${section.title}\n\n${section.lines.join('\n')}`);
}

console.log(`Tollgate benchmarks — node ${process.version}, ${new Date().toISOString()}${quick ? ' (--quick)' : ''}`);

const validationStarted = performance.now();
const validation = await benchValidation(quick ? QUICK_SETTINGS : FULL_SETTINGS);
print({ title: 'Validation engine (in-process, µs per document)', lines: validation.lines });
console.log(`\n(validation section: ${((performance.now() - validationStarted) / 1000).toFixed(1)} s)`);
if (out !== undefined) {
  print({
    title: 'Validation engine: what the profile says',
    lines: profileLines(await profileValidation(PROFILE_MS), validation.comparisons),
  });
}

const groups: Array<[string, () => Promise<BenchRow[]>]> = quick
  ? []
  : [
      ['Rate limiting (guarded call vs rate-limiter-flexible)', benchRateLimit],
      ['Jobs (Tollgate vs raw BullMQ)', benchJobs],
    ];
for (const [title, bench] of groups) {
  print({
    title,
    lines: [
      'The first row is the baseline; the ratio column is ops/s ÷ baseline ops/s, computed within the run.',
      '',
      ...opsTable(await bench()),
    ],
  });
}

if (out !== undefined) {
  const command = quick ? 'pnpm bench --quick' : 'pnpm bench';
  writeFileSync(out, benchmarksMarkdown(machineLines(quick ? undefined : redisServerVersion()), sections, command));
  console.log(`\nWritten to ${out}`);
}
process.exit(0);
