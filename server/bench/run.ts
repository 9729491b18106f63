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
    'CPU profiles of the built server (`node --cpu-prof server/dist/main.js`, its own Redis, output to a file) ' +
      'serving guarded `validation.validate` to autocannon (20 connections, 8 s), self time per function summed ' +
      'into what it was doing — recorded 2026-11-30 on this machine, after the changes they led to (~19k req/s ' +
      'in that setting):',
    '',
    '| where the time goes | share |',
    '| --- | --: |',
    '| `writev`: the response write (one per response: head and body) | 42% |',
    '| V8 runtime, promise jobs, timers, start-up module loading | 15% |',
    '| idle (the load generator and Redis share the 2 cores) | 10% |',
    '| response headers: the security set, RateLimit-*, node:http checking each | 7% |',
    '| the guard: key screen, permits, quota, schema check | 5% |',
    '| logging: the access line (pino, redaction) | 5% |',
    '| garbage collection | 5% |',
    '| lean handler: routing, `JSON.parse`, envelope | 4% |',
    '| Fastify and node:http request side, metrics | 3% |',
    '| validation: fingerprint, validator cache, inline policy, ajv | 3% |',
    '| zod, Redis client, tRPC helpers | 2% |',
    '',
    'The lessons, in the order they were acted on:',
    '',
    '- The stock Fastify adapter built a Fetch `Request`/`Response` per call (undici, `AbortSignal.any`, web ' +
      'streams: 13% in GC alone): the lean handler answers without them (2.5× the stock path).',
    '- helmet rebuilt its headers on every response: they are computed once.',
    '- One EVALSHA per guarded call: permit leases make it ~0.05 commands per call.',
    '- tRPC’s own middleware chain copies the call’s options and context at every `.use()` level with a spread ' +
      'helper (`_objectSpread2`: 25% self time at seven levels, ~2% per level). Guarded procedures now run as ' +
      '**direct calls** on the lean path — the same step functions in the same order, without the chain ' +
      '(`server/src/trpc/direct-call.ts`, proven equal call by call on both backends by ' +
      '`test/http/direct-call.differential.test.ts`): 10.4k → 18.3k req/s in `pnpm bench`. Without a transformer the response is ' +
      'no longer copied by `transformTRPCResponse` (3%).',
    '- Fastify logged two lines per request: one access line now (`request completed`, with the request). ' +
      'With it the server serves ~25% fewer requests than at LOG_LEVEL=warn (17–19k against 21–25k req/s), ' +
      'yet pino’s own work is ~2.5 µs a line (serializing 0.9, redaction 1.0, the write 0.5, in a diff of the ' +
      'two profiles per request): the rest of the gap is spread over everything else (GC, `writev`, header ' +
      'code all cost more per request), the file writes competing for the 2 cores. 8 KB write batches ' +
      'measured no gain. `LOG_LEVEL=warn` is the lever left to a deployment that does not need per-request lines.',
    '- Req/s moves ±7–10% between identical runs on this machine, so small changes are judged by CPU per ' +
      'request instead: two profiles, each function’s self time divided by the requests served. On a slower ' +
      'machine of the same kind (~6k guarded req/s under the profiler, ~180 µs of CPU per call, 33 µs of it in ' +
      'the kernel) that diff put the process logger’s redaction pass at 5 µs per call: pino clones every ' +
      'object-valued field of a line to look for the paths it censors (`*.password` matches any field). The ' +
      'access line now goes through a logger without redaction, sharing the destination and the level, from ' +
      'fields built one by one with nothing a credential could be in (`server/src/http/access-log.ts`; ' +
      '`test/http/access-log.test.ts` proves each line equal to the one the redacting logger writes, and ' +
      'credential query parameters still censored). SHA-256 through the one-shot `crypto.hash` (0.5 µs against ' +
      '1.2 µs for createHash/update/digest) saved another 1 µs per call. `jobs.get` and `jobs.list` became ' +
      'direct calls like the guarded procedures (`keyQuery`): ~9% less CPU per cached `jobs.get`.',
    '- The profile’s line ticks (`positionTicks`) then found a guarded call’s costliest line in the direct call ' +
      'itself: its context built as `{ ...ctx, ...caller }`, then `{ ...identified, apiKey }` — V8 copies a ' +
      'spread of an object that was itself made by a spread through its runtime, ~7 µs a call on that machine. ' +
      'Written out field by field (one object; `apiKey` set once admitted): ~165–180 → ~145 µs of CPU per ' +
      'guarded call, ~6.3k → ~7.2k req/s under the same load. Found the same way and cut: a WeakMap keyed by ' +
      'reply for merging a batch’s RateLimit-* headers (the headers already set are now the state), ' +
      '`decodeURIComponent` of a path without escapes, `Promise.all` around a lone call.',
    '- The `writev` share is not the write itself: the `@fastify/rate-limit` peer, profiled the same way, spends ' +
      '~7 µs of wall time per response in it against our ~22 µs. Our process is the one saturating a core, and ' +
      'is descheduled in the syscall that wakes the load generator: that share falls with every microsecond of ' +
      'our own work, and the rest of the gap to the peer is the work it does not do (no key, no sliding window, ' +
      'no envelope, five headers against twenty).',
    '- Job intake was three socket writes per job (quota script, index MULTI — an ioredis Pipeline, copying ' +
      'every defined script per MULTI, 7% — and the job’s script). The calls of one event-loop turn now share ' +
      'one write of quota scripts (a Pipeline then, a corked socket since: below), one index script and one ' +
      'BullMQ `addBulk`: 3 writes per batch, 3.9k → ' +
      '5.0k jobs/s in `pnpm bench`. ioredis auto-pipelining was measured instead and was slower (3.5k against ' +
      '4.7k jobs/s). The batch is not the limit either: the same 32 calls split over 2 to 8 concurrent ' +
      'requests (`maxItems`) measured the same. The rate is set by the work per job in three processes sharing ' +
      'two cores — the server alone spends ~90 µs of CPU per job (BullMQ building each job, zod over its ' +
      'documents, the schema check; 12% in GC), the typed client and Redis about as much again — where raw ' +
      '`Queue.add` is one script call from an in-process caller.',
    '- Server RSS after the load varies from run to run (141 MB and 236 MB in two full runs of the same ' +
      'code): sampled every 5 s under 30 s of load, the heap in use swings between 40 and 114 MB and does not ' +
      'grow — V8 lets the old generation fill until a mark-compact, and keeps what it took. The young ' +
      'generation adds to it: `--max-semi-space-size=4` (16 MB semi-spaces by default) took a 15 s run from ' +
      '~176 to ~152 MB at the same throughput; the contract’s entry point (`node server/dist/main.js`) takes ' +
      'no flags, so that is left to `NODE_OPTIONS` in a deployment. At idle the server holds ~124 MB, 26 MB of ' +
      'it the validation engines’ code. The old generation’s growth can be set from inside the process ' +
      "(`v8.setFlagsFromString('--heap-growing-percent=30')` at start-up takes effect, unlike the semi-space " +
      'size): RSS after a 6 s load fell from 190–198 to 132–143 MB, one mark-compact every ~1.2 s — but three ' +
      'runs of eight then served 20% fewer requests with p99 at 9 ms (the concurrent marker competing for the 2 ' +
      'cores), never seen in twenty runs without it. Not adopted: an RSS figure is not worth a throughput cliff.',
    '- What a microsecond of our own work costs here (measured 2026-11-30, `perf` and CPU per request, ' +
      'alternating runs): a 3 µs busy loop added to every guarded call cost ~10 µs of CPU per request and ' +
      '15% of the req/s. `perf record` of the server puts 11–18% of its CPU in the kernel’s wake-up of the ' +
      'load generator from the response’s TCP write (`_raw_spin_unlock_irqrestore` under ' +
      '`__tcp_transmit_skb`, a virtual machine’s interrupt path), more the busier our process is. The ' +
      'access line measures the same way: with it 12.0–12.7k req/s and 80–87 µs per call, at ' +
      '`LOG_LEVEL=warn` 16.4–17.2k and 59–62 µs (the `LOG_LEVEL=warn` row of the HTTP table puts that ' +
      'figure in every run). Where it goes was checked one piece at a time: writing to /dev/null or writing ' +
      'synchronously cost the same as pino’s asynchronous writes, one write per event-loop turn within 1% ' +
      '(below); building the line without writing it cost more than half. The line is ordinary work, ' +
      'amplified like any other by a saturated core: per-request logging is the price of a complete access ' +
      'log, and `LOG_LEVEL=warn` the setting that removes it.',
    '- Allocation per request is the steadiest measure on this machine (the sampling heap profiler with ' +
      'the objects of minor and major GCs included, over a 5 s load; 2026-11-30): a guarded call allocates ' +
      '~35 KB. pino 5.6 KB — 3.7 KB of it sonic-boom copying the lines still waiting for its asynchronous ' +
      'write on every new line (it measures its last chunk with `Buffer.byteLength`, which flattens the ' +
      'concatenation) — node:http’s response head 3.7 KB, the lean handler and the direct call 5.5 KB (the ' +
      'promises and frames of their async steps), Fastify 2.9 KB, the schema check and validation 1.5 KB, ' +
      'the per-request child logger 1 KB, the security headers 0.7 KB. Handing the access lines to the ' +
      'destination once per event-loop turn took pino’s share to 2.0 KB (31 KB per call), but built ' +
      'properly (a flush when the app closes and at process exit, tested) it served the same req/s as ' +
      'before within 1% over three alternating pairs (12.06k against 11.93k, 85 against 86 µs per call): ' +
      'not adopted, since access lines would trail the other lines of their turn for nothing measurable. ' +
      'Promotion out of the young generation (~800 bytes per call, `--trace-gc-nvp`) did not change with ' +
      'it.',
    '- The guard’s own cost, found by diffing the guarded call’s profile against the unguarded row’s ' +
      '(same load, self time per request; 2026-11-30): the guard still did per call what it needed once. ' +
      'The key’s parse and SHA-256 ran on every call (3–5 µs of the profile): the pre-screen ' +
      '(`server/src/keys/recent-keys.ts`) now finds a key that authenticated lately by the key as ' +
      'presented. The schema’s validator lookup (its text hashed into a Map key) and its inline test ran ' +
      'three times — the guard’s compile check, the response cache’s test, the validation: the call’s ' +
      'schema fingerprint now keeps both. The direct call’s inclusive time fell from 27 to 15 µs per ' +
      'request. Then the microtask queue: the admission, the schema check, the quota step and the cache ' +
      'step were async functions even when nothing waits, ~8 promises a call; they now answer at once ' +
      'when the schema is compiled and the permit local (`CounterStore.consume` returns its answer ' +
      'without a promise then). With the server pinned to one core and the load and Redis to the other ' +
      '(`taskset`; unpinned, identical runs differed by up to 1.8× this time), alternating pairs measured ' +
      'the first two cuts at +10–20% and the promises at +6–17% req/s.',
    '- Tried and not adopted, 2026-11-30: the access line built as one template string (the same ' +
      'characters, proven by the access-log test) instead of through pino cost the same in the profile ' +
      '(5.8 against 5.7 µs per request): the cost is the JSON text and its write, not pino’s pass over the ' +
      'fields. Remembering a key’s authentication for a lease’s life (250 ms) saved `jobs.get` its one ' +
      'Redis command, but the two-instance cache test showed what that read also does: it makes a cached ' +
      'read fail closed the moment Redis dies, where the near cache alone serves until its invalidation ' +
      'channel has been silent for 300 ms. Kept the read.',
    '- Intake from the typed client’s side (a CPU profile of the load process submitting 32 jobs at a ' +
      'time, 16 per request): most of its main-thread time is tRPC’s client machinery per call — ' +
      '`observableToPromise` aborts its own AbortController when every call completes, which builds a ' +
      'DOMException with a stack trace (~8 µs a job), an AbortController and a raced signal per operation ' +
      '(~7 µs), object spreads (~6 µs) — and undici’s `fetch` per request. It is why the intake row ' +
      'measures the client as much as the server. Two parts of it were ours to cut (2026-12-01): the ' +
      'client’s three levels of `splitLink` (an observable and a link chain each, per call) became one ' +
      'link handing each call to its terminating link, and that link ends a query or mutation with its ' +
      'value, not passing on the `complete` after it whose only effect was that abort ' +
      '(`server/src/client/route-link.ts`; a call that completes without a value still rejects): the ' +
      'same client process measured 118–164 → 95–155 µs of CPU per `jobs.submit` and 91–149 → 68–119 µs ' +
      'per `usage.get`, six alternating 2 s rounds each against one server.',
    '- An ioredis Pipeline copies every script defined on its connection when it is made — BullMQ ' +
      'defines 64 on the command connection — which measured ~30 µs per Pipeline against ~2 µs on a ' +
      'connection without them (2026-12-01). Every intake batch made one for its quota scripts, every ' +
      '`jobs.list` one for its index read. Commands sent together now leave in one socket write by ' +
      'corking the connection’s socket while they are issued (`server/src/redis/one-write.ts`; the ' +
      'tests count the socket’s own writes): server CPU per submitted job 123–144 → 116–132 µs in three ' +
      'alternating pairs. BullMQ’s own `addBulk` still makes its Pipeline.',
    '- The guard’s cost at 2026-12-01 (guarded against unguarded row, same load, CPU per request from ' +
      '`/proc`, alternating runs): 88–93 against 73–75 µs. Taking one piece out of the built server at a ' +
      'time, three alternating runs each: the RateLimit-* headers ~3 µs (84–88 → 80–83), the metrics ' +
      'hook nothing measurable (83–88 with or without it). `perf record` of both processes (real CPU ' +
      'samples, not wall time) put the rest of the difference, ~12 µs, in dozens of places under 0.7 µs ' +
      'each — the key screen, the permit, the schema-fingerprint lookup, the cache test, the direct ' +
      'call’s promises, V8’s megamorphic property lookups on the larger context object — with nothing ' +
      'left that is done twice or could be hoisted: the guard is work the unguarded row does not do. ' +
      'Measured the same way and kept: helmet’s twelve security headers on API responses cost ~4 µs ' +
      'per call (86–90 → 82–90 µs without them on `/trpc/`), node:http’s own work per header; a JSON ' +
      'answer could do with fewer, but not at the price of a weaker default for a few percent.',
    '- What the CPU columns show (2026-12-01, a full run): each HTTP contender is bound by the core its own ' +
      'process runs on, req/s ≈ 1,000,000 ÷ its CPU µs per request (guarded: 51 µs, 20.9k req/s; the ' +
      '`@fastify/rate-limit` peer: 29 µs, 33.0k). The peer counts in Redis — 9 µs per request on Redis’s ' +
      'side, in another process on the other core — where Tollgate’s permits count in the process: per ' +
      'request, the two spend about the same CPU in all when the access line is off (40 + 1 against 29 + 9 ' +
      'µs). For ≥ 1.0× the peer, the server would have to serve a call in the peer’s 29 µs, under the 45 µs ' +
      'of the unguarded row (our request path without the guard, its access line included) and twice the bare Fastify route’s 16 µs: ' +
      'the envelope, zod, the security headers, the metrics and the access line (11 µs here) are the ' +
      'difference, and each is part of what Tollgate is. Intake, per job: the typed client 114 µs, the ' +
      'server 117 µs, Redis 57 µs (quota, index and the job, 22 commands) — 288 µs of CPU against 36 ' +
      '(18 + 18) for raw `Queue.add` on the same two cores: eight times the work, hence ~0.1× the rate; the ' +
      'client alone spends three times raw `add`’s whole path.',
    '- The hyperjump engine (for the keywords ajv gets wrong) now loads on the first schema that needs it: ' +
      'in a bare process its modules held 10 MB of heap and 23 MB of RSS. The server’s RSS after start-up ' +
      'moved from 121–124 to 111–129 MB (start-up’s own allocation dominates); after the load, V8’s heap ' +
      'growth does (above). Its first use costs one 15–17 ms pause of the event loop while its modules run, ' +
      'once per process; validation threads load it in their warm-up, before any budget starts.',
    '- Where the old generation’s growth under load came from (2026-12-01, `--trace-gc-nvp` of the server ' +
      'under the guarded load): each scavenge promoted ~280 KB, 90% of what the one before had kept, though ' +
      'a call lives a few milliseconds and scavenges ran ~60 ms apart; a heap snapshot taken during the load ' +
      'held none of those objects. The unguarded row promoted as much, a copy of it without the validation ' +
      'call 15 times less, and the same promotion came back with any call into the validation module, even on ' +
      'a constant document: no object of ours kept them. V8’s allocation-site pretenuring did — once a site ' +
      'whose objects were sampled surviving a scavenge is tenured, its objects are allocated in the old ' +
      'generation, and every young object they point to survives scavenges through them and is promoted. With ' +
      '`--no-allocation-site-pretenuring`, set by the entry points before the request path loads ' +
      '(`server/src/v8-heap-flags.ts`), 17–21 KB were promoted per MB allocated against 6, and RSS after three ' +
      '6 s rounds was 133–135 MB against 188–189, at the same request rate. The rest of the promotion is ' +
      'access lines waiting in pino’s buffer for their write and ioredis pipelines (a sampling heap profile ' +
      'counting only objects that survived a scavenge). The young generation still grows to its 16 MB ' +
      'semi-spaces during start-up: only `--max-semi-space-size` bounds it, before start-up.',
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
