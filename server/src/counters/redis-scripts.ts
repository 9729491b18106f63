import { readFileSync } from 'node:fs';
import { defineScript, type RedisClient } from '../redis/redis-client.js';

/** A daily counter outlives its UTC day by this much (then Redis drops it). */
export const DAILY_COUNTER_MARGIN_MS = 3_600_000;

type ScriptReply = Array<string | number | null>;

/** The counter store's Lua scripts, as commands on a connection (one EVALSHA each). */
export interface CounterScripts {
  /** See scripts/consume-3.lua for every argument and the reply. */
  tollgateConsume(
    metaKey: string,
    rateKey: string,
    dailyKey: string,
    keyHash: string,
    takeRate: '0' | '1',
    takeDaily: '0' | '1',
    now: string,
    day: string,
    dailyMarginMs: string,
    leaseWanted: string,
    leaseMs: string,
    leaseFairShare: string,
    leaseMin: string,
    returnBucket: string,
    returnPermits: string,
  ): Promise<ScriptReply>;
  tollgateRevoke(metaKey: string, now: string): Promise<number>;
  tollgateResetRate(rateKey: string, fallbackTtlMs: string): Promise<number>;
}

const script = (file: string) => readFileSync(new URL(`./scripts/${file}`, import.meta.url), 'utf8');

/** Registers the scripts on `redis` once (idempotent) and returns it typed with them. */
export function withCounterScripts(redis: RedisClient): RedisClient & CounterScripts {
  defineScript(redis, 'tollgateConsume', () => script('consume-3.lua'), 3);
  defineScript(redis, 'tollgateRevoke', () => script('revoke-1.lua'), 1);
  defineScript(redis, 'tollgateResetRate', () => script('reset-rate-1.lua'), 1);
  return redis as RedisClient & CounterScripts;
}
