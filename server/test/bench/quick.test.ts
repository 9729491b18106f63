import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Smoke test of `pnpm bench --quick`: the whole benchmark with one half-second round per contender
 * produces its tables and every contender answered. It never asserts a speed: the figures belong
 * to whatever else the machine is doing.
 */
const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));
const HTTP_IDS = [
  'guarded',
  'unguarded',
  'guarded-quiet',
  'fastify-rate-limit',
  'trpc-limiter',
  'ceiling',
  'health',
  'jobs-get-cached',
  'jobs-get-uncached',
];

interface Figures {
  http: {
    rows: Array<{
      id: string;
      ok: number;
      notOk: number;
      serverCpuPerRequestUs: number;
      rounds: Array<{ ok: number; non2xx: number }>;
    }>;
  };
  jobs: {
    intake: Array<{
      id: string;
      jobs: number;
      errors: number;
      firstError?: string;
      producerCpuPerJobUs: number;
      serverCpuPerJobUs: number | null;
      redisCpuPerJobUs: number;
    }>;
    processing: Array<{ id: string; rounds: number[]; failed: number }>;
  };
  targets: Array<{ target: string }>;
}

/** The bench run of the test, stopped in afterAll should it outlive the test (it then stops its own children). */
let bench: ChildProcess | undefined;

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
      cwd: SERVER_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bench = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pnpm bench --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-smoke-'));
  afterAll(() => {
    if (bench !== undefined && bench.exitCode === null && bench.signalCode === null) bench.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  // ~40 s alone; three times that when the rest of the suite shares the machine's two cores.
  it('prints its tables, and every contender answered with 2xx', { timeout: 180_000 }, async () => {
    expect(existsSync(join(SERVER_DIR, 'dist', 'main.js')), 'run `pnpm build` first').toBe(true);
    const json = join(dir, 'figures.json');
    const { code, stdout, stderr } = await runBench(['--quick', '--rounds', '1', '--round-sec', '0.5', '--json', json]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);

    expect(stdout).toContain('## HTTP: the guarded call next to the peers, over real sockets');
    expect(stdout).toMatch(/^\| contender +\| +req\/s \|/m);
    expect(stdout).toMatch(/cached ÷ uncached = \*\*\d+\.\d\d×\*\*/);
    expect(stdout).toContain('## Jobs: intake and processing next to raw BullMQ');
    expect(stdout).toContain('## Targets');
    expect(stdout).toContain('## What the profile says');
    expect(stdout).toContain('## Validation engine (in-process, µs per document)');

    const figures = JSON.parse(readFileSync(json, 'utf8')) as Figures;
    expect(figures.http.rows.map((row) => row.id)).toEqual(HTTP_IDS);
    for (const row of figures.http.rows) {
      expect(row.rounds, row.id).toHaveLength(1);
      expect(row.ok, row.id).toBeGreaterThan(0);
      expect(row.notOk, `${row.id}: non-2xx answers or errors`).toBe(0);
      expect(row.serverCpuPerRequestUs, `${row.id}: CPU per request`).toBeGreaterThan(0);
    }
    expect(stdout).toMatch(/^\| contender +\| .*\| server CPU µs\/req \|/m);
    expect(figures.jobs.intake.map((row) => row.id)).toEqual(['tollgate-submit', 'bullmq-add', 'bullmq-add-bulk']);
    for (const row of figures.jobs.intake) {
      expect(row.jobs, row.id).toBeGreaterThan(0);
      expect(row.errors, `${row.id}: ${row.firstError}`).toBe(0);
      expect(row.producerCpuPerJobUs, `${row.id}: the producer's CPU per job`).toBeGreaterThan(0);
      expect(row.redisCpuPerJobUs, `${row.id}: Redis's CPU per job`).toBeGreaterThan(0);
    }
    // Only Tollgate's intake has a server between producer and Redis (NaN, written as null, for raw).
    expect(figures.jobs.intake.find((row) => row.id === 'tollgate-submit')!.serverCpuPerJobUs).toBeGreaterThan(0);
    expect(figures.jobs.processing.map((row) => row.id).sort()).toEqual([
      'raw-c1',
      'raw-c50',
      'tollgate-c1',
      'tollgate-c50',
    ]);
    for (const row of figures.jobs.processing) {
      expect(row.rounds, row.id).toHaveLength(1);
      expect(row.rounds[0], row.id).toBeGreaterThan(0);
      expect(row.failed, row.id).toBe(0);
    }
    expect(figures.targets.length).toBeGreaterThan(0);
  });
});
