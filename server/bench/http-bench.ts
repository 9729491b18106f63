import type { Redis } from 'ioredis';
import type { HttpLoadResult } from './load-protocol.js';
import type { LoadProcess } from './load-process.js';
import {
  finishedJobPath,
  FINISHED_JOB_IDS,
  HTTP_CONTENDERS,
  probe,
  requestHeaders,
  startContender,
  VALIDATE_BODY,
  type HttpContender,
  type StartContext,
  type StartedContender,
} from './http-contenders.js';
import { addCalls, countersBetween, redisCounters, sentCommandsDuring, totalCalls } from './redis-commands.js';
import type { BenchSettings } from './settings.js';
import type { Memory } from './spawned.js';
import { median, rotated } from './stats.js';
import { createBenchKey } from './tollgate-process.js';

export interface HttpRound extends HttpLoadResult {
  round: number;
  /** requests per second: 2xx responses ÷ duration */
  rps: number;
  /** Redis commands executed (INFO commandstats, all clients, scripts' inner commands included) during the round */
  redisCalls: number;
  /** Redis socket reads of client input (INFO stats total_reads_processed) during the round */
  redisReads: number;
  /** CPU time of the contender's process and of Redis during the round, microseconds */
  serverCpuMicros: number;
  redisCpuMicros: number;
}

export interface HttpRow extends HttpContender {
  rounds: HttpRound[];
  /** medians of the rounds */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** over every round */
  ok: number;
  notOk: number;
  /** Redis commands executed (INFO commandstats: Lua-internal ones included) over every round, by command */
  redisByCommand: Map<string, number>;
  /** …per 2xx response */
  redisPerRequest: number;
  /** …socket reads of client input per 2xx response, over every round */
  redisReadsPerRequest: number;
  /** CPU time per 2xx response over every round, microseconds: the contender's process, Redis */
  serverCpuPerRequestUs: number;
  redisCpuPerRequestUs: number;
  /** Redis commands sent by clients (MONITOR, in an untimed pass of its own), by command */
  redisSentByCommand: Map<string, number>;
  /** …per 2xx response of that pass (NaN for contenders that do not use Redis: no pass) */
  redisSentPerRequest: number;
  /** 2xx responses of the MONITOR pass */
  monitoredRequests: number;
  /** after start-up and the probe; after the last round */
  memoryBefore: Memory | undefined;
  memoryAfter: Memory | undefined;
}

export interface HttpSection {
  settings: BenchSettings['http'];
  rows: HttpRow[];
}

function loadOf(contender: StartedContender, apiKey: string, settings: BenchSettings['http'], durationSec: number) {
  return {
    url: contender.url + contender.path,
    method: contender.method,
    headers: requestHeaders(contender, apiKey),
    ...(contender.method === 'POST' ? { body: VALIDATE_BODY } : {}),
    connections: settings.connections,
    durationSec,
  };
}

function assertAnswered(contender: StartedContender, result: HttpLoadResult, when: string): void {
  if (result.ok === 0) {
    throw new Error(
      `${contender.label} gave no 2xx during ${when} (${JSON.stringify(result.statusCodes)}, ` +
        `${result.errors} errors)\n${contender.process.tail()}`,
    );
  }
}

/**
 * Every HTTP contender in its own process, loaded in turn from the load process: a warm-up each,
 * then `rounds` rounds in rotating order; the Redis commands of each round from INFO commandstats
 * and INFO stats, and each server's RSS before and after; last, for the contenders that use Redis,
 * an untimed pass as long as a round under MONITOR, to count the commands that clients send
 * (scripts' inner commands apart).
 */
