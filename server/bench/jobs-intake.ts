import { Redis } from 'ioredis';
import type { JobsContext } from './jobs.js';
import type { Producer } from './load-protocol.js';
import { countersBetween, redisCounters, totalCalls } from './redis-commands.js';
import type { BenchSettings } from './settings.js';
import { median, rotated } from './stats.js';
import type { TollgateServer } from './tollgate-process.js';

export type IntakeId = 'tollgate-submit' | 'bullmq-add' | 'bullmq-add-bulk';

export interface IntakeRow {
  id: IntakeId;
  label: string;
  what: string;
  /** jobs per second, per round */
  rounds: number[];
  jobsPerSec: number;
  jobs: number;
  errors: number;
  firstError?: string;
  /** Redis commands executed (INFO commandstats, scripts' inner commands included) per job accepted */
  redisPerJob: number;
  /** Redis socket reads of client input (INFO stats) per job accepted */
  redisReadsPerJob: number;
  /** CPU time per job accepted, microseconds: the producing load process, the Tollgate server (NaN for raw intake), Redis */
  producerCpuPerJobUs: number;
  serverCpuPerJobUs: number;
  redisCpuPerJobUs: number;
}

/** Where raw intake goes: database 1 of the bench's Redis, emptied after every run, so that 100,000s of jobs do not pile up. */
const RAW_INTAKE_DB = 1;
const RAW_INTAKE = { queue: 'jobs', prefix: 'bench-raw' };

/**
 * Job intake: Tollgate's jobs.submit through the typed client against BullMQ's add and addBulk,
 * submitted by the load process, a warm-up each, then rounds in rotating order.
 */
export async function benchIntake(
  settings: BenchSettings['intake'],
  context: JobsContext,
  server: TollgateServer,
  apiKey: string,
): Promise<IntakeRow[]> {
  const rawUrl = `${context.redisUrl}/${RAW_INTAKE_DB}`;
  const raw = { redisUrl: rawUrl, ...RAW_INTAKE };
  const contenders: Array<Pick<IntakeRow, 'id' | 'label' | 'what'> & { producer: Producer }> = [
    {
      id: 'tollgate-submit',
      label: `Tollgate \`jobs.submit\`, typed client (httpBatchLink), ${settings.inFlight} in flight`,
      what: 'HTTP + key + rate & daily quota + zod + schema check + index + Queue.add (server: RUN_WORKER=false)',
      producer: { kind: 'tollgate-submit', url: server.url, apiKey },
    },
    {
      id: 'bullmq-add',
      label: `raw BullMQ \`Queue.add\`, ${settings.inFlight} in flight`,
      what: 'one ioredis connection, Tollgate’s job options',
      producer: { kind: 'bullmq-add', ...raw },
    },
    {
      id: 'bullmq-add-bulk',
      label: `raw BullMQ \`Queue.addBulk\` of ${settings.inFlight}, one call at a time`,
      what: 'one ioredis connection, Tollgate’s job options',
      producer: { kind: 'bullmq-add-bulk', ...raw },
    },
  ];
  const flush = new Redis(rawUrl);
  /** One run of a producer: its result and the Redis commands meanwhile; raw intake flushed after. */
  const measure = async (producer: Producer, durationMs: number) => {
    const serverCpu = () => (producer.kind === 'tollgate-submit' ? (server.process.cpuMicros() ?? NaN) : NaN);
    const before = await redisCounters(context.redis);
    const serverCpuBefore = serverCpu();
    const result = await context.load.produce({ producer, inFlight: settings.inFlight, durationMs });
    const serverCpuMicros = serverCpu() - serverCpuBefore;
    const { calls, reads, cpuMicros } = countersBetween(before, await redisCounters(context.redis));
    if (producer.kind !== 'tollgate-submit') await flush.flushdb();
    return { ...result, calls: totalCalls(calls), reads, serverCpuMicros, redisCpuMicros: cpuMicros };
  };
  try {
    for (const contender of contenders) await measure(contender.producer, settings.warmupMs);
    const runs = new Map(
      contenders.map((contender) => [contender.id, [] as Array<Awaited<ReturnType<typeof measure>>>]),
    );
    for (let round = 0; round < settings.rounds; round++) {
      for (const contender of rotated(contenders, round)) {
        runs.get(contender.id)!.push(await measure(contender.producer, settings.roundMs));
      }
    }
    return contenders.map(({ producer: _producer, ...contender }) => {
      const measured = runs.get(contender.id)!;
      const rates = measured.map((run) => (run.jobs * 1000) / run.durationMs);
      const jobs = measured.reduce((sum, run) => sum + run.jobs, 0);
      const perJob = (field: 'calls' | 'reads' | 'cpuMicros' | 'serverCpuMicros' | 'redisCpuMicros') =>
        jobs > 0 ? measured.reduce((sum, run) => sum + run[field], 0) / jobs : NaN;
      const firstError = measured.find((run) => run.firstError !== undefined)?.firstError;
      return {
        ...contender,
        rounds: rates,
        jobsPerSec: median(rates),
        jobs,
        errors: measured.reduce((sum, run) => sum + run.errors, 0),
        ...(firstError === undefined ? {} : { firstError }),
        redisPerJob: perJob('calls'),
        redisReadsPerJob: perJob('reads'),
        producerCpuPerJobUs: perJob('cpuMicros'),
        serverCpuPerJobUs: perJob('serverCpuMicros'),
        redisCpuPerJobUs: perJob('redisCpuMicros'),
      };
    });
  } finally {
    flush.disconnect();
  }
}
