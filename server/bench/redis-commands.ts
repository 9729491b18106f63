import type { Redis } from 'ioredis';

/** Calls per command since the Redis server started, from `INFO commandstats`. */
export type CommandCalls = ReadonlyMap<string, number>;

/** What Redis has counted since it started. */
export interface RedisCounters {
  /** `INFO commandstats`: calls per command, those that Lua scripts run included (the bench's `INFO` left out) */
  calls: CommandCalls;
  /** `INFO stats` total_reads_processed: socket reads of client input (commands written together: one read) */
  reads: number;
  /** `INFO cpu` used_cpu_user + used_cpu_sys: the CPU time of the server process, microseconds */
  cpuMicros: number;
}

/** One `INFO commandstats stats cpu` call. */
export async function redisCounters(redis: Redis): Promise<RedisCounters> {
  const info = String(await redis.call('INFO', 'commandstats', 'stats', 'cpu'));
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (match[1] !== 'info') calls.set(match[1]!, Number(match[2]));
  }
  const seconds = (field: string) => Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return {
    calls,
    reads: Number(/^total_reads_processed:(\d+)/m.exec(info)?.[1] ?? NaN),
    cpuMicros: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6,
  };
}

/** Calls per command between two readings (commands not called in between left out). */
export function callsBetween(before: CommandCalls, after: CommandCalls): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [command, calls] of after) {
    const made = calls - (before.get(command) ?? 0);
    if (made > 0) delta.set(command, made);
  }
  return delta;
}

/** Between two readings: calls per command, socket reads but that of the second `INFO`, Redis's CPU time. */
export function countersBetween(
  before: RedisCounters,
  after: RedisCounters,
): { calls: Map<string, number>; reads: number; cpuMicros: number } {
  return {
    calls: callsBetween(before.calls, after.calls),
    reads: after.reads - before.reads - 1,
    cpuMicros: after.cpuMicros - before.cpuMicros,
  };
}

/** Adds `more` into `total`. */
export function addCalls(total: Map<string, number>, more: ReadonlyMap<string, number>): void {
  for (const [command, calls] of more) total.set(command, (total.get(command) ?? 0) + calls);
}

export function totalCalls(calls: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const value of calls.values()) sum += value;
  return sum;
}

/** `evalsha 1.00, ping 0.01` per request, largest first, those under 0.005 per request left out. */
export function describePerRequest(calls: ReadonlyMap<string, number>, requests: number): string {
  if (requests <= 0) return 'n/a';
  const parts = [...calls]
    .map(([command, count]) => [command, count / requests] as const)
    .filter(([, perRequest]) => perRequest >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([command, perRequest]) => `${command} ${perRequest.toFixed(2)}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/**
 * Commands that clients sent (not those run inside Lua scripts, which INFO commandstats counts
 * too) while `during` runs, from a MONITOR connection. MONITOR slows Redis down, so the bench
 * only counts with it in a pass of its own, never in a timed round.
 */
export async function sentCommandsDuring<T>(
  redis: Redis,
  during: () => Promise<T>,
): Promise<{ result: T; calls: Map<string, number> }> {
  // Not `redis.monitor()`: monitor lines that arrive in the same read as MONITOR's +OK reach ioredis
  // before it has switched to monitoring mode, and each is then an 'error' event ("Command queue
  // state error"); `monitor()` catches only the first, so on a busy Redis a second one crashed the
  // bench. Those lines come before `during` starts: they are dropped, other errors fail the pass.
  const monitor = redis.duplicate({ monitor: true, lazyConnect: true });
  let failure: Error | undefined;
  monitor.on('error', (error: Error) => {
    if (!error.message.startsWith('Command queue state error')) failure ??= error;
  });
  const calls = new Map<string, number>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const command = args[0]?.toLowerCase();
    if (source === 'lua' || command === undefined) return;
    calls.set(command, (calls.get(command) ?? 0) + 1);
  });
  try {
    const monitoring = new Promise<void>((resolve) => monitor.once('monitoring', () => resolve()));
    await monitor.connect();
    await monitoring;
    if (failure !== undefined) throw failure;
    const result = await during();
    await new Promise((resolve) => setTimeout(resolve, 100)); // the last lines on their way
    if (failure !== undefined) throw failure;
    return { result, calls };
  } finally {
    monitor.disconnect();
  }
}
