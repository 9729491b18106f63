import { Cluster, Redis, type ClusterNode, type ClusterOptions, type Command, type RedisOptions } from 'ioredis';
import { settleWithin, withDeadline } from '../with-timeout.js';
import { RedisConnectionSpec } from './connection-spec.js';
import { isCluster, pingRedis, type RedisClient } from './redis-client.js';

/**
 * Where a connection goes: a connection spec, or its URL (`spec.url`, or any redis:// or
 * rediss:// URL). Either way host, port, ACL user, password, db and TLS (with its CA and client
 * certificate files) all apply.
 */
export type RedisTarget = RedisConnectionSpec | string;

function specOf(target: RedisTarget): RedisConnectionSpec {
  return typeof target === 'string' ? RedisConnectionSpec.fromUrl(target) : target;
}

function openConnection(spec: RedisConnectionSpec, options: RedisOptions): Redis {
  const { url, tls } = spec.ioredisTarget();
  return new Redis(url, tls === undefined ? options : { ...options, tls });
}

/**
 * A cluster whose commands time out `timeoutMs` after they are issued, wherever they wait
 * meanwhile: ioredis starts a node's `commandTimeout` only when a node connection takes the
 * command, so a command bounced between redirections and failover retries (100 ms each, up to 16)
 * could otherwise outlast it. With this, a command on a cluster fails as soon as on one Redis.
 */
class FailFastCluster extends Cluster {
  constructor(
    private readonly timeoutMs: number,
    nodes: ClusterNode[],
    options: ClusterOptions,
  ) {
    super(nodes, options);
  }

  override sendCommand(command: Command, stream?: Parameters<Cluster['sendCommand']>[1], node?: unknown): unknown {
    command.setTimeout(this.timeoutMs);
    return super.sendCommand(command, stream, node);
  }
}

/** Cluster options both kinds of connection share: reconnect forever with a short, capped delay. */
function clusterOptions(spec: RedisConnectionSpec, node: RedisOptions, cluster: ClusterOptions): ClusterOptions {
  const { redisOptions } = spec.clusterTarget();
  return {
    lazyConnect: true,
    clusterRetryStrategy: (attempt) => Math.min(50 * attempt, 500),
    // TLS: keep the host names the nodes are announced by, so certificates match them
    ...(spec.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    ...cluster,
    redisOptions: { ...node, ...redisOptions },
  };
}

/**
 * A command that takes longer than this is treated as a Redis outage: long enough that a slow but
 * answering Redis is not called down, short enough to fail closed within 1 s.
 */
export const COMMAND_TIMEOUT_MS = 750;

const baseOptions = (connectTimeoutMs: number): RedisOptions => ({
  lazyConnect: true,
  connectTimeout: connectTimeoutMs,
  // Reconnect forever with a short, capped delay, so service resumes by itself.
  retryStrategy: (attempt) => Math.min(50 * attempt, 500),
  // A READONLY replica after a failover: reconnect.
  reconnectOnError: (error) => error.message.startsWith('READONLY'),
});

/**
 * Connection for request-path commands (quota scripts, queue producer, health):
 * fails fast while Redis is down instead of queueing commands or retrying them.
 */
export function createCommandConnection(target: RedisTarget, connectTimeoutMs: number): RedisClient {
  const spec = specOf(target);
  if (spec.cluster) {
    const node = {
      connectTimeout: connectTimeoutMs,
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectionName: 'tollgate:command',
    };
    const { nodes } = spec.clusterTarget();
    return new FailFastCluster(COMMAND_TIMEOUT_MS, nodes, clusterOptions(spec, node, { enableOfflineQueue: false }));
  }
  return openConnection(spec, {
    ...baseOptions(connectTimeoutMs),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectionName: 'tollgate:command',
  });
}

/**
 * Connection for BullMQ workers and queue events: blocking commands, so no command timeout and
 * `maxRetriesPerRequest: null` (BullMQ requires it; a blip must never stop a worker for good).
 */
export function createBlockingConnection(target: RedisTarget, connectTimeoutMs: number): RedisClient {
  const spec = specOf(target);
  if (spec.cluster) {
    const node = { connectTimeout: connectTimeoutMs, maxRetriesPerRequest: null, connectionName: 'tollgate:blocking' };
    return new Cluster(spec.clusterTarget().nodes, clusterOptions(spec, node, { enableOfflineQueue: true }));
  }
  return openConnection(spec, {
    ...baseOptions(connectTimeoutMs),
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    connectionName: 'tollgate:blocking',
  });
}

/** Connects and PINGs within `timeoutMs`; rejects otherwise. Leaves the connection open on success. */
export async function connectAndPing(redis: RedisClient, timeoutMs: number): Promise<void> {
  const ready = async () => {
    if (redis.status === 'wait') await redis.connect();
    await redis.ping();
    // a cluster answers once every master does and it serves every slot
    if (isCluster(redis)) await pingRedis(redis);
  };
  await withDeadline(ready(), 'PING', timeoutMs);
}

/** Disconnects without waiting for a reply that may never come. */
export async function closeQuietly(redis: RedisClient): Promise<void> {
  try {
    if (redis.status === 'ready') {
      await settleWithin(redis.quit(), 500, undefined);
    }
  } catch {
    // already gone
  } finally {
    redis.disconnect();
  }
}
