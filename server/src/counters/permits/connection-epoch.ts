import { isCluster, type RedisClient } from '../../redis/redis-client.js';

const epochs = new WeakMap<RedisClient, { closes: number }>();

/**
 * The connection's epoch: how many times it has closed, or null while it is not ready. A lease
 * is spent only in the epoch it was granted in — after a close, Redis may have restarted empty
 * and forgotten the permits. On a cluster, losing the connection to any node also ends the epoch:
 * a master may have failed over to a replica that never received the permits it counted. One
 * listener per connection, however many stores share it.
 */
export function connectionEpoch(redis: RedisClient): () => number | null {
  let epoch = epochs.get(redis);
  if (epoch === undefined) {
    const created = { closes: 0 };
    const ended = () => {
      created.closes += 1;
    };
    redis.on('close', ended);
    if (isCluster(redis)) redis.on('-node', ended);
    epochs.set(redis, created);
    epoch = created;
  }
  const state = epoch;
  return () => (redis.status === 'ready' ? state.closes : null);
}
