import type { Redis } from 'ioredis';
import { hostPortOf } from './connection-spec.js';
import { redactSecrets } from './redact.js';
import { isCluster, masterConnections, type RedisClient } from './redis-client.js';

/** What start-up learns about the Redis it connected to; null where it could not tell. */
export interface RedisServerSettings {
  maxmemoryPolicy: string | null;
  /** where `maxmemoryPolicy` came from: CONFIG GET, or INFO where CONFIG is refused */
  policySource: 'config' | 'info' | null;
  appendOnly: boolean | null;
  /** RDB save points configured (`save` not empty); INFO cannot tell */
  rdbSnapshots: boolean | null;
  /** why CONFIG GET was refused (ACL `-config`, a managed Redis that renames CONFIG), if it was */
  configRefused: string | null;
}

/**
 * Reads maxmemory-policy and persistence with CONFIG GET, falling back to INFO (which managed
 * Redis services and ACL users without `+config` usually still allow).
 */
export async function readServerSettings(redis: Redis): Promise<RedisServerSettings> {
  try {
    const [policy, appendOnly, save] = await Promise.all(
      ['maxmemory-policy', 'appendonly', 'save'].map((name) => configGet(redis, name)),
    );
    // some providers answer CONFIG GET with nothing for settings they manage
    const fromInfo = policy === undefined ? await infoField(redis, 'memory', 'maxmemory_policy') : undefined;
    return {
      maxmemoryPolicy: policy ?? fromInfo ?? null,
      policySource: policy !== undefined ? 'config' : fromInfo !== undefined ? 'info' : null,
      appendOnly: appendOnly === undefined ? null : appendOnly === 'yes',
      rdbSnapshots: save === undefined ? null : save.trim() !== '',
      configRefused: null,
    };
  } catch (error) {
    const refused = redactSecrets(error instanceof Error ? error.message : String(error));
    const [memory, persistence] = await Promise.all([
      infoField(redis, 'memory', 'maxmemory_policy'),
      infoField(redis, 'persistence', 'aof_enabled'),
    ]);
    return {
      maxmemoryPolicy: memory ?? null,
      policySource: memory === undefined ? null : 'info',
      appendOnly: persistence === undefined ? null : persistence === '1',
      rdbSnapshots: null,
      configRefused: refused,
    };
  }
}

async function configGet(redis: Redis, name: string): Promise<string | undefined> {
  const reply = await redis.call('CONFIG', 'GET', name);
  if (!Array.isArray(reply)) return undefined;
  const value: unknown = reply[1];
  return typeof value === 'string' ? value : undefined;
}

async function infoField(redis: Redis, section: string, field: string): Promise<string | undefined> {
  try {
    const text = await redis.info(section);
    const line = text.split(/\r?\n/).find((entry) => entry.startsWith(`${field}:`));
    return line?.slice(field.length + 1).trim();
  } catch {
    return undefined;
  }
}

export interface GuardPolicy {
  /** production (not DEMO_MODE): an evicting Redis stops start-up */
  enforce: boolean;
  /** ALLOW_EVICTING_REDIS */
  allowEvicting: boolean;
}

export interface GuardVerdict {
  /** the `❌` line start-up fails with, or null */
  refusal: string | null;
  /** `⚠` lines to print */
  warnings: string[];
}

/**
 * Judges the settings (CONTRACT §11): in production an evicting Redis is refused unless
 * ALLOW_EVICTING_REDIS=true; a Redis without AOF or RDB gets a warning; a refused CONFIG GET is
 * said once, and start-up carries on with what INFO told. `where` names the nodes judged, on a
 * cluster (` on master h1:7000`).
 */
export function judgeServerSettings(settings: RedisServerSettings, policy: GuardPolicy, where = ''): GuardVerdict {
  const warnings: string[] = [];
  let refusal: string | null = null;
  if (settings.configRefused !== null) {
    const checked =
      settings.policySource === 'info'
        ? `maxmemory-policy read from INFO instead (${settings.maxmemoryPolicy}); persistence ${settings.appendOnly === true ? 'has AOF on' : 'not checked: make sure your provider keeps AOF or RDB snapshots'}`
        : 'maxmemory-policy and persistence not checked: make sure Redis runs with maxmemory-policy noeviction and AOF or RDB snapshots';
    warnings.push(`⚠ Redis${where} refused CONFIG GET (${settings.configRefused}): ${checked}`);
  }
  const evicting = settings.maxmemoryPolicy !== null && settings.maxmemoryPolicy !== 'noeviction';
  if (evicting) {
    const risk = 'under memory pressure Redis would silently drop queued jobs, API keys and quota counters';
    if (policy.enforce && !policy.allowEvicting) {
      refusal =
        `❌ Redis maxmemory-policy is ${settings.maxmemoryPolicy}${where}: ${risk}. ` +
        'Fix: set maxmemory-policy noeviction (redis-cli CONFIG SET maxmemory-policy noeviction, and in redis.conf ' +
        "or your provider's parameter group), or set ALLOW_EVICTING_REDIS=true to start anyway and accept the risk";
    } else {
      const why = policy.allowEvicting ? 'ALLOW_EVICTING_REDIS=true' : 'DEMO_MODE';
      warnings.push(
        `⚠ Redis maxmemory-policy is ${settings.maxmemoryPolicy}${where} (${why}): ${risk}; noeviction is recommended`,
      );
    }
  }
  if (policy.enforce && settings.appendOnly === false && settings.rdbSnapshots === false) {
    warnings.push(
      `⚠ Redis${where} has no persistence (neither AOF nor RDB snapshots): accepted jobs, API keys and usage are lost ` +
        'when Redis restarts; enable appendonly yes (or RDB save points)',
    );
  }
  return { refusal, warnings };
}

/**
 * The verdict on every node that holds data: the one Redis, or each master of a cluster (an
 * evicting master loses its share of the jobs and counters as surely as a lone Redis). Masters
 * with the same settings are judged together, their lines naming them (`on masters h1:7000, …`).
 */
export async function judgeRedisServers(client: RedisClient, policy: GuardPolicy): Promise<GuardVerdict> {
  if (!isCluster(client)) return judgeServerSettings(await readServerSettings(client), policy);
  const masters = masterConnections(client);
  const settings = await Promise.all(masters.map((master) => readServerSettings(master)));
  const groups = new Map<string, { settings: RedisServerSettings; nodes: string[] }>();
  settings.forEach((read, i) => {
    const options = masters[i]!.options;
    const node = hostPortOf({ host: options.host ?? '?', port: options.port ?? 6379 });
    const key = JSON.stringify(read);
    const group = groups.get(key) ?? { settings: read, nodes: [] };
    group.nodes.push(node);
    groups.set(key, group);
  });
  const verdicts = [...groups.values()].map(({ settings: read, nodes }) => {
    const where =
      groups.size === 1
        ? ' on every master'
        : ` on ${nodes.length === 1 ? 'master' : 'masters'} ${nodes.sort().join(', ')}`;
    return judgeServerSettings(read, policy, where);
  });
  return {
    refusal: verdicts.find((verdict) => verdict.refusal !== null)?.refusal ?? null,
    warnings: verdicts.flatMap((verdict) => verdict.warnings),
  };
}
