import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createdKeySchema } from '@tollgate/shared';
import { SoakClient, type SoakKey } from './client.js';
import { Fleet } from './fleet.js';
import { JobTracker } from './job-tracker.js';
import { redisUsedMb, residentMb } from './memory.js';
import { soakTable } from './report.js';
import { soakSettings, type SoakSettings } from './settings.js';
import {
  isAnswered,
  keyRows,
  outcomeRows,
  resumption,
  type MemoryRow,
  type SoakEvents,
  type SoakResult,
} from './summary.js';
import { callProcedure, field, now } from './trpc-call.js';

/**
 * `pnpm soak [--minutes N] [--json FILE]`: steady guarded traffic and job submissions from four
 * clients against two server instances and two standalone workers sharing one Redis (started
 * here, AOF with appendfsync always); Redis SIGKILLed and restarted at a third of the run, a
 * worker SIGKILLed and replaced at two thirds. Prints one table; exits 1 when an accepted job was
 * not completed, a limit admitted too much, or service did not resume after the Redis restart.
 * Runs the built entries (`pnpm build`; `TOLLGATE_DIST=<dir>` for another build).
 */
const { values: args } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, json: { type: 'string' } },
  strict: true,
});
const minutes = Number(args.minutes);
if (!Number.isFinite(minutes) || minutes <= 0) throw new Error('--minutes must be a positive number');
const settings = soakSettings(minutes);
const ADMIN_TOKEN = `soak-admin-${randomBytes(12).toString('hex')}`;

const fleet = await Fleet.start({
  dist: process.env['TOLLGATE_DIST'],
  adminToken: ADMIN_TOKEN,
  prefix: 'soak',
  jobLockMs: settings.jobLockMs,
  stalledIntervalMs: settings.stalledIntervalMs,
  workerConcurrency: settings.workerConcurrency,
});
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping the soak`);
    void fleet.destroy().finally(() => process.exit(130));
  });
}

try {
  const result = await soak(fleet, settings);
  console.log('');
  for (const line of soakTable(result)) console.log(line);
  for (const problem of result.problems) console.log(`✗ ${problem}`);
  if (result.problems.length === 0) console.log('✓ nothing accepted was lost and no limit admitted too much');
  if (args.json !== undefined) {
    writeFileSync(resolve(process.env['INIT_CWD'] ?? process.cwd(), args.json), JSON.stringify(result, null, 2));
  }
  process.exitCode = result.problems.length === 0 ? 0 : 1;
} catch (error) {
  if (!interrupted) console.error('soak failed:', error);
  process.exitCode = 2;
} finally {
  if (!interrupted) await fleet.destroy();
}

async function soak(fleet: Fleet, settings: SoakSettings): Promise<SoakResult> {
  const urls = fleet.servers.map((server) => server.url);
  console.log(
    `Soak: ${minutes} min, ${settings.clients} clients → ${urls.join(' and ')}; 2 standalone workers; ` +
      `Redis on 127.0.0.1:${fleet.redis.port} (AOF, appendfsync always)`,
  );
  const tightKeys = await Promise.all(
    settings.tightKeys.map((key) => createKey(urls[0]!, key.name, key.limit, key.windowSec)),
  );
  const jobKeys = await Promise.all(
    Array.from({ length: settings.clients }, (_, i) => createKey(urls[0]!, `jobs-${i + 1}`, 100_000, 60)),
  );
  const readyMb = fleet.servers.map((server) => residentMb(server.child.pid) ?? null);
  const tracker = new JobTracker(urls, settings.timeoutMs);
  const clients = jobKeys.map(
    (jobKey, index) =>
      new SoakClient({
        index,
        servers: urls,
        tightKeys,
        jobKey,
        callsPerSec: settings.callsPerSec,
        jobEveryMs: settings.jobEveryMs,
        timeoutMs: settings.timeoutMs,
        onAccepted: (jobId, apiKey, at) => tracker.add(jobId, apiKey, at),
      }),
  );

  const startedAt = now();
  const at = (ms: number) => sleep(Math.max(0, startedAt + ms - now()));
  const elapsed = (time = now()) => (time - startedAt) / 1000;
  const say = (text: string) => console.log(`[${elapsed().toFixed(1).padStart(6)} s] ${text}`);
  const running = clients.map((client) => client.run());
  let loadEnded!: () => void;
  const loadEnd = new Promise<void>((resolve) => (loadEnded = resolve));
  const tallied = tracker.follow(loadEnd, settings.drainTimeoutMs);
  const progress = setInterval(() => say(progressLine(clients, tracker)), 10_000);

  const events: SoakEvents = { redisKilledAt: null, redisBackAt: null, workerKilledAt: null, workerReplacedAt: null };
  let redisBackAt: number | null = null;
  await at(settings.warmupMs);
  const startMb = fleet.servers.map((server) => residentMb(server.child.pid) ?? null);
  const redisStartMb = (await redisUsedMb(fleet.redis.url)) ?? null;
  say(`warmed up: server RSS ${startMb.map((m) => `${m?.toFixed(0)} MB`).join(', ')}`);
  await at(settings.redisCrashAtMs);
  say(`Redis SIGKILLed; back in ${settings.redisDownMs / 1000} s on the same port and AOF`);
  const crash = await fleet.crashRedis(settings.redisDownMs);
  [events.redisKilledAt, events.redisBackAt, redisBackAt] = [elapsed(crash.downAt), elapsed(crash.upAt), crash.upAt];
  say('Redis is back');
  await at(settings.workerKillAtMs);
  say('worker SIGKILLed; starting a new one');
  const kill = await fleet.killWorker(0);
  [events.workerKilledAt, events.workerReplacedAt] = [elapsed(kill.killedAt), elapsed(kill.readyAt)];
  say(`${kill.name} started`);
  await at(settings.durationMs);
  for (const client of clients) client.stop();
  await Promise.all(running);
  clearInterval(progress);
  say(`load stopped; waiting for ${tracker.counts.pending} unfinished jobs`);
  loadEnded();
  const tally = await tallied;
  say(`drained: ${tally.completed} of ${tally.accepted} jobs completed`);

  const queueDepthAtEnd = await queueDepth(urls[0]!);
  const endMb = fleet.servers.map((server) => residentMb(server.child.pid) ?? null);
  const redisEndMb = (await redisUsedMb(fleet.redis.url)) ?? null;
  const memory: MemoryRow[] = fleet.servers.map((_, i) => ({
    process: `server ${i + 1}`,
    readyMb: readyMb[i] ?? null,
    startMb: startMb[i] ?? null,
    endMb: endMb[i] ?? null,
    grew: (endMb[i] ?? 0) > 2 * (startMb[i] ?? Infinity),
  }));

  const outcomes = outcomeRows(clients);
  const keys = [...keyRows(clients, tightKeys, 'tight'), ...keyRows(clients, jobKeys, 'jobs')];
  const overAdmissions = keys.reduce((sum, key) => sum + key.overAdmissions, 0);
  const resumedAfterMs = resumption(clients, urls.length, redisBackAt);
  const problems: string[] = [];
  if (tally.lost.length > 0) {
    const sample = tally.lost.slice(0, 10).map((job) => `${job.jobId} (${job.state})`);
    problems.push(`${tally.lost.length} accepted jobs were not completed: ${sample.join(', ')}`);
  }
  if (overAdmissions > 0) problems.push(`${overAdmissions} calls were admitted beyond a window's limit`);
  resumedAfterMs.forEach((ms, i) => {
    if (ms === null) problems.push(`server ${i + 1} never answered again after the Redis restart`);
  });
  for (const row of memory) if (row.grew) console.log(`⚠ ${row.process}: RSS more than doubled after the warm-up`);
  return {
    minutes,
    clients: settings.clients,
    requests: {
      sent: outcomes.reduce((sum, row) => sum + row.total, 0),
      answered: outcomes.filter((row) => isAnswered(row.outcome)).reduce((sum, row) => sum + row.total, 0),
      ok: outcomes.find((row) => row.outcome === 'OK')?.total ?? 0,
    },
    outcomes,
    keys,
    overAdmissions,
    jobs: { ...tally, queueDepthAtEnd },
    events,
    resumedAfterMs,
    memory,
    redisMemory: { startMb: redisStartMb, endMb: redisEndMb },
    problems,
  };
}

