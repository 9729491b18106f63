/** A key hammered above its limit, so that the limit binds all through the soak. */
export interface TightLimit {
  name: string;
  limit: number;
  windowSec: number;
}

export interface SoakSettings {
  durationMs: number;
  clients: number;
  /** calls a client starts per second (one at a time: fewer when answers are slow) */
  callsPerSec: number;
  /** a client submits a job this often, in place of a guarded validate call */
  jobEveryMs: number;
  /** per-request timeout of the clients */
  timeoutMs: number;
  /** the keys the clients share for `validation.validate`, every client calling each of them */
  tightKeys: TightLimit[];
  /** Redis is SIGKILLed at this point of the run and started again `redisDownMs` later */
  redisCrashAtMs: number;
  redisDownMs: number;
  /** one worker is SIGKILLed at this point of the run, and a new one started */
  workerKillAtMs: number;
  /** "start" memory is read after this much load (JIT, pools and connections warmed up) */
  warmupMs: number;
  /** how long the soak waits, after the load stops, for every accepted job to finish */
  drainTimeoutMs: number;
  /** the workers' JOB_LOCK_DURATION_MS / JOB_STALLED_INTERVAL_MS / WORKER_CONCURRENCY */
  jobLockMs: number;
  stalledIntervalMs: number;
  workerConcurrency: number;
}

/** `pnpm soak --minutes N`: the schedule scales with N; the load does not. */
export function soakSettings(minutes: number): SoakSettings {
  const durationMs = Math.round(minutes * 60_000);
  return {
    durationMs,
    clients: 4,
    callsPerSec: 40,
    jobEveryMs: 500,
    timeoutMs: 5000,
    tightKeys: [
      { name: 'tight-20-per-2s', limit: 20, windowSec: 2 },
      { name: 'tight-10-per-1s', limit: 10, windowSec: 1 },
      { name: 'tight-40-per-5s', limit: 40, windowSec: 5 },
    ],
    redisCrashAtMs: Math.round(durationMs / 3),
    redisDownMs: 2000,
    workerKillAtMs: Math.round((2 * durationMs) / 3),
    warmupMs: Math.min(10_000, Math.round(durationMs / 6)),
    drainTimeoutMs: 60_000,
    jobLockMs: 5000,
    stalledIntervalMs: 2500,
    workerConcurrency: 4,
  };
}
