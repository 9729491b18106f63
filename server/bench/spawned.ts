import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SpawnOptions {
  /** label in messages, and the name of its log file */
  name: string;
  /** arguments of `node` (the script first) */
  args: string[];
  /** the whole environment of the child (PATH and HOME are added) */
  env: Record<string, string>;
  /** where its output goes (`<dir>/<name>.log`), also its working directory (no stray `.env`) */
  dir: string;
  /** the output line that says it is ready */
  ready: RegExp;
  readyTimeoutMs?: number;
}

export interface Memory {
  /** VmRSS, MB */
  rssMb: number;
  /** VmHWM (peak RSS so far), MB */
  peakMb: number;
}

/** Processes the bench started and has not stopped: killed if the bench exits first. */
const live = new Set<number>();
let exitHookInstalled = false;

/**
 * Kills `pid` when the bench exits, however it exits (an error, Ctrl-C, SIGTERM from a test
 * runner), so that no contender or Redis outlives it. `forget` undoes it.
 */
export function killOnExit(pid: number | undefined): { forget(): void } {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const child of live) {
        try {
          process.kill(child, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  }
  if (pid !== undefined) live.add(pid);
  return { forget: () => pid !== undefined && live.delete(pid) };
}

/**
 * A contender the bench started as its own `node` process. Its output goes to a file, not a pipe:
 * a server that logs every request must never wait for the bench to read, nor make it spend CPU.
 */
export class Spawned {
  private exited = false;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    const registration = killOnExit(child.pid);
    child.once('exit', () => {
      this.exited = true;
      registration.forget();
    });
  }

  static async start(options: SpawnOptions): Promise<Spawned> {
    const logFile = join(options.dir, `${options.name}.log`);
    const output = openSync(logFile, 'w');
    const child = spawn(process.execPath, options.args, {
      cwd: options.dir,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? options.dir, ...options.env },
      stdio: ['ignore', output, output],
    });
    closeSync(output);
    const started = new Spawned(options.name, child, logFile);
    await started.waitForLine(options.ready, options.readyTimeoutMs ?? 20_000);
    return started;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The last lines of its output, for error messages. */
  tail(lines = 20): string {
    if (!existsSync(this.logFile)) return '';
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (pattern.test(readFileSync(this.logFile, 'utf8'))) return;
      if (this.exited) throw new Error(`${this.name} exited before printing ${String(pattern)}:\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not print ${String(pattern)}:\n${this.tail()}`);
      await sleep(25);
    }
  }

  /** Its resident memory now and at its peak, from /proc (undefined where there is none). */
  memory(): Memory | undefined {
    const path = `/proc/${this.pid}/status`;
    if (this.exited || !existsSync(path)) return undefined;
    const status = readFileSync(path, 'utf8');
    const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kB('VmRSS') / 1024, peakMb: kB('VmHWM') / 1024 };
  }

  /**
   * CPU time it has used so far (user + system), microseconds, from /proc (undefined where there is
   * none). /proc counts in clock ticks of 1/100 s (USER_HZ, 100 on every Linux Node.js runs on):
   * over a round of thousands of calls, far finer than the figures it is divided into.
   */
  cpuMicros(): number | undefined {
    const path = `/proc/${this.pid}/stat`;
    if (this.exited || !existsSync(path)) return undefined;
    // Fields after the command name (which may hold spaces), from its closing parenthesis: state is
    // field 3, utime and stime fields 14 and 15.
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return;
    const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exit;
    clearTimeout(timer);
  }
}
