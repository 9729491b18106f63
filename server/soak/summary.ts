import { checkWindows } from './admissions.js';
import type { Admission, SoakClient, SoakKey } from './client.js';
import type { JobTally } from './job-tracker.js';

export interface OutcomeRow {
  /** `OK`, `<tRPC code> / <HTTP status>`, `timeout`, `no answer (…)` */
  outcome: string;
  total: number;
  byProcedure: Record<string, number>;
}

export interface KeyRow {
  name: string;
  /** hammered with validate calls above its limit, or a client's key for job submissions */
  role: 'tight' | 'jobs';
  limit: number;
  windowSec: number;
  admitted: number;
  refused: number;
  overAdmissions: number;
  busiestWindow: number;
}

export interface MemoryRow {
  process: string;
  /** VmRSS, MB: once listening, after the warm-up ("start"), after the drain ("end") */
  readyMb: number | null;
  startMb: number | null;
  endMb: number | null;
  /** end > 2 × start */
  grew: boolean;
}

/** The events of the schedule, in seconds from the start of the load. */
export interface SoakEvents {
  redisKilledAt: number | null;
  redisBackAt: number | null;
  workerKilledAt: number | null;
  workerReplacedAt: number | null;
}

export interface SoakResult {
  minutes: number;
  clients: number;
  requests: { sent: number; answered: number; ok: number };
  outcomes: OutcomeRow[];
  keys: KeyRow[];
  overAdmissions: number;
  jobs: JobTally & { queueDepthAtEnd: number | null };
  events: SoakEvents;
  /** per server: ms from Redis being back to its first answer that needed Redis (null: none came) */
  resumedAfterMs: Array<number | null>;
  memory: MemoryRow[];
  redisMemory: { startMb: number | null; endMb: number | null };
  /** why the soak fails (lost jobs, over-admissions, no resumption); empty when it passes */
  problems: string[];
}

/** Every client's outcomes, added up, by outcome and procedure (most frequent first). */
export function outcomeRows(clients: readonly SoakClient[]): OutcomeRow[] {
  const rows = new Map<string, OutcomeRow>();
  for (const client of clients) {
    for (const [name, count] of client.outcomes) {
      const [procedure = '', outcome = ''] = name.split('\t');
      const row = rows.get(outcome) ?? { outcome, total: 0, byProcedure: {} };
      row.total += count;
      row.byProcedure[procedure] = (row.byProcedure[procedure] ?? 0) + count;
      rows.set(outcome, row);
    }
  }
  return [...rows.values()].sort(
    (a, b) => Number(b.outcome === 'OK') - Number(a.outcome === 'OK') || b.total - a.total,
  );
}

export const isAnswered = (outcome: string): boolean => outcome !== 'timeout' && !outcome.startsWith('no answer');

/** The over-admission check of each key, over the admissions every client logged for it. */
export function keyRows(clients: readonly SoakClient[], keys: readonly SoakKey[], role: KeyRow['role']): KeyRow[] {
  return keys.map((key) => {
    const admissions: Admission[] = clients.flatMap((client) => client.admissions.get(key.name) ?? []);
    const refused = clients.reduce((sum, client) => sum + (client.refusals.get(key.name) ?? 0), 0);
    const check = checkWindows(admissions, key.limit, key.windowSec * 1000);
    return { name: key.name, role, limit: key.limit, windowSec: key.windowSec, refused, ...check };
  });
}

/** Per server: ms from `backAt` to the first answer that needed Redis, from any client. */
export function resumption(
  clients: readonly SoakClient[],
  servers: number,
  backAt: number | null,
): Array<number | null> {
  return Array.from({ length: servers }, (_, server) => {
    if (backAt === null) return null;
    let first = Infinity;
    for (const client of clients) {
      const answers = client.redisAnswers[server] ?? [];
      for (const at of answers) if (at >= backAt && at < first) first = at;
    }
    return Number.isFinite(first) ? first - backAt : null;
  });
}
