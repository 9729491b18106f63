import type { HttpSection } from './http-bench.js';
import { findRow } from './http-report.js';
import type { JobsSection } from './jobs.js';
import { intakeRow, processingRow } from './jobs-report.js';
import { ms, ratio } from './format.js';
import { markdownTable } from './markdown.js';

export interface TargetCheck {
  target: string;
  measured: string;
  /** undefined when this run did not measure it */
  met: boolean | undefined;
}

function atLeast(target: string, value: number | undefined, least: number): TargetCheck {
  return value === undefined || !Number.isFinite(value)
    ? { target, measured: 'n/a', met: undefined }
    : { target, measured: ratio(value), met: value >= least };
}

/** Issue 8's targets, as ratios and figures of this run. */
export function targetChecks(http: HttpSection | undefined, jobs: JobsSection | undefined): TargetCheck[] {
  const rps = (id: Parameters<typeof findRow>[1]) => (http === undefined ? undefined : findRow(http, id));
  const guarded = rps('guarded');
  const byPeer = (id: Parameters<typeof findRow>[1]) => {
    const peer = rps(id);
    return guarded !== undefined && peer !== undefined ? guarded.rps / peer.rps : undefined;
  };
  const checks = [
    atLeast(
      'guarded `validation.validate` ≥ 3× the stock tRPC + `@trpc-limiter/redis` peer',
      byPeer('trpc-limiter'),
      3,
    ),
    atLeast('guarded ≥ 1.0× the `@fastify/rate-limit` peer', byPeer('fastify-rate-limit'), 1),
    atLeast('guarded ≥ 0.85× unguarded', byPeer('unguarded'), 0.85),
  ];
  checks.push(
    guarded === undefined
      ? { target: '≤ 1 Redis command per guarded call', measured: 'n/a', met: undefined }
      : {
          target: '≤ 1 Redis command per guarded call (sent; see the HTTP section for executed and reads)',
          measured:
            `${guarded.redisSentPerRequest.toFixed(2)} sent (${guarded.redisPerRequest.toFixed(2)} executed, ` +
            `${guarded.redisReadsPerRequest.toFixed(2)} reads)`,
          met: guarded.redisSentPerRequest <= 1,
        },
  );
  if (jobs !== undefined) {
    const submit = intakeRow(jobs, 'tollgate-submit');
    const add = intakeRow(jobs, 'bullmq-add');
    checks.push(
      atLeast(
        'job intake through tRPC ≥ 0.8× raw BullMQ `add`',
        submit && add ? submit.jobsPerSec / add.jobsPerSec : undefined,
        0.8,
      ),
    );
    for (const concurrency of [1, 50] as const) {
      const ours = processingRow(jobs, 'tollgate', concurrency);
      const raw = processingRow(jobs, 'raw', concurrency);
      checks.push(
        atLeast(
          `processing ≥ 0.9× the raw worker, concurrency ${concurrency}`,
          ours && raw ? ours.jobsPerSec / raw.jobsPerSec : undefined,
          0.9,
        ),
      );
    }
  }
  const rss = guarded?.memoryAfter?.rssMb;
  checks.push({
    target: 'server RSS < 150 MB after the load',
    measured: rss === undefined ? 'n/a' : `${rss.toFixed(1)} MB`,
    met: rss === undefined ? undefined : rss < 150,
  });
  for (const id of ['trpc-limiter', 'fastify-rate-limit'] as const) {
    const peer = rps(id);
    checks.push(
      guarded === undefined || peer === undefined
        ? { target: `guarded p99 below the ${id} peer’s`, measured: 'n/a', met: undefined }
        : {
            target: `p99 at ${http!.settings.connections} connections below the \`${id}\` peer’s`,
            measured: `${ms(guarded.p99Ms)} ms vs ${ms(peer.p99Ms)} ms`,
            met: guarded.p99Ms < peer.p99Ms,
          },
    );
  }
  return checks;
}

export function targetLines(checks: readonly TargetCheck[]): string[] {
  return [
    'The targets of issue 8, against this run’s figures (ratios of medians, computed within the run).',
    '',
    ...markdownTable(
      [{ header: 'target' }, { header: 'measured', align: 'right' }, { header: 'status' }],
      checks.map((check) => [
        check.target,
        check.measured,
        check.met === undefined ? 'not measured' : check.met ? 'met' : '**missed**',
      ]),
    ),
  ];
}
