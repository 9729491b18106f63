import type { Redis } from 'ioredis';
import { benchIntake, type IntakeRow } from './jobs-intake.js';
import {
  benchProcessing,
  rawDrainer,
  tollgateDrainer,
  type Drainer,
  type ProcessingRow,
  type WorkerKind,
} from './jobs-processing.js';
import type { LoadProcess } from './load-process.js';
import type { BenchSettings } from './settings.js';
import { createBenchKey, startTollgateServer, type TollgateServer } from './tollgate-process.js';

export interface JobsContext {
  redisUrl: string;
  redis: Redis;
  load: LoadProcess;
  peersDir: string;
  dir: string;
  adminToken: string;
}

export interface JobsSection {
  settings: Pick<BenchSettings, 'intake' | 'processing'>;
  intake: IntakeRow[];
  processing: ProcessingRow[];
}

/**
 * Tollgate's job path against raw BullMQ on the bench's Redis: intake (the load process submits)
 * and processing (worker processes drain queued jobs), every contender a process of its own.
 */
export async function benchJobs(
  settings: Pick<BenchSettings, 'intake' | 'processing'>,
  context: JobsContext,
): Promise<JobsSection> {
  const serverOptions = { redisUrl: context.redisUrl, dir: context.dir, adminToken: context.adminToken };
  const env = { RUN_WORKER: 'false' };
  const servers = await Promise.allSettled([
    startTollgateServer({ ...serverOptions, name: 'tollgate-intake', prefix: 'bench-intake', env }),
    startTollgateServer({ ...serverOptions, name: 'tollgate-processing', prefix: 'bench-processing', env }),
  ]);
  const running = servers.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const drainers: Partial<Record<WorkerKind, Drainer>> = {};
  try {
    const failed = servers.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const [intakeServer, processingServer] = running as [TollgateServer, TollgateServer];
    const intake = await benchIntake(settings.intake, context, intakeServer, await createBenchKey(intakeServer));
    const processingKey = await createBenchKey(processingServer);
    drainers.tollgate = tollgateDrainer(context, processingServer, processingKey, 'bench-processing');
    drainers.raw = rawDrainer(context);
    const processing = await benchProcessing(settings.processing, { tollgate: drainers.tollgate, raw: drainers.raw });
    return { settings, intake, processing };
  } finally {
    await Promise.all(Object.values(drainers).map((drainer) => drainer.close()));
    await Promise.all(running.map((server) => server.process.stop()));
  }
}
