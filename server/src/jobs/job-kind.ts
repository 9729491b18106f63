import type { z } from 'zod';
import type { JobInputSummary } from '@tollgate/shared';
import { UnrecoverableError } from 'bullmq';

/** What a running job can tell the queue. */
export interface JobContext {
  /** 0–100; clamped by the queue */
  readonly reportProgress: (percent: number) => Promise<void>;
}

/**
 * A kind of background job: a name, the zod schema of its data (from `shared/`) and a pure
 * handler. A handler throws `UnrecoverableError` for input that can never succeed (no retries).
 */
export interface JobKind<TData, TResult> {
  readonly name: string;
  readonly input: z.ZodType<TData>;
  readonly handler: (data: TData, context: JobContext) => Promise<TResult>;
  /** What admins may see of the input (sizes, counts): never the data itself */
  readonly summarize?: (data: TData) => Omit<JobInputSummary, 'kind'>;
}

/** A kind with its types erased, as the queues run it: data is parsed before the handler sees it. */
export interface JobRunner {
  readonly name: string;
  run(data: unknown, context: JobContext): Promise<unknown>;
  summarize(data: unknown): JobInputSummary;
}

/** Ties a kind's handler to its schema and erases the types for the registry. */
export function defineJobKind<TData, TResult>(kind: JobKind<TData, TResult>): JobRunner {
  return {
    name: kind.name,
    async run(data, context) {
      const parsed = kind.input.safeParse(data);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
        throw new UnrecoverableError(`Invalid data for job kind '${kind.name}': ${detail.join('; ')}`);
      }
      return kind.handler(parsed.data, context);
    },
    summarize(data) {
      const parsed = kind.input.safeParse(data);
      return {
        kind: kind.name,
        ...(parsed.success && kind.summarize !== undefined ? kind.summarize(parsed.data) : {}),
      };
    },
  };
}

/** True for errors that must fail a job at once (BullMQ compares the name too). */
export function isUnrecoverable(error: unknown): boolean {
  return error instanceof Error && (error instanceof UnrecoverableError || error.name === 'UnrecoverableError');
}
