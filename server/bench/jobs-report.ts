import type { IntakeRow } from './jobs-intake.js';
import type { ProcessingRow } from './jobs-processing.js';
import type { JobsSection } from './jobs.js';
import { count, micros, perRound, ratio } from './format.js';
import { markdownTable } from './markdown.js';

export function intakeRow(section: JobsSection, id: IntakeRow['id']): IntakeRow | undefined {
  return section.intake.find((row) => row.id === id);
}

export function processingRow(
  section: JobsSection,
  worker: ProcessingRow['worker'],
  concurrency: ProcessingRow['concurrency'],
): ProcessingRow | undefined {
  return section.processing.find((row) => row.worker === worker && row.concurrency === concurrency);
}

/** The jobs section: intake against BullMQ's add and addBulk, processing against a raw Worker. */
export function jobsLines(section: JobsSection): string[] {
  const { intake, processing } = section.settings;
  const add = intakeRow(section, 'bullmq-add');
  const lines = [
    'The same Redis; every job is the same validation job (a 2-property schema, five documents, two ' +
      'invalid). **Intake**: the load process keeps ' +
      `${intake.inFlight} submissions outstanding for ${intake.roundMs / 1000} s per round, ` +
      `${intake.rounds} round(s) in rotating order after a ${intake.warmupMs / 1000} s warm-up each; ` +
      'Tollgate through its typed client (`createTollgateClient`: `httpBatchLink` batches calls made ' +
      'together) against a built server with RUN_WORKER=false, raw BullMQ with `Queue.add` on one ' +
      'ioredis connection, and `addBulk` of as many jobs in one call. Raw intake goes to its own ' +
      'database, emptied after each round. Redis per job, as in the HTTP table: commands executed (`INFO commandstats`, scripts’ inner commands included) and socket reads (`INFO stats`), around the rounds. ' +
      'CPU per job: the CPU time (user + system) over the rounds ÷ jobs accepted, of the load process ' +
      'producing them (`process.cpuUsage()`), of the Tollgate server (`/proc/<pid>/stat`) and of Redis ' +
      '(`INFO cpu`): what each submission costs each process, whatever else the machine is doing.',
    '',
    ...markdownTable(
      [
        { header: 'producer' },
        { header: 'jobs/s', align: 'right' },
        { header: 'jobs/s per round' },
        { header: 'it ÷ raw add', align: 'right' },
        { header: 'CPU µs/job: producer', align: 'right' },
        { header: 'server', align: 'right' },
        { header: 'Redis', align: 'right' },
        { header: 'Redis cmds/job executed', align: 'right' },
        { header: 'Redis reads/job', align: 'right' },
        { header: 'errors', align: 'right' },
        { header: 'what one submission does' },
      ],
      section.intake.map((row) => [
        row.label,
        count(row.jobsPerSec),
        perRound(row.rounds),
        add === undefined ? 'n/a' : ratio(row.jobsPerSec / add.jobsPerSec),
        micros(row.producerCpuPerJobUs),
        row.id === 'tollgate-submit' ? micros(row.serverCpuPerJobUs) : '—',
        micros(row.redisCpuPerJobUs),
        Number.isFinite(row.redisPerJob) ? row.redisPerJob.toFixed(2) : 'n/a',
        Number.isFinite(row.redisReadsPerJob) ? row.redisReadsPerJob.toFixed(2) : 'n/a',
        row.errors === 0 ? '0' : `${count(row.errors)} (${row.firstError ?? ''})`,
        row.what,
      ]),
    ),
    '',
    '**Processing**: each round queues its jobs on a paused queue (Tollgate: through `jobs.submit`; ' +
      'raw: `addBulk`), starts the worker process and waits for its ready line, then times from resuming ' +
      'the queue until no job is waiting, delayed or active (both queues watched alike: BullMQ job counts every 10 ms) ' +
      `(${processing.rounds} round(s) per row, in rotating order; ${count(processing.jobs[1])} jobs per ` +
      `round at concurrency 1, ${count(processing.jobs[50])} at 50). The Tollgate worker is the built ` +
      '`node server/dist/worker.js` (its defaults but `WORKER_CONCURRENCY`; the queue paused and resumed ' +
      'through the admin API); the raw one is a plain BullMQ `Worker` (`bench/peers/bullmq-worker.ts`) ' +
      'running the same handler, Tollgate’s `createJobKinds` over its `createValidationService`, on jobs ' +
      'with Tollgate’s job options.',
    '',
    ...markdownTable(
      [
        { header: 'worker' },
        { header: 'jobs/s', align: 'right' },
        { header: 'jobs/s per round' },
        { header: 'Tollgate ÷ raw', align: 'right' },
        { header: 'failed jobs', align: 'right' },
      ],
      section.processing.map((row) => {
        const raw = processingRow(section, 'raw', row.concurrency);
        return [
          row.label,
          count(row.jobsPerSec),
          perRound(row.rounds),
          row.worker === 'tollgate' && raw !== undefined ? ratio(row.jobsPerSec / raw.jobsPerSec) : '',
          count(row.failed),
        ];
      }),
    ),
  ];
  return lines;
}