/** A key through `admin.keys.create`, as an admin makes one. */
async function createKey(url: string, name: string, limit: number, windowSec: number): Promise<SoakKey> {
  const answer = await callProcedure({
    url,
    path: 'admin.keys.create',
    kind: 'mutation',
    token: ADMIN_TOKEN,
    input: { name, rateLimit: { limit, windowSec }, dailyJobQuota: 1_000_000 },
    timeoutMs: 10_000,
  });
  if (answer.status !== 200) throw new Error(`admin.keys.create answered ${answer.outcome}`);
  return { name, limit, windowSec, apiKey: createdKeySchema.parse(answer.data).apiKey };
}

async function queueDepth(url: string): Promise<number | null> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
    const depth = field(await response.json(), 'queue', 'queue_depth');
    return typeof depth === 'number' ? depth : null;
  } catch {
    return null;
  }
}

function progressLine(clients: readonly SoakClient[], tracker: JobTracker): string {
  const rows = outcomeRows(clients);
  const count = (prefix: string) =>
    rows.filter((row) => row.outcome.startsWith(prefix)).reduce((sum, row) => sum + row.total, 0);
  const sent = rows.reduce((sum, row) => sum + row.total, 0);
  const jobs = tracker.counts;
  return (
    `calls ${sent}: OK ${count('OK')}, 429 ${count('TOO_MANY')}, 503 ${count('SERVICE_UNAVAILABLE')}, ` +
    `other ${sent - count('OK') - count('TOO_MANY') - count('SERVICE_UNAVAILABLE')}; ` +
    `jobs ${jobs.accepted} accepted, ${jobs.completed} completed, ${jobs.failed} failed`
  );
}
