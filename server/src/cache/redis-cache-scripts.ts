import { readFileSync } from 'node:fs';
import { defineScript, type RedisClient } from '../redis/redis-client.js';

type Arg = string;

/** The cache's Lua scripts (scripts/*.lua, documented there), as commands on a connection. */
export interface CacheScripts {
  /** entry, members, lock, locks; payload, ttlMs, expiresAt, now, grouped, token, channel, message → 1 | 0 */
  tollgateCacheSet(...args: [Arg, Arg, Arg, Arg, Arg, Arg, Arg, Arg, Arg, Arg, Arg, Arg]): Promise<number>;
  /** entry, members, lock, locks; now, grouped, channel, message → 1 | 0 */
  tollgateCacheDelete(...args: [Arg, Arg, Arg, Arg, Arg, Arg, Arg, Arg]): Promise<number>;
  /** members, locks; now, channel, message → live entries removed */
  tollgateCacheDeleteGroup(...args: [Arg, Arg, Arg, Arg, Arg]): Promise<number>;
  /** entry, lock, locks; now, token, lockTtlMs, grouped → [1, payload] | [0] | [2, pttl] */
  tollgateCacheAcquire(...args: [Arg, Arg, Arg, Arg, Arg, Arg, Arg]): Promise<[number, (string | number)?]>;
  /** lock; token, channel, message → 1 | 0 */
  tollgateCacheRelease(...args: [Arg, Arg, Arg, Arg]): Promise<number>;
}

const COMMANDS: ReadonlyArray<[keyof CacheScripts, string, number]> = [
  ['tollgateCacheSet', 'set-4.lua', 4],
  ['tollgateCacheDelete', 'delete-4.lua', 4],
  ['tollgateCacheDeleteGroup', 'delete-group-2.lua', 2],
  ['tollgateCacheAcquire', 'acquire-3.lua', 3],
  ['tollgateCacheRelease', 'release-1.lua', 1],
];

const script = (file: string) => readFileSync(new URL(`./scripts/${file}`, import.meta.url), 'utf8');

/** Registers the scripts on `redis` once (idempotent) and returns it typed with them. */
export function withCacheScripts(redis: RedisClient): RedisClient & CacheScripts {
  for (const [name, file, numberOfKeys] of COMMANDS) defineScript(redis, name, () => script(file), numberOfKeys);
  return redis as RedisClient & CacheScripts;
}
