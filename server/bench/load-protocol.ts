/** What the bench asks its load process for, and what it answers (over the child's IPC channel). */

/** One autocannon run against one contender. */
export interface HttpLoad {
  kind: 'http';
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationSec: number;
}

export interface HttpLoadResult {
  /** responses with a 2xx status */
  ok: number;
  non2xx: number;
  /** responses per status code */
  statusCodes: Record<string, number>;
  /** connection errors and timeouts */
  errors: number;
  durationSec: number;
  /** latency of the 2xx responses, milliseconds */
  p50Ms: number;
  p99Ms: number;
}

/** Who submits jobs: Tollgate's typed client, or BullMQ's Queue. */
export type Producer =
  | { kind: 'tollgate-submit'; url: string; apiKey: string }
  | { kind: 'bullmq-add'; redisUrl: string; queue: string; prefix: string }
  | { kind: 'bullmq-add-bulk'; redisUrl: string; queue: string; prefix: string };

/** Submits jobs with `inFlight` outstanding (addBulk: one call of `inFlight` jobs at a time). */
export interface ProduceLoad {
  kind: 'produce';
  producer: Producer;
  inFlight: number;
  durationMs: number;
}

export interface ProduceResult {
  /** jobs accepted within the measured time */
  jobs: number;
  errors: number;
  firstError?: string;
  durationMs: number;
  /** CPU time the load process used meanwhile (user + system), microseconds */
  cpuMicros: number;
}

export type LoadCommand = HttpLoad | ProduceLoad | { kind: 'close' };

export type LoadRequest = { id: number } & LoadCommand;

export type LoadReply = { id: number } & ({ ok: true; result: unknown } | { ok: false; error: string });