export async function benchHttp(
  settings: BenchSettings['http'],
  context: StartContext & { redis: Redis; load: LoadProcess },
): Promise<HttpSection> {
  const started = await Promise.allSettled(HTTP_CONTENDERS.map((contender) => startContender(contender, context)));
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  try {
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;

    const guarded = running.find((contender) => contender.id === 'guarded')!;
    const apiKey = await createBenchKey({ process: guarded.process, url: guarded.url, adminToken: context.adminToken });
    // One finished job, read by the `jobs.get` rows (cached and not) with the same key.
    const jobReader = running.find((contender) => FINISHED_JOB_IDS.includes(contender.id));
    const jobPath = jobReader === undefined ? undefined : await finishedJobPath(jobReader, apiKey);
    const contenders = running.map((contender) =>
      jobPath !== undefined && FINISHED_JOB_IDS.includes(contender.id) ? { ...contender, path: jobPath } : contender,
    );
    for (const contender of contenders) await probe(contender, apiKey);
    const memoryBefore = new Map(contenders.map((contender) => [contender.id, contender.process.memory()]));

    for (const contender of contenders) {
      assertAnswered(
        contender,
        await context.load.http(loadOf(contender, apiKey, settings, settings.warmupSec)),
        'warm-up',
      );
    }

    const rounds = new Map<string, HttpRound[]>(contenders.map((contender) => [contender.id, []]));
    const redisByCommand = new Map<string, Map<string, number>>(
      contenders.map((contender) => [contender.id, new Map()]),
    );
    for (let round = 0; round < settings.rounds; round++) {
      for (const contender of rotated(contenders, round)) {
        const before = await redisCounters(context.redis);
        const cpuBefore = contender.process.cpuMicros() ?? NaN;
        const result = await context.load.http(loadOf(contender, apiKey, settings, settings.roundSec));
        const serverCpuMicros = (contender.process.cpuMicros() ?? NaN) - cpuBefore;
        const { calls, reads, cpuMicros } = countersBetween(before, await redisCounters(context.redis));
        assertAnswered(contender, result, `round ${round + 1}`);
        addCalls(redisByCommand.get(contender.id)!, calls);
        rounds.get(contender.id)!.push({
          ...result,
          round: round + 1,
          rps: result.ok / result.durationSec,
          redisCalls: totalCalls(calls),
          redisReads: reads,
          serverCpuMicros,
          redisCpuMicros: cpuMicros,
        });
      }
    }

    const memoryAfter = new Map(contenders.map((contender) => [contender.id, contender.process.memory()]));

    const sent = new Map<string, { calls: Map<string, number>; requests: number }>();
    for (const contender of contenders.filter((candidate) => candidate.usesRedis)) {
      const pass = await sentCommandsDuring(context.redis, () =>
        context.load.http(loadOf(contender, apiKey, settings, settings.roundSec)),
      );
      assertAnswered(contender, pass.result, 'the MONITOR pass');
      sent.set(contender.id, { calls: pass.calls, requests: pass.result.ok });
    }

    const rows = contenders.map((contender): HttpRow => {
      const measured = rounds.get(contender.id)!;
      const ok = measured.reduce((sum, round) => sum + round.ok, 0);
      const byCommand = redisByCommand.get(contender.id)!;
      const monitored = sent.get(contender.id) ?? { calls: new Map<string, number>(), requests: 0 };
      const reads = measured.reduce((sum, round) => sum + round.redisReads, 0);
      const perOk = (total: number) => (ok > 0 ? total / ok : NaN);
      const { process: _process, url: _url, ...definition } = contender;
      return {
        ...definition,
        rounds: measured,
        rps: median(measured.map((round) => round.rps)),
        p50Ms: median(measured.map((round) => round.p50Ms)),
        p99Ms: median(measured.map((round) => round.p99Ms)),
        ok,
        notOk: measured.reduce((sum, round) => sum + round.non2xx + round.errors, 0),
        redisByCommand: byCommand,
        redisPerRequest: perOk(totalCalls(byCommand)),
        redisReadsPerRequest: perOk(reads),
        serverCpuPerRequestUs: perOk(measured.reduce((sum, round) => sum + round.serverCpuMicros, 0)),
        redisCpuPerRequestUs: perOk(measured.reduce((sum, round) => sum + round.redisCpuMicros, 0)),
        redisSentByCommand: monitored.calls,
        redisSentPerRequest: monitored.requests > 0 ? totalCalls(monitored.calls) / monitored.requests : NaN,
        monitoredRequests: monitored.requests,
        memoryBefore: memoryBefore.get(contender.id),
        memoryAfter: memoryAfter.get(contender.id),
      };
    });
    return { settings, rows };
  } finally {
    await Promise.all(running.map((contender) => contender.process.stop()));
  }
}
