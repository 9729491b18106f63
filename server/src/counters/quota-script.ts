import { isCluster, type RedisClient } from '../redis/redis-client.js';
import { inOneWrite, settledReply } from '../redis/one-write.js';
import { TickBatcher } from '../redis/tick-batcher.js';
import type { Clock } from '../clock.js';
import type { ConsumeResult, QuotaCost, StoredKey } from './counter-store.js';
import { dailyState, rateState } from './quota-state.js';
import { KEY_ID_PATTERN, type RedisKeyNames } from './redis-keys.js';
import { DAILY_COUNTER_MARGIN_MS, withCounterScripts, type CounterScripts } from './redis-scripts.js';
import { utcDayNumber } from './utc-day.js';

/** A lease asked for along with a call (see permits.md): the script may grant fewer, or none. */
export interface LeaseRequest {
  wanted: number;
  leaseMs: number;
  fairShare: number;
  minLease: number;
}

/** Unused permits of a dead lease, returned to the bucket they were counted in. */
export interface HandBack {
  bucket: number;
  permits: number;
}

export interface ScriptRequest {
  cost: QuotaCost;
  lease?: LeaseRequest;
  handBack?: HandBack;
}

/** What the script decided about one key, and what it counted. */
export interface ScriptAnswer {
  status: 0 | 1 | 2;
  /** the script's clock (Redis TIME unless a clock is injected) */
  now: number;
  key: StoredKey;
  rateCount: number;
  rateResetAt: number;
  dailyUsed: number;
  /** permits leased to the caller on top of its call (0 for none) */
  leased: number;
  leaseBucket: number;
  /** end of the lease's validity, exclusive, on the script's clock */
  leaseUntil: number;
  /**
   * the caller's monotonic clock when the command that answered was issued: at or before it was
   * sent (batched calls leave within the same turn of the event loop), so deadlines counted from
   * it end early, never late
   */
  sentAt: number;
}

export type ScriptOutcome = ScriptAnswer | 'unknown' | 'revoked';

const MAX_DAY_RETRIES = 3;

function num(value: string | number | null | undefined): number {
  return typeof value === 'number' ? value : Number(value);
}

/**
 * Runs `consume-3.lua` for one key: one EVALSHA (a retry only within clock skew of UTC midnight).
 * `mono` is the caller's monotonic clock: with an injected clock it is that clock, which then also
 * drives the script, so `sentAt` and `now` are the same instant.
 */
export function createQuotaScript(redis: RedisClient, names: RedisKeyNames, clock: Clock | undefined, mono: Clock) {
  const consume = batchedConsume(redis);

  return async function runQuotaScript(id: string, keyHash: string, request: ScriptRequest): Promise<ScriptOutcome> {
    if (!KEY_ID_PATTERN.test(id)) return 'unknown';
    const { cost, lease, handBack } = request;
    let now = clock === undefined ? Date.now() : clock();
    for (let attempt = 0; attempt < MAX_DAY_RETRIES; attempt++) {
      const day = utcDayNumber(now);
      const sentAt = clock === undefined ? mono() : now;
      const reply = await consume(
        names.meta(id),
        names.rate(id),
        names.daily(id, day),
        keyHash,
        cost.rate ? '1' : '0',
        cost.daily ? '1' : '0',
        clock === undefined ? '' : String(now),
        String(day),
        String(DAILY_COUNTER_MARGIN_MS),
        String(lease?.wanted ?? 0),
        String(lease?.leaseMs ?? 1),
        String(lease?.fairShare ?? 1),
        String(lease?.minLease ?? 1),
        handBack === undefined ? '' : String(handBack.bucket),
        handBack === undefined ? '0' : String(handBack.permits),
      );
      const status = num(reply[0]);
      if (status === -1) return 'unknown';
      if (status === -2) return 'revoked';
      if (status === -3) {
        // Redis TIME is on another UTC day than our clock (we are within clock skew of midnight).
        now = clock === undefined ? num(reply[1]) : clock();
        continue;
      }
      const revokedAt = num(reply[10]);
      return {
        status: status as 0 | 1 | 2,
        now: num(reply[1]),
        rateCount: num(reply[2]),
        rateResetAt: num(reply[3]),
        dailyUsed: num(reply[4]),
        key: {
          id,
          name: String(reply[5] ?? ''),
          rateLimit: { limit: num(reply[6]), windowSec: num(reply[7]) },
          dailyJobQuota: num(reply[8]),
          createdAt: num(reply[9]),
          revokedAt: revokedAt < 0 ? null : revokedAt,
        },
        leased: num(reply[11]),
        leaseBucket: num(reply[12]),
        leaseUntil: num(reply[13]),
        sentAt,
      };
    }
    throw new Error('quota script kept answering for another UTC day');
  };
}

export type RunQuotaScript = ReturnType<typeof createQuotaScript>;

type ConsumeArgs = Parameters<CounterScripts['tollgateConsume']>;
type ScriptReply = Awaited<ReturnType<CounterScripts['tollgateConsume']>>;

/**
 * `tollgateConsume`, with the calls of one turn of the event loop (the guarded calls of one
 * httpBatchLink request, e.g. a batch of jobs.submit) sent in one socket write (`inOneWrite`: not
 * an ioredis Pipeline, which copies BullMQ's 64 scripts every time it is made). A lone call goes
 * as it is, and so does every call on a cluster, where each API key's counters live in their own
 * hash slot. Each command keeps its own timeout; Redis runs them in order, each script atomic as
 * ever.
 */
function batchedConsume(redis: RedisClient): (...args: ConsumeArgs) => Promise<ScriptReply> {
  const scripts = withCounterScripts(redis);
  if (isCluster(redis)) return (...args) => scripts.tollgateConsume(...args);
  const batcher = new TickBatcher<ConsumeArgs, ScriptReply>(async (calls) => {
    if (calls.length === 1) return [await scripts.tollgateConsume(...calls[0]!)];
    const replies = inOneWrite(redis, () => calls.map((args) => settledReply(scripts.tollgateConsume(...args))));
    return Promise.all(replies);
  });
  return (...args) => batcher.run(args);
}

/** Rate and daily states of a script answer. */
export function statesOf(answer: ScriptAnswer) {
  return {
    rate: rateState(answer.key, answer.rateCount, answer.rateResetAt),
    daily: dailyState(answer.key, answer.dailyUsed, answer.now),
  };
}

/** The guard's view of a script answer. */
export function consumeResultOf(outcome: ScriptOutcome): ConsumeResult {
  if (outcome === 'unknown' || outcome === 'revoked') return { outcome: 'unauthorized', reason: outcome };
  const { rate, daily } = statesOf(outcome);
  const { key, now } = outcome;
  if (outcome.status === 0) return { outcome: 'admitted', key, rate, daily, now };
  return { outcome: 'limited', kind: outcome.status === 1 ? 'rate' : 'daily', key, rate, daily, now };
}
