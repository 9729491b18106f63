import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ValidateOutput } from '@tollgate/shared';
import { BudgetExceededError, InvalidInputError } from '../errors.js';
import type { ValidationTask, ValidationTaskResult, ValidationWork } from './validation-thread.js';

export interface ValidationPoolOptions {
  threads: number;
}

/** How often a queued task is checked for having started (its budget starts then). */
const START_POLL_MS = 5;

/**
 * The thread entry: the built `.js` beside this file; running from the TypeScript sources (tests,
 * `pnpm dev`, the bench), a shim that loads them through tsx.
 */
function threadEntry(): string {
  const built = fileURLToPath(new URL('./validation-thread.js', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('./validation-thread.dev.mjs', import.meta.url));
}

/**
 * Worker threads that compile schemas and validate documents off the event loop. Each task has a
 * time budget counted from the moment a thread starts it: a task over budget is aborted, piscina
 * terminates its thread (synchronous code cannot be interrupted otherwise) and starts a new one.
 */
export class ValidationPool {
  private pool: Piscina<ValidationTask, ValidationTaskResult> | undefined;

  constructor(private readonly options: ValidationPoolOptions) {}

  /** Threads are started on first use: a process that never validates off-thread pays nothing. */
  private get threads(): Piscina<ValidationTask, ValidationTaskResult> {
    this.pool ??= new Piscina({
      filename: threadEntry(),
      minThreads: 1,
      maxThreads: this.options.threads,
      idleTimeout: 60_000,
    });
    return this.pool;
  }

  /** Share of the threads' time spent running tasks (0–1), for metrics. */
  get utilization(): number {
    return this.pool?.utilization ?? 0;
  }

  get queued(): number {
    return this.pool?.queueSize ?? 0;
  }

  compile(schema: unknown, budget: Budget): Promise<void> {
    return this.run({ kind: 'compile', schema }, budget).then(() => undefined);
  }

  validate(schema: unknown, documents: unknown[], budget: Budget): Promise<ValidateOutput[]> {
    return this.run({ kind: 'validate', schema, documents }, budget);
  }

  private async run(work: ValidationWork, budget: Budget) {
    const started = new Int32Array(new SharedArrayBuffer(4));
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const armWhenStarted = () => {
      timer =
        Atomics.load(started, 0) === 1
          ? setTimeout(() => controller.abort(), budget.ms)
          : setTimeout(armWhenStarted, START_POLL_MS);
    };
    armWhenStarted();
    try {
      const result = await this.threads.run({ ...work, started }, { signal: controller.signal });
      if (!result.ok) throw new InvalidInputError(result.message, result.issues);
      return result.outputs;
    } catch (error) {
      if (controller.signal.aborted) throw new BudgetExceededError(budget.name, budget.ms, budget.what);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}

/** A task's time budget and the setting that sets it (named in the error). */
export interface Budget {
  name: BudgetExceededError['budget'];
  ms: number;
  what?: string;
}
