import type { Redis } from 'ioredis';
import { settleWithin } from '../with-timeout.js';

export interface RedisFacts {
  latencyMs: number | null;
  version: string | null;
  usedMemoryBytes: number | null;
}

const UNKNOWN: RedisFacts = { latencyMs: null, version: null, usedMemoryBytes: null };

function infoField(info: string, field: string): string | null {
  const match = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return match?.[1]?.trim() ?? null;
}

/** PING round trip, server version and memory use; nulls when not on Redis or unreachable. */
export async function probeRedis(redis: Redis | null, timeoutMs: number): Promise<RedisFacts> {
  if (redis === null) return UNKNOWN;
  const facts = async (): Promise<RedisFacts> => {
    const started = performance.now();
    await redis.ping();
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    const info = await redis.info('server').then(async (server) => server + (await redis.info('memory')));
    const memory = infoField(info, 'used_memory');
    return {
      latencyMs,
      version: infoField(info, 'redis_version'),
      usedMemoryBytes: memory === null ? null : Number(memory),
    };
  };
  return settleWithin(facts(), timeoutMs, UNKNOWN);
}
