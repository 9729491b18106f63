import { readFileSync } from 'node:fs';
import type { JobState as BullState } from 'bullmq';
import type { ChainableCommander } from 'ioredis';
import { defineScript, type RedisClient } from '../redis/redis-client.js';

/**
 * The fields of a BullMQ job hash that a list summary needs (BullMQ 6.7 stores attempts as `atm`,
 * older jobs as `attemptsMade`): never `data` (the input) nor `returnvalue` (the result), so what a
 * page reads does not depend on the size of its jobs.
 */
export const SUMMARY_FIELDS = ['timestamp', 'finishedOn', 'attemptsMade', 'atm', 'progress'] as const;
/** What a watcher needs besides: the last failure's reason. */
export const UPDATE_FIELDS = [...SUMMARY_FIELDS, 'failedReason'] as const;

export type SummaryField = (typeof UPDATE_FIELDS)[number];
export type SummaryFields = Partial<Record<SummaryField, string>>;

/** One job as read for a summary: some hash fields, its BullMQ state, and its owner when asked for. */
export interface JobSummaryRead {
  id: string;
  state: BullState | 'unknown';
  fields: SummaryFields;
  /** from the index's owners hash; null when not asked for or not recorded */
  owner: string | null;
}

export interface SummaryReadOptions {
  /** also read each job's owner from this hash (job id → owner key id) */
  ownersKey?: string;
  /** also read `failedReason` */
  failedReason?: boolean;
}

/** The queue keys job-states-8.lua takes, in its order. */
const STATE_KEYS = [
  'completed',
  'failed',
  'delayed',
  'active',
  'wait',
  'paused',
  'waiting-children',
  'prioritized',
] as const;

interface JobStatesCommand {
  tollgateJobStates(...keysThenIds: string[]): ChainableCommander;
}

const script = (file: string) => readFileSync(new URL(`./scripts/${file}`, import.meta.url), 'utf8');

/** Registers job-states-8.lua on `redis` once (idempotent). */
function defineJobStates(redis: RedisClient): void {
  defineScript(redis, 'tollgateJobStates', () => script('job-states-8.lua'), STATE_KEYS.length);
}

function valueOf([error, value]: [Error | null, unknown]): unknown {
  if (error !== null) throw error;
  return value;
}

function fieldsOf(names: readonly SummaryField[], values: ReadonlyArray<string | null>): SummaryFields {
  const fields: SummaryFields = {};
  for (const [i, name] of names.entries()) {
    const value = values[i];
    if (value !== null && value !== undefined) fields[name] = value;
  }
  return fields;
}

/**
 * Reads summaries of BullMQ jobs without their input or result: for a page of ids, one MULTI —
 * one round trip and one consistent snapshot — of an HMGET of a few fields per job hash, the
 * states of all of them (job-states-8.lua) and, for admin lists, their owners (one HMGET).
 */
export class JobSummaryReader {
  private readonly stateKeys: string[];

  constructor(
    private readonly redis: RedisClient,
    /** `queue.toKey`: a job id, or the name of one of the queue's own keys, → its Redis key */
    private readonly keyOf: (name: string) => string,
  ) {
    defineJobStates(redis);
    this.stateKeys = STATE_KEYS.map((name) => keyOf(name));
  }

  /** In the order of `ids`; null for a job whose hash does not exist (removed, or not added yet). */
  async read(ids: readonly string[], options: SummaryReadOptions = {}): Promise<Array<JobSummaryRead | null>> {
    if (ids.length === 0) return [];
    const fields = options.failedReason === true ? UPDATE_FIELDS : SUMMARY_FIELDS;
    const multi = this.redis.multi();
    for (const id of ids) multi.hmget(this.keyOf(id), ...fields);
    (multi as ChainableCommander & JobStatesCommand).tollgateJobStates(...this.stateKeys, ...ids);
    if (options.ownersKey !== undefined) multi.hmget(options.ownersKey, ...ids);
    const values = ((await multi.exec()) ?? []).map(valueOf);
    const states = (values[ids.length] ?? []) as Array<BullState | 'unknown'>;
    const owners = (options.ownersKey === undefined ? [] : values[ids.length + 1]) as Array<string | null>;
    return ids.map((id, i) => {
      const hash = (values[i] ?? []) as Array<string | null>;
      // every job hash has a timestamp: without one, there is no job
      if (hash[0] === null || hash[0] === undefined) return null;
      return { id, state: states[i] ?? 'unknown', fields: fieldsOf(fields, hash), owner: owners[i] ?? null };
    });
  }
}
