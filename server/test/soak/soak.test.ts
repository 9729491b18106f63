import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { SoakResult } from '../../soak/summary.js';

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** `node --import tsx soak/run.ts …` from the server package, as `pnpm soak` runs it. */
function runSoak(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'soak/run.ts', ...args], {
      cwd: SERVER_DIR,
      env: { ...process.env, INIT_CWD: SERVER_DIR },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // If the test times out, the soak stops its servers, workers and Redis.
    const timer = setTimeout(() => child.kill('SIGTERM'), 140_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('pnpm soak --minutes 1 (two servers, two workers, Redis SIGKILLed and a worker SIGKILLed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-soak-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints its table, loses no accepted job and never admits beyond a limit', async () => {
    const json = join(dir, 'soak.json');
    const run = await runSoak(['--minutes', '1', '--json', json]);
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.stdout, output).toMatch(/\| measure +\| soak, 1 min, 4 clients/);
    for (const row of ['requests served', 'jobs accepted', 'jobs lost', 'over-admissions', 'server 1 RSS']) {
      expect(run.stdout, output).toContain(`| ${row}`);
    }
    expect(existsSync(json), output).toBe(true);
    const result = JSON.parse(readFileSync(json, 'utf8')) as SoakResult;
    expect(result.jobs.accepted, output).toBeGreaterThan(0);
    expect(result.jobs.lost, output).toEqual([]);
    expect(result.jobs.completed).toBe(result.jobs.accepted);
    expect(result.overAdmissions, output).toBe(0);
    // the limits bound (so the check meant something), and service came back after the restart
    for (const key of result.keys.filter((row) => row.role === 'tight')) expect(key.refused).toBeGreaterThan(0);
    expect(
      result.resumedAfterMs.every((ms) => ms !== null),
      output,
    ).toBe(true);
    expect(run.code, output).toBe(0);
  }, 150_000);
});
