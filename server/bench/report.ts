import { spawnSync } from 'node:child_process';
import os from 'node:os';
import type { ProfileCategory, ProfileSummary } from './cpu-profile.js';
import { markdownTable } from './markdown.js';
import type { ValidationComparison } from './validation.js';

/** One `## …` section of the report: printed as it is, and written to BENCHMARKS.md. */
export interface ReportSection {
  title: string;
  lines: string[];
}

/** `7.0.15` from `redis-server --version`, or undefined when there is none on PATH. */
export function redisServerVersion(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) return undefined;
  return /\bv=(\S+)/.exec(probe.stdout)?.[1];
}

/** The machine the figures come from. `redis`: the version of the redis-server the benchmark started. */
export function machineLines(redis: string | undefined): string[] {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  return [
    `- CPU: ${cpu}, ${os.availableParallelism()} cores available (\`os.availableParallelism()\`)`,
    `- Memory: ${memoryGiB} GiB; OS: ${os.type()} ${os.release()} (${process.arch})`,
    `- Node.js: ${process.version}`,
    `- Redis: ${redis ?? 'unknown version'}, a \`redis-server\` the benchmark started on a free loopback port (no persistence)`,
  ];
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part * 100) / whole)}%` : 'n/a';
}

/**
 * "What the profile says": self time per function inside the profiled loop, by category, and what
 * it means for the 3-property comparison (read with the `ownProperties` row of the table).
 */
export function profileLines(profile: ProfileSummary, comparisons: readonly ValidationComparison[]): string[] {
  const total = profile.sampledMs;
  const share = (category: ProfileCategory) => percent(profile.categories[category], total);
  const top = profile.entries.slice(0, 8);
  const generated = profile.entries.find((entry) => entry.where === '(ajv generated code)');
  const plain = comparisons.find((row) => row.baseline === 'raw Ajv2020 validate' && row.target !== undefined);
  const sameOptions = comparisons.find((row) => row.baseline.includes('ownProperties'));

  const lines = [
    `\`node --cpu-prof\` on \`${profile.script}\`: Tollgate's compiled validator (\`validateDocument\`) on ` +
      `the 3-property case in a loop. Self time per function over the ${Math.round(total).toLocaleString('en-US')} ms ` +
      'sampled inside the loop (garbage collection and unattributed VM time sampled meanwhile included):',
    '',
    ...markdownTable(
      [
        { header: 'function' },
        { header: 'where' },
        { header: 'self ms', align: 'right' },
        { header: 'share', align: 'right' },
      ],
      top.map((entry) => [entry.functionName, entry.where, entry.selfMs.toFixed(1), percent(entry.selfMs, total)]),
    ),
    '',
    `By kind: ajv (its generated code and the runtime helpers that code calls) ${share('ajv')}, Tollgate's own functions ` +
      `(\`validateDocument\`, the engine's check closure) ${share('Tollgate')}, the benchmark loop ` +
      `${share('benchmark loop')} (with what V8 inlined into it), garbage collection ${share('garbage collection')}, other ${share('other')}.`,
  ];

  if (generated !== undefined && plain !== undefined && sameOptions !== undefined) {
    const ns = (us: number) => `${Math.round(us * 1000)} ns`;
    const gap = plain.tollgateTiming.us - plain.baselineTiming.us;
    const option = sameOptions.baselineTiming.us - plain.baselineTiming.us;
    const layer = sameOptions.tollgateTiming.us - sameOptions.baselineTiming.us;
    lines.push(
      '',
      `${share('ajv')} of the sampled time goes into ajv: the code it generated for the schema ` +
        `(\`${generated.functionName}\`) and its runtime helpers; ` +
        `Tollgate’s own functions take ${share('Tollgate')}, as V8 inlines them into a loop that only ever sees ` +
        'this one validator. Built-ins that the generated code calls run inside its frame, so the profile cannot ' +
        'single them out, and that is where the cost is: Tollgate compiles with `ownProperties: true` (so that ' +
        '`required: ["constructor"]` is not satisfied by an inherited property), and ajv then guards every ' +
        'property read with `Object.prototype.hasOwnProperty.call`, six calls per document here.',
      '',
      `The table puts figures on it: of the ${ns(gap)} per document between Tollgate and raw ajv, the option ` +
        `accounts for ${ns(option)} (raw ajv with and without it) and Tollgate’s own layer (\`validateDocument\`, ` +
        `the check closure, the result object) for ${ns(layer)}, measured in a loop that calls every validator ` +
        'of the section, as a server does, so no call is inlined. The lever is the option: compiling without ' +
        '`ownProperties` whenever no property name in the schema is also a property of `Object.prototype`.',
    );
  }
  return lines;
}

/** BENCHMARKS.md: the machine, then every section, generated as a whole. */
export function benchmarksMarkdown(machine: string[], sections: readonly ReportSection[], command: string): string {
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`${command}\` (\`server/bench/run.ts\`) on ${new Date().toISOString()}; run it again to ` +
      'refresh this file, rather than editing it. Absolute figures belong to this machine and this run; ' +
      'the ratios, computed within the run, are what compares across machines.',
    '',
    '## Machine',
    '',
    ...machine,
  ];
  for (const section of sections) lines.push('', `## ${section.title}`, '', ...section.lines);
  return `${lines.join('\n')}\n`;
}
