import type { Redis } from 'ioredis';
import { asError } from '../errors.js';
import { isCluster, type RedisClient } from './redis-client.js';

/**
 * Runs `send`, which issues commands on `redis` synchronously, with the connection's socket
 * corked: the commands leave in one socket write (one `writev`) instead of one write each, and
 * each keeps its own promise, reply, error and command timeout. That is what an ioredis Pipeline
 * does for writes, without its price: a Pipeline copies every script defined on its connection
 * when it is made — BullMQ defines 64 on the command connection, ~30 µs per Pipeline on a 2-core
 * machine, paid by every batch (BENCHMARKS.md). Not a MULTI: Redis runs the commands in order
 * but not as one transaction.
 *
 * On a cluster the commands go to several node connections, and before the first connection
 * there is no socket: then they are sent as they are.
 */
export function inOneWrite<T>(redis: RedisClient, send: () => T): T {
  const stream = isCluster(redis) ? undefined : (redis as Redis & { stream?: Redis['stream'] }).stream;
  if (stream === undefined) return send();
  stream.cork();
  try {
    return send();
  } finally {
    stream.uncork();
  }
}

/** A command's promise settled as its reply or its error: one failing command fails alone. */
export function settledReply<T>(reply: Promise<T>): Promise<T | Error> {
  return reply.catch(asError);
}
