import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { requiredEnv } from './serve.js';
import { tollgateJobKinds, tollgateValidationService } from './tollgate-dist.js';

/**
 * The raw-BullMQ peer of Tollgate's worker: a plain BullMQ `Worker` (its default options but the
 * concurrency) running the same handler, Tollgate's job kinds (`createJobKinds` over the built
 * validation service, server defaults) with progress reported through `job.updateProgress`.
 * Env: REDIS_URL, QUEUE, PREFIX, CONCURRENCY, TOLLGATE_DIST. Prints `worker ready` once it
 * listens for jobs.
 */
interface RawJobData {
  input: unknown;
}

const validation = await tollgateValidationService();
const kinds = await tollgateJobKinds(validation);
const connection = new Redis(requiredEnv('REDIS_URL'), { maxRetriesPerRequest: null });

async function processJob(job: Job<RawJobData>): Promise<unknown> {
  const kind = kinds.get(job.name);
  if (kind === undefined) throw new UnrecoverableError(`Unknown job kind '${job.name}'`);
  return kind.run(job.data.input, { reportProgress: (percent) => job.updateProgress(percent) });
}

const worker = new Worker<RawJobData>(requiredEnv('QUEUE'), processJob, {
  connection,
  prefix: requiredEnv('PREFIX'),
  concurrency: Number(requiredEnv('CONCURRENCY')),
});
await worker.waitUntilReady();
console.log('worker ready');

const stop = () => {
  void (async () => {
    await worker.close();
    await validation.close();
    connection.disconnect();
    process.exit(0);
  })();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
