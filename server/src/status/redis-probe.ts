import { masterConnections, pingRedis, type RedisClient } from '../redis/redis-client.js';
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

/**
 * PING round trip, server version and memory use; nulls when not on Redis or unreachable. On a
 * cluster: the health PING (every master, cluster state), the version of one master and the memory
 * used by all masters together.
 */
export async function probeRedis(redis: RedisClient | null, timeoutMs: number): Promise<RedisFacts> {
  if (redis === null) return UNKNOWN;
  const facts = async (): Promise<RedisFacts> => {
    const started = performance.now();
    await pingRedis(redis);
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    const infos = await Promise.all(
      masterConnections(redis).map((node) =>
        node.info('server').then(async (server) => server + (await node.info('memory'))),
      ),
    );
    const memories = infos.map((info) => infoField(info, 'used_memory'));
    return {
      latencyMs,
      version: infoField(infos[0] ?? '', 'redis_version'),
      usedMemoryBytes: memories.includes(null) ? null : memories.reduce((sum, memory) => sum + Number(memory), 0),
    };
  };
  return settleWithin(facts(), timeoutMs, UNKNOWN);
}
