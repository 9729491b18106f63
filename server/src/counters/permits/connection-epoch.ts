import type { Redis } from 'ioredis';

const epochs = new WeakMap<Redis, { closes: number }>();

/**
 * The connection's epoch: how many times it has closed, or null while it is not ready. A lease
 * is spent only in the epoch it was granted in — after a close, Redis may have restarted empty
 * and forgotten the permits. One listener per connection, however many stores share it.
 */
export function connectionEpoch(redis: Redis): () => number | null {
  let epoch = epochs.get(redis);
  if (epoch === undefined) {
    const created = { closes: 0 };
    redis.on('close', () => {
      created.closes += 1;
    });
    epochs.set(redis, created);
    epoch = created;
  }
  const state = epoch;
  return () => (redis.status === 'ready' ? state.closes : null);
}
