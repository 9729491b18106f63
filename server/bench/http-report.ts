import type { HttpRow, HttpSection } from './http-bench.js';
import { VALIDATE_BODY } from './http-contenders.js';
import { count, mb, micros, ms, perRound, ratio } from './format.js';
import { markdownTable } from './markdown.js';
import { describePerRequest } from './redis-commands.js';

export function findRow(section: HttpSection, id: HttpRow['id']): HttpRow | undefined {
  return section.rows.find((row) => row.id === id);
}

const perRequest = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');

function memory(row: HttpRow): string {
  if (row.memoryBefore === undefined || row.memoryAfter === undefined) return 'n/a';
  return `${mb(row.memoryBefore.rssMb)} → ${mb(row.memoryAfter.rssMb)} (peak ${mb(row.memoryAfter.peakMb)})`;
}

/** `jobs.get` of one finished job on a server with the response cache and on one without it. */
function finishedJobLines(section: HttpSection): string[] {
  const cached = findRow(section, 'jobs-get-cached');
  const uncached = findRow(section, 'jobs-get-uncached');
  if (cached === undefined || uncached === undefined) return [];
  return [
    '',
    '`jobs.get` of a finished job, the same key and the same completed job on two servers of one deployment: ' +
      `**${count(cached.rps)} req/s with the response cache**, **${count(uncached.rps)} req/s without it** ` +
      `(\`CACHE_ENABLED=false\`): cached ÷ uncached = **${ratio(cached.rps / uncached.rps)}**; p50 ` +
      `${ms(cached.p50Ms)} vs ${ms(uncached.p50Ms)} ms, p99 ${ms(cached.p99Ms)} vs ${ms(uncached.p99Ms)} ms; Redis ` +
      `commands executed per call ${perRequest(cached.redisPerRequest)} vs ${perRequest(uncached.redisPerRequest)} ` +
      `(sent: ${describePerRequest(cached.redisSentByCommand, cached.monitoredRequests)} vs ` +
      `${describePerRequest(uncached.redisSentByCommand, uncached.monitoredRequests)}).`,
  ];
}

/** The HTTP section: method, the table of medians with ratios computed within the run, notes. */
export function httpLines(section: HttpSection): string[] {
  const { settings } = section;
  const guarded = findRow(section, 'guarded');
  const ceiling = findRow(section, 'ceiling');
  const lines = [
    'Real sockets. Every contender is its own `node` process on a free loopback port, and every one that ' +
      'uses Redis uses the same `redis-server`, started by the bench. A separate load process runs ' +
      `autocannon (as a library) with ${settings.connections} connections against one contender at a time: a ` +
      `${settings.warmupSec} s warm-up each, then ${settings.rounds} round(s) of ${settings.roundSec} s, ` +
      'the order rotated by one place per round. Every POST carries the same body, ' +
      `\`${VALIDATE_BODY}\`, and every request \`Authorization: Bearer <key>\`, a real Tollgate key ` +
      'created through `admin.keys.create` with a limit too high to trigger (the peers key their ' +
      'limits on that header). req/s counts 2xx responses only; every figure is the median of the rounds ' +
      '(p50 and p99: of the 2xx latencies each round, as the load process saw them). The ratios are ' +
      'computed within this run. CPU per request: the CPU time (user + system) of the contender’s process ' +
      '(`/proc/<pid>/stat`) and of Redis (`INFO cpu`) over the timed rounds ÷ 2xx responses — steadier ' +
      'than req/s on a shared machine, and what a request costs whatever else runs.',
    '',
    ...markdownTable(
      [
        { header: 'contender' },
        { header: 'req/s', align: 'right' },
        { header: 'req/s per round' },
        { header: 'p50 ms', align: 'right' },
        { header: 'p99 ms', align: 'right' },
        { header: 'server CPU µs/req', align: 'right' },
        { header: 'Redis CPU µs/req', align: 'right' },
        { header: 'guarded ÷ it', align: 'right' },
        { header: 'it ÷ ceiling', align: 'right' },
        { header: 'Redis cmds/req executed', align: 'right' },
        { header: 'Redis cmds/req sent', align: 'right' },
        { header: 'Redis reads/req', align: 'right' },
        { header: 'server RSS MB, start → end' },
        { header: 'non-2xx + errors', align: 'right' },
      ],
      section.rows.map((row) => [
        row.label,
        count(row.rps),
        perRound(row.rounds.map((round) => round.rps)),
        ms(row.p50Ms),
        ms(row.p99Ms),
        micros(row.serverCpuPerRequestUs),
        row.usesRedis ? micros(row.redisCpuPerRequestUs) : '—',
        guarded === undefined ? 'n/a' : ratio(guarded.rps / row.rps),
        ceiling === undefined ? 'n/a' : ratio(row.rps / ceiling.rps),
        perRequest(row.redisPerRequest),
        row.usesRedis ? perRequest(row.redisSentPerRequest) : '—',
        perRequest(row.redisReadsPerRequest),
        memory(row),
        count(row.notOk),
      ]),
    ),
    '',
    ...section.rows.map((row) => `- ${row.label}: ${row.what}.`),
  ];
  lines.push(...finishedJobLines(section));
  lines.push(
    '',
    'Redis per request, three ways. **Executed**: commands, from `INFO commandstats` before and after ' +
      'each timed round: every client’s commands (the bench’s own `INFO` left out), those that Lua ' +
      'scripts run counted one by one, as Redis counts them. **Sent**: commands as clients sent them, a ' +
      'script call counting once, counted with `MONITOR` in an untimed pass as long as a round, after the ' +
      'rounds, for the contenders that use Redis (MONITOR costs Redis some time; the count is what matters ' +
      'there). **Reads**: socket reads of client input, `total_reads_processed` of `INFO stats` around the ' +
      'timed rounds: commands written together (pipelined, auto-pipelined) are one read. Each ÷ 2xx ' +
      'responses, background work of every process on that Redis included (idle, a handful per second).',
  );
  if (guarded !== undefined) {
    lines.push(
      '',
      `Redis per guarded call: **${perRequest(guarded.redisSentPerRequest)} commands sent** ` +
        `(${describePerRequest(guarded.redisSentByCommand, guarded.monitoredRequests)}; over ` +
        `${count(guarded.monitoredRequests)} calls under MONITOR), **${perRequest(guarded.redisPerRequest)} ` +
        `executed** (${describePerRequest(guarded.redisByCommand, guarded.ok)}; over ${count(guarded.ok)} ` +
        `calls of the timed rounds), **${perRequest(guarded.redisReadsPerRequest)} socket reads**.`,
      '',
      `Tollgate server RSS (\`VmRSS\` of the guarded server’s process): **${mb(guarded.memoryBefore?.rssMb)} MB** ` +
        `after start-up, key creation and one probe; **${mb(guarded.memoryAfter?.rssMb)} MB** after its last ` +
        `round (peak \`VmHWM\` ${mb(guarded.memoryAfter?.peakMb)} MB).`,
    );
  }
  return lines;
}
