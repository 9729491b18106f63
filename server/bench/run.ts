import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { TestRedisServer } from '../src/test-support/redis-server.js';
import { profileValidation } from './cpu-profile.js';
import { benchHttp, type HttpSection } from './http-bench.js';
import { httpLines } from './http-report.js';
import { benchJobs, type JobsSection } from './jobs.js';
import { jobsLines } from './jobs-report.js';
import { LoadProcess } from './load-process.js';
import { benchmarksMarkdown, machineLines, profileLines, redisServerVersion, type ReportSection } from './report.js';
import { FULL_BENCH, QUICK_BENCH, withOverrides } from './settings.js';
import { killOnExit } from './spawned.js';
import { compilePeerScripts, SERVER_DIR, TOLLGATE_DIST } from './standalone-scripts.js';
import { targetChecks, targetLines } from './targets.js';
import { benchValidation, FULL_SETTINGS, QUICK_SETTINGS } from './validation.js';

/**
 * `pnpm bench`: Tollgate next to what a user would pick instead, on this machine, in one run, as
 * tables, also written to BENCHMARKS.md at the repository root. Needs `pnpm build` (the root
 * script builds first) and `redis-server` on PATH.
 *
 * - `--quick`: every contender, short rounds, in well under a minute; printed and not written
 *   (unless `--out` says where);
 * - `--out FILE`: write the report there instead of BENCHMARKS.md;
 * - `--json FILE`: also write the figures as JSON (the smoke test reads them);
 * - `--round-sec N`, `--rounds N`: override the length and number of the HTTP and intake rounds
 *   (and the number of processing rounds).
 */
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    json: { type: 'string' },
    'round-sec': { type: 'string' },
    rounds: { type: 'string' },
  },
  strict: true,
});
const quick = args.quick === true;
const callerDir = process.env['INIT_CWD'] ?? process.cwd();
const out =
  args.out === undefined
    ? quick
      ? undefined
      : fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url))
    : resolve(callerDir, args.out);
const positive = (name: string, text: string | undefined) => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
const settings = withOverrides(
  quick ? QUICK_BENCH : FULL_BENCH,
  positive('round-sec', args['round-sec']),
  positive('rounds', args.rounds),
);
if (!existsSync(join(TOLLGATE_DIST, 'main.js'))) {
  throw new Error(`${TOLLGATE_DIST}/main.js is missing: run \`pnpm build\` first (\`pnpm bench\` does)`);
}

/** How long the profiled loop runs under `node --cpu-prof`. */
const PROFILE_MS = quick ? 500 : 1500;
const benchStarted = performance.now();
const loadAtStart = loadavg()[0]!;
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

function print(section: ReportSection): ReportSection {
  console.log(`\n## ${section.title}\n\n${section.lines.join('\n')}`);
  return section;
}

console.log(`Tollgate benchmarks — node ${process.version}, ${new Date().toISOString()}${quick ? ' (--quick)' : ''}`);

const validationStarted = performance.now();
const validation = await benchValidation(quick ? QUICK_SETTINGS : FULL_SETTINGS);
const validationSections = [
  print({ title: 'Validation engine (in-process, µs per document)', lines: validation.lines }),
];
console.log(`\n(validation section: ${seconds(validationStarted)})`);
if (out !== undefined) {
  validationSections.push(
    print({
      title: 'Validation engine: what the profile says',
      lines: profileLines(await profileValidation(PROFILE_MS), validation.comparisons),
    }),
  );
}

