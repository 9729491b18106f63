import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

/** Built entry points (`pnpm build` first). */
export const SERVER_ENTRY = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
export const WORKER_ENTRY = fileURLToPath(new URL('../../dist/worker.js', import.meta.url));

export interface ProcessOptions {
  entry?: string;
  env?: Record<string, string>;
  /** set PORT/HOST to a free loopback port (default true for the server entry) */
  listen?: boolean;
}

/**
 * A real Tollgate process (server or worker) started from the built entry with a clean
 * environment, in an empty working directory (no stray .env), with its output captured.
 */
export class TollgateProcess {
  readonly output: string[] = [];
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private readonly exited: Promise<void>;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly child: ChildProcess,
    readonly port: number | null,
  ) {
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') this.output.push(line);
      for (const wake of this.waiters) wake();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        for (const wake of this.waiters) wake();
        resolve();
      });
    });
  }

  static async start(options: ProcessOptions = {}): Promise<TollgateProcess> {
    const entry = options.entry ?? SERVER_ENTRY;
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`pnpm build\` first`);
    const listen = options.listen ?? entry === SERVER_ENTRY;
    const port = listen ? await freePort() : null;
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? tmpdir(),
      LOG_LEVEL: 'warn',
      ...(port === null ? {} : { PORT: String(port), HOST: '127.0.0.1' }),
      ...options.env,
    };
    const child = spawn(process.execPath, [entry], {
      env,
      cwd: mkdtempSync(join(tmpdir(), 'tollgate-proc-')),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new TollgateProcess(child, port);
  }

  get url(): string {
    if (this.port === null) throw new Error('process does not listen');
    return `http://127.0.0.1:${this.port}`;
  }

  get text(): string {
    return this.output.join('\n');
  }

  get hasExited(): boolean {
    return this.exitCode !== null || this.exitSignal !== null;
  }

  /** Resolves with the first output line matching `pattern`; rejects on exit or timeout. */
  async waitForLine(pattern: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const matches = (line: string) => (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line));
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.output.find(matches);
        if (line !== undefined) return done(() => resolve(line));
        if (this.hasExited) {
          return done(() =>
            reject(
              new Error(
                `process exited (${this.exitCode ?? this.exitSignal}) before ${String(pattern)}:\n${this.text}`,
              ),
            ),
          );
        }
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`timed out waiting for ${String(pattern)}:\n${this.text}`))),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Waits until the server listens (its `listening on` line). */
  async ready(timeoutMs = 20_000): Promise<this> {
    await this.waitForLine(/listening on|Worker started/, timeoutMs);
    return this;
  }

  /** Resolves with the exit code (null when killed by a signal). */
  async waitForExit(timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.exited,
      new Promise<void>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`process did not exit within ${timeoutMs} ms:\n${this.text}`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    return { code: this.exitCode, signal: this.exitSignal };
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.hasExited) this.child.kill(signal);
  }

  /** Kills the process (SIGKILL) if it still runs, and waits for it. */
  async destroy(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }
}
