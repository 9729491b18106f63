import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { createTollgateClient } from '../../src/client/index.js';
import { TollgateProcess, WORKER_ENTRY } from '../../src/test-support/server-process.js';

export const ADMIN_TOKEN = 'scale-admin-token-0123456789';

/** Built keys CLI (`pnpm build` first). */
export const KEYS_ENTRY = fileURLToPath(new URL('../../dist/cli/keys.js', import.meta.url));

/** Every process a suite starts, for cleanup and for the secrets check of its output. */
export class Processes {
  readonly all: TollgateProcess[] = [];

  async server(env: Record<string, string>): Promise<TollgateProcess> {
    const proc = await TollgateProcess.start({ env: { ADMIN_TOKEN, ...env } });
    this.all.push(proc);
    return proc;
  }

  async worker(env: Record<string, string>): Promise<TollgateProcess> {
    const proc = await TollgateProcess.start({ entry: WORKER_ENTRY, env });
    this.all.push(proc);
    return proc;
  }

  async destroy(): Promise<void> {
    await Promise.all(this.all.map((proc) => proc.destroy()));
  }
}

/** Runs `pnpm keys create` from the build with a clean environment; its code and output. */
export async function runKeysCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [KEYS_ENTRY, ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    cwd: mkdtempSync(join(tmpdir(), 'tollgate-cli-')),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

/**
 * What a user does first on a running server: health (both formats), an API key from the admin
 * procedure, a guarded call with it, and a job submitted and polled until it completes.
 * Returns the API key (a secret that must appear in no output).
 */
export async function exerciseServer(proc: TollgateProcess): Promise<string> {
  const health = await fetch(`${proc.url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'healthy', redis: { status: 'connected', backend: 'redis' } });
  const machine = await fetch(`${proc.url}/health`, { headers: { accept: 'application/health+json' } });
  expect(machine.status).toBe(200);
  expect(await machine.json()).toMatchObject({ status: 'pass' });

  const admin = createTollgateClient({ url: proc.url, adminToken: ADMIN_TOKEN });
  const created = await admin.admin.keys.create.mutate({ name: 'scale', rateLimit: { limit: 100, windowSec: 60 } });
  const client = createTollgateClient({ url: proc.url, apiKey: created.apiKey });
  expect(await client.validation.validate.mutate({ schema: { type: 'integer' }, document: 7 })).toEqual({
    valid: true,
    errors: [],
  });
  await expectJobCompletes(client);
  return created.apiKey;
}

type Client = ReturnType<typeof createTollgateClient>;

export async function expectJobCompletes(client: Client, timeoutMs = 10_000): Promise<void> {
  const { jobId } = await client.jobs.submit.mutate({ schema: { type: 'integer' }, documents: [1, 'two', 3] });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.jobs.get.query({ jobId });
    if (job.state === 'completed') {
      expect(job.result).toMatchObject({ total: 3, valid: 2, invalid: 1 });
      return;
    }
    expect(job.state).not.toBe('failed');
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The base64 body lines of a PEM file: none may show up in any output. */
export function pemBodyLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length >= 16 && !line.startsWith('-----'));
}

/** No secret in `text`: each one whole, and URL-encoded. */
export function expectNoSecrets(text: string, secrets: string[]): void {
  for (const secret of secrets) {
    expect(text, 'a secret was printed').not.toContain(secret);
    expect(text, 'a secret was printed (encoded)').not.toContain(encodeURIComponent(secret));
  }
}