/** The socket benchmarks: one redis-server, one load process, every contender a process. */
const redisServer = await TestRedisServer.start();
const redisRegistration = killOnExit(redisServer.pid);
const logDir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
const load = LoadProcess.start(SERVER_DIR);
const redis = new Redis(redisServer.url);
let http: HttpSection | undefined;
let jobs: JobsSection | undefined;
const socketSections: ReportSection[] = [];
let failed = true;
try {
  const context = {
    redisUrl: redisServer.url,
    redis,
    load,
    peersDir: compilePeerScripts(),
    dir: logDir,
    adminToken: randomBytes(24).toString('base64url'),
  };
  const httpStarted = performance.now();
  http = await benchHttp(settings.http, context);
  socketSections.push(
    print({ title: 'HTTP: the guarded call next to the peers, over real sockets', lines: httpLines(http) }),
  );
  console.log(`\n(HTTP section: ${seconds(httpStarted)})`);
  const jobsStarted = performance.now();
  jobs = await benchJobs(settings, context);
  socketSections.push(print({ title: 'Jobs: intake and processing next to raw BullMQ', lines: jobsLines(jobs) }));
  console.log(`\n(jobs section: ${seconds(jobsStarted)})`);
  failed = false;
} finally {
  await load.close();
  redis.disconnect();
  await redisServer.destroy();
  redisRegistration.forget();
  if (failed) console.error(`\nThe contenders' logs are in ${logDir}`);
  else rmSync(logDir, { recursive: true, force: true });
}

const targets = targetChecks(http, jobs);
socketSections.push(print({ title: 'Targets', lines: targetLines(targets) }));
const profileSection = print({
  title: 'What the profile says',
  lines: [
    'A CPU profile of the built server (`node --cpu-prof server/dist/main.js`, its own Redis) serving guarded ' +
      '`validation.validate` to autocannon (20 connections, 10 s), self time summed per function from the ' +
      '`.cpuprofile` — recorded 2026-11-30, after the changes it led to:',
    '',
    '| where the time goes | share |',
    '| --- | --: |',
    '| `writev`: writing responses to the sockets (Fastify, one write per response) | 25% |',
    '| tRPC’s middleware chain copying the call’s options and context at every level (`_objectSpread2`, `_defineProperty`, `ownKeys`, `callRecursive`) | 21% |',
    '| idle (the load generator shares the 2 cores) | 8% |',
    '| garbage collection | 5% |',
    '| the lean handler itself (`handleLean`, input parsing, envelopes) | 4% |',
    '| validation (fingerprint, compiled-validator LRU, ajv) | 4% |',
    '| Redis (ioredis writes; permits make it 0.05 commands sent per call) | 2% |',
    '| SHA-256 of the API key | 1% |',
    '',
    'The lessons, in the order they were acted on: the stock Fastify adapter’s Fetch `Request`/`Response` per call ' +
      '(undici, `AbortSignal.any`, web streams: 13% GC) went with the lean handler (2.5× the stock path); helmet ' +
      'rebuilding headers per response went with headers computed once; one EVALSHA per call went with permit ' +
      'leases. What is left is mostly tRPC’s own middleware chain: every `.use()` level spreads the options and ' +
      'the context with Babel’s `_objectSpread2` (~2% of CPU per level), so the guarded chain was cut from nine ' +
      'levels to seven (`ctx.cache` now comes with the context; the schema check runs inside the quota ' +
      'middleware), 7.9k → 10.6k req/s on one server. Going further means fewer tRPC middleware levels still (one ' +
      'guard middleware doing screen + parse + quota), or calling procedures outside tRPC’s chain, which the ' +
      'public API does not offer; the socket write is the floor a plain Fastify route pays too.',
  ],
});
console.log(`\n(bench: ${seconds(benchStarted)})`);

if (out !== undefined) {
  const command = quick ? 'pnpm bench --quick' : 'pnpm bench';
  const machine = [
    ...machineLines(redisServerVersion()),
    '- Load: autocannon in a process of its own; every contender started by the bench as a process of its own',
    `- Load average (1 min) at the start and the end of the run: ${loadAtStart.toFixed(2)} / ${loadavg()[0]!.toFixed(2)} ` +
      '(anything else the machine was doing shows here)',
  ];
  writeFileSync(out, benchmarksMarkdown(machine, [...socketSections, profileSection, ...validationSections], command));
  console.log(`\nWritten to ${out}`);
}
if (args.json !== undefined) {
  const replacer = (_key: string, value: unknown): unknown =>
    value instanceof Map ? (Object.fromEntries(value) as unknown) : value;
  const figures = { settings, http, jobs, targets, validation: validation.comparisons };
  writeFileSync(resolve(callerDir, args.json), JSON.stringify(figures, replacer, 2));
}
process.exit(0);
