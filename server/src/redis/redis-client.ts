import { Command, Redis, type Cluster, type RedisOptions } from 'ioredis';
import { hostPortOf, type RedisConnectionSpec } from './connection-spec.js';

/**
 * A connection as every Redis-facing module takes it: one Redis, or an ioredis Cluster
 * (REDIS_CLUSTER=true). Both run the same commands and scripts (`defineCommand` included); what
 * differs — health, server settings, a subscriber, the start-up line — goes through the helpers
 * below.
 */
export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}

/**
 * Defines the Lua script `name` as a command on `redis` unless it already is: the stores sharing
 * one connection each register their scripts when built. `lua` is read only when it is defined.
 */
export function defineScript(redis: RedisClient, name: string, lua: () => string, numberOfKeys?: number): void {
  if (typeof (redis as unknown as Record<string, unknown>)[name] === 'function') return;
  redis.defineCommand(name, numberOfKeys === undefined ? { lua: lua() } : { numberOfKeys, lua: lua() });
}

/** The connections to the nodes that hold data: the Redis itself, or the cluster's masters. */
export function masterConnections(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

/** The per-command timeout of a connection (a cluster's is on its node connections). */
export function commandTimeoutOf(client: RedisClient): number | undefined {
  return isCluster(client) ? client.options.redisOptions?.commandTimeout : client.options.commandTimeout;
}

/**
 * PING, as health checks mean it. On a cluster: every master answers and the cluster says
 * `cluster_state:ok` (during a failover a node answers PING while the slots of the lost master
 * are not served); rejects otherwise. Bounded by the connections' command timeout.
 */
export async function pingRedis(client: RedisClient): Promise<void> {
  if (!isCluster(client)) {
    await client.ping();
    return;
  }
  const masters = client.nodes('master');
  if (masters.length === 0) throw new Error('Redis Cluster: no master connected');
  const [info] = await Promise.all([client.cluster('INFO'), ...masters.map((master) => master.ping())]);
  if (!String(info).includes('cluster_state:ok')) throw new Error('CLUSTERDOWN Redis Cluster state is not ok');
}

/** How the start-up lines name where the data is: `host:port`, or `cluster of 3 masters (h1:7000, …)`. */
export function describeRedis(client: RedisClient, spec: RedisConnectionSpec): string {
  if (!isCluster(client)) return spec.hostPort;
  const masters = client
    .nodes('master')
    .map((master) => hostPortOf({ host: master.options.host ?? '?', port: master.options.port ?? 6379 }))
    .sort();
  const shown = masters.length <= 6 ? masters : [...masters.slice(0, 5), '…'];
  return `cluster of ${masters.length} master${masters.length === 1 ? '' : 's'} (${shown.join(', ')})`;
}

/**
 * A connection of its own for SUBSCRIBE, with `options` on top of the client's (credentials, TLS).
 * On a cluster, a plain connection to one node (every node of a cluster receives every PUBLISH)
 * rather than the cluster's built-in subscriber, which moves to another node on its own without
 * telling: the caller must see the interruption (`close`) to know that messages may have been
 * missed. When its node is gone, the connection's next attempt goes to another node of the cluster.
 */
export function createSubscriber(client: RedisClient, options: RedisOptions): Redis {
  if (!isCluster(client)) return client.duplicate(options);
  let turn = 0;
  /** the next node the cluster knows of, round robin; undefined while it knows none */
  const nextNode = () => {
    const nodes = client.nodes('all');
    turn = (turn + 1) % Math.max(nodes.length, 1);
    return nodes[turn]?.options;
  };
  const { tls, username, password, connectTimeout } = client.options.redisOptions ?? {};
  const first = nextNode();
  const subscriber: Redis = new Redis({
    ...(tls === undefined ? {} : { tls }),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(connectTimeout === undefined ? {} : { connectTimeout }),
    ...(first === undefined ? {} : { host: first.host, port: first.port }),
    retryStrategy: (attempt) => {
      // ioredis reconnects to `options.host:port`: point it at another node first.
      const next = nextNode();
      if (next !== undefined) {
        subscriber.options.host = next.host;
        subscriber.options.port = next.port;
      }
      return Math.min(50 * attempt, 500);
    },
    ...options,
  });
  return subscriber;
}

/**
 * On a cluster, waits (up to `timeoutMs`) until the writes made so far on the connection to the
 * master of `key`'s slot have reached at least one replica, and resolves with how many replicas
 * have them (WAIT). A failover promotes a replica: what it has survives, what only the lost master
 * had does not (replication is asynchronous). On one Redis there is nothing to wait for: null.
 */
export async function waitForReplica(client: RedisClient, key: string, timeoutMs: number): Promise<number | null> {
  if (!isCluster(client)) return null;
  const nodeKey = client.slots[new Command('exists', [key]).getSlot()]?.[0];
  const master = client.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === nodeKey);
  if (master === undefined) return 0;
  return Number(await master.call('WAIT', '1', String(timeoutMs)));
}
