import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createTollgateClient } from '../src/client/index.js';
import { JOB, JOB_NAME, RAW_JOB_OPTIONS, type RawJobData } from './job-payload.js';
import type {
  HttpLoad,
  HttpLoadResult,
  LoadReply,
  LoadRequest,
  ProduceLoad,
  ProduceResult,
  Producer,
} from './load-protocol.js';
import { quantile } from './stats.js';

/**
 * The load process: a child of the bench (`node --import tsx bench/load-child.ts`, IPC channel),
 * so that the load never shares a process with a contender or with the bench. It runs autocannon
 * as a library for the HTTP rows and the job producers for the intake rows, one request at a time,
 * and keeps its producers (and their connections) between rounds.
 */

async function runHttp(load: HttpLoad): Promise<HttpLoadResult> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: load.url,
        method: load.method,
        headers: load.headers,
        ...(load.body === undefined ? {} : { body: load.body }),
        connections: load.connections,
        duration: load.durationSec,
        // autocannon stops at its next sample: sampling every 100 ms keeps a run within 0.1 s of
        // its duration (every 1,000 ms by default, a 0.5 s run lasts a second).
        sampleInt: 100,
      },
      (error: unknown, done) => (error === null || error === undefined ? resolve(done) : reject(toError(error))),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const sorted = Float64Array.from(latencies).sort();
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0;
  return {
    ok: result['2xx'],
    non2xx: result.non2xx,
    statusCodes,
    errors: result.errors,
    durationSec: result.duration,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
  };
}

interface JobSubmitter {
  /** submits jobs; resolves with how many */
  submit(): Promise<number>;
  close(): Promise<void>;
}

function createSubmitter(producer: Producer, inFlight: number): JobSubmitter {
  switch (producer.kind) {
    case 'tollgate-submit': {
      const client = createTollgateClient({ url: producer.url, apiKey: producer.apiKey });
      return { submit: () => client.jobs.submit.mutate(JOB).then(() => 1), close: async () => {} };
    }
    case 'bullmq-add':
    case 'bullmq-add-bulk': {
      const connection = new Redis(producer.redisUrl, { maxRetriesPerRequest: null });
      const queue = new Queue<RawJobData>(producer.queue, {
        connection,
        prefix: producer.prefix,
        defaultJobOptions: RAW_JOB_OPTIONS,
      });
      const batch = Array.from({ length: inFlight }, () => ({ name: JOB_NAME, data: { input: JOB } }));
      return {
        submit:
          producer.kind === 'bullmq-add'
            ? () => queue.add(JOB_NAME, { input: JOB }).then(() => 1)
            : () => queue.addBulk(batch).then((jobs) => jobs.length),
        async close() {
          await queue.close();
          connection.disconnect();
        },
      };
    }
  }
}

const submitters = new Map<string, JobSubmitter>();

/** Keeps `inFlight` submissions outstanding (addBulk: one batch of `inFlight`) for `durationMs`. */
async function runProduce(load: ProduceLoad): Promise<ProduceResult> {
  const key = JSON.stringify([load.producer, load.inFlight]);
  let submitter = submitters.get(key);
  if (submitter === undefined) {
    submitter = createSubmitter(load.producer, load.inFlight);
    submitters.set(key, submitter);
  }
  const loops = load.producer.kind === 'bullmq-add-bulk' ? 1 : load.inFlight;
  let jobs = 0;
  let errors = 0;
  let firstError: string | undefined;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + load.durationMs;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (performance.now() < deadline) {
        try {
          // Not `jobs += await …`: that reads `jobs` before the await and loses the other loops' counts.
          const accepted = await submitter.submit();
          jobs += accepted;
        } catch (error) {
          errors++;
          firstError ??= toError(error).message;
        }
      }
    }),
  );
  const durationMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    jobs,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    durationMs,
    cpuMicros: cpu.user + cpu.system,
  };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

async function handle(request: LoadRequest): Promise<unknown> {
  switch (request.kind) {
    case 'http':
      return runHttp(request);
    case 'produce':
      return runProduce(request);
    case 'close':
      await Promise.all([...submitters.values()].map((submitter) => submitter.close()));
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on('message', (request: LoadRequest) => {
  void handle(request).then(
    (result) => process.send?.({ id: request.id, ok: true, result } satisfies LoadReply),
    (error: unknown) =>
      process.send?.({ id: request.id, ok: false, error: toError(error).message } satisfies LoadReply),
  );
});
process.on('disconnect', () => process.exit(0));
