import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROFILED_FUNCTION } from './validation-cases.js';

/** What `node --cpu-prof` writes (the V8 CPU profile format, as far as it is read here). */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  /** microseconds since the previous sample, one per sample */
  timeDeltas: number[];
}

export type ProfileCategory = 'ajv' | 'Tollgate' | 'benchmark loop' | 'garbage collection' | 'other';

export interface ProfileEntry {
  functionName: string;
  /** file relative to server/, `(ajv generated code)` or `(V8)` */
  where: string;
  category: ProfileCategory;
  selfMs: number;
}

export interface ProfileSummary {
  /** what was profiled */
  script: string;
  /** milliseconds sampled inside the profiled function (garbage collection included) */
  sampledMs: number;
  /** self time per function, largest first */
  entries: ProfileEntry[];
  categories: Record<ProfileCategory, number>;
}

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Generated code (ajv's `new Function`) has no URL; V8's pseudo-frames have parenthesized names. */
function locate(functionName: string, url: string): Pick<ProfileEntry, 'where' | 'category'> {
  if (functionName === '(garbage collector)') return { where: '(V8)', category: 'garbage collection' };
  if (url === '') {
    return /^validate\d*$/.test(functionName)
      ? { where: '(ajv generated code)', category: 'ajv' }
      : { where: '(V8)', category: 'other' };
  }
  const path = url.startsWith('file://') ? relative(SERVER_DIR, fileURLToPath(url)) : url;
  if (path.startsWith('src/')) return { where: path, category: 'Tollgate' };
  if (path.startsWith('bench/')) return { where: path, category: 'benchmark loop' };
  const where = path.replace(/^(\.\.\/)*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '');
  return { where, category: where.startsWith('ajv/') ? 'ajv' : 'other' };
}

/**
 * Self time per function over the samples taken inside `rootFunction` (its whole subtree), plus
 * the garbage collection and unattributed VM time (`(program)`) sampled while it ran.
 */
export function summarizeProfile(profile: CpuProfile, rootFunction: string, script: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inside = new Set<number>();
  const mark = (id: number, within: boolean) => {
    const node = byId.get(id);
    if (node === undefined) return;
    const here = within || node.callFrame.functionName === rootFunction;
    if (here) inside.add(id);
    for (const child of node.children ?? []) mark(child, here);
  };
  const childIds = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  for (const node of profile.nodes) if (!childIds.has(node.id)) mark(node.id, false);

  const first = profile.samples.findIndex((id) => inside.has(id));
  const last = profile.samples.findLastIndex((id) => inside.has(id));
  const self = new Map<string, ProfileEntry>();
  let sampledUs = 0;
  for (let i = Math.max(first, 0); i <= last; i++) {
    const node = byId.get(profile.samples[i]!)!;
    const name = node.callFrame.functionName;
    if (!inside.has(node.id) && name !== '(garbage collector)' && name !== '(program)') continue;
    // A sample stands for the time until the next one.
    const us = profile.timeDeltas[i + 1] ?? 0;
    sampledUs += us;
    const { where, category } = locate(name, node.callFrame.url);
    const key = `${name}\u0000${where}`;
    const entry = self.get(key) ?? { functionName: name === '' ? '(anonymous)' : name, where, category, selfMs: 0 };
    entry.selfMs += us / 1000;
    self.set(key, entry);
  }
  const entries = [...self.values()].sort((a, b) => b.selfMs - a.selfMs);
  const categories: Record<ProfileCategory, number> = {
    ajv: 0,
    Tollgate: 0,
    'benchmark loop': 0,
    'garbage collection': 0,
    other: 0,
  };
  for (const entry of entries) categories[entry.category] += entry.selfMs;
  return { script, sampledMs: sampledUs / 1000, entries, categories };
}

/**
 * Runs bench/validation-profile.ts for `ms` under `node --cpu-prof` and summarizes the main
 * thread's profile (tsx's loader thread writes one too: the one holding the loop is kept).
 */
export async function profileValidation(ms: number): Promise<ProfileSummary> {
  const script = 'bench/validation-profile.ts';
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-cpuprof-'));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--cpu-prof', '--cpu-prof-dir', dir, '--import', 'tsx', script, String(ms)],
        { cwd: SERVER_DIR, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`${script} under --cpu-prof exited with ${code}`);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
      const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
      if (profile.nodes.some((node) => node.callFrame.functionName === PROFILED_FUNCTION)) {
        return summarizeProfile(profile, PROFILED_FUNCTION, script);
      }
    }
    throw new Error(`no .cpuprofile written by ${script} holds ${PROFILED_FUNCTION}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
