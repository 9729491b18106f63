import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

/** VmRSS of a process in MB, from /proc/<pid>/status; undefined when it cannot be read. */
export function residentMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kB = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kB === undefined ? undefined : Number(kB) / 1024;
  } catch {
    return undefined;
  }
}

/** Redis's `used_memory` in MB, read over a short-lived connection; undefined if it does not answer. */
export async function redisUsedMb(url: string): Promise<number | undefined> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const bytes = /^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1];
    return bytes === undefined ? undefined : Number(bytes) / 1024 / 1024;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}
