import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ValidateOutput } from '@tollgate/shared';
import { asError, BudgetExceededError } from '../errors.js';
import { isSmallDocument, runsInline, schemaCompilesInline } from './inline-policy.js';
import { cachedValidator, getValidator, validateDocument } from './json-schema.js';
import { ValidationPool } from './validation-pool.js';

export interface ValidationServiceOptions {
  /** VALIDATION_THREADS */
  threads: number;
  /** VALIDATION_BUDGET_MS: one call's validation, or one schema's compilation */
  budgetMs: number;
  /** JOB_BUDGET_MS: one job's documents */
  jobBudgetMs: number;
}

export interface ValidationStats {
  threads: number;
  utilization: number;
  queued: number;
}

/**
 * Compiles and validates without ever blocking the event loop for long: cheap work (see
 * inline-policy.ts) runs inline, the rest on worker threads under a time budget. Rejects with
 * InvalidInputError (a 400) for a schema refused, BudgetExceededError (a 422) for work stopped.
 */
export interface ValidationService {
  /**
   * Checks that a schema compiles (the compiled validator is cached where it will run):
   * undefined when it is compiled already, else a promise settled once it is, rejected if not.
   */
  compile(schema: unknown): Promise<void> | undefined;
  validate(schema: unknown, document: unknown): Promise<ValidateOutput>;
  /** A job's documents, in chunks on the threads, within JOB_BUDGET_MS; `onProgress` after each chunk. */
  validateJob(
    schema: unknown,
    documents: unknown[],
    onProgress?: (done: number) => Promise<void>,
  ): Promise<ValidateOutput[]>;
  stats(): ValidationStats;
  close(): Promise<void>;
}

/** A job's documents go to the threads in about this many chunks (each a progress report). */
const JOB_CHUNKS = 10;
/** Inline job validation gives the event loop back this often (lock renewal, other jobs). */
const INLINE_SLICE_MS = 20;

/**
 * A job whose schema and every document are cheap (inline-policy.ts) runs on the event loop in
 * slices of INLINE_SLICE_MS, each document's cost bounded by construction: no thread hop, no
 * copy of the documents, and the loop is never held for long.
 */
async function validateJobInline(
  schema: unknown,
  documents: unknown[],
  deadline: number,
  budgetMs: number,
  onProgress: ((done: number) => Promise<void>) | undefined,
): Promise<ValidateOutput[]> {
  const validator = await getValidator(schema);
  const outputs: ValidateOutput[] = [];
  const step = Math.max(1, Math.ceil(documents.length / JOB_CHUNKS));
  let sliceStarted = Date.now();
  for (const document of documents) {
    outputs.push(validateDocument(validator, document));
    if (Date.now() - sliceStarted >= INLINE_SLICE_MS) {
      if (Date.now() > deadline) throw new BudgetExceededError('JOB_BUDGET_MS', budgetMs, 'The job');
      await yieldToEventLoop();
      sliceStarted = Date.now();
    }
    if (outputs.length % step === 0 && outputs.length < documents.length) await onProgress?.(outputs.length);
  }
  return outputs;
}

export function createValidationService(options: ValidationServiceOptions): ValidationService {
  const pool = new ValidationPool({ threads: options.threads });
  const callBudget = { name: 'VALIDATION_BUDGET_MS', ms: options.budgetMs } as const;

  return {
    compile(schema) {
      try {
        if (!schemaCompilesInline(schema)) {
          return pool.compile(schema, { ...callBudget, what: 'Compiling the schema' }).then(() => undefined);
        }
        return cachedValidator(schema) === undefined ? getValidator(schema).then(() => undefined) : undefined;
      } catch (error) {
        return Promise.reject(asError(error));
      }
    },

    async validate(schema, document) {
      if (runsInline(schema, document)) {
        return validateDocument(cachedValidator(schema) ?? (await getValidator(schema)), document);
      }
      const [output] = await pool.validate(schema, [document], callBudget);
      return output!;
    },

    async validateJob(schema, documents, onProgress) {
      const deadline = Date.now() + options.jobBudgetMs;
      if (schemaCompilesInline(schema) && documents.every((document) => isSmallDocument(document))) {
        return validateJobInline(schema, documents, deadline, options.jobBudgetMs, onProgress);
      }
      const size = Math.max(1, Math.ceil(documents.length / JOB_CHUNKS));
      const outputs: ValidateOutput[] = [];
      for (let start = 0; start < documents.length; start += size) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new BudgetExceededError('JOB_BUDGET_MS', options.jobBudgetMs, 'The job');
        const chunk = documents.slice(start, start + size);
        const budget = { name: 'JOB_BUDGET_MS', ms: remaining, what: 'The job' } as const;
        try {
          outputs.push(...(await pool.validate(schema, chunk, budget)));
        } catch (error) {
          // Name the whole budget, not what was left of it.
          if (error instanceof BudgetExceededError)
            throw new BudgetExceededError('JOB_BUDGET_MS', options.jobBudgetMs, 'The job');
          throw error;
        }
        if (outputs.length < documents.length) await onProgress?.(outputs.length);
      }
      return outputs;
    },

    stats() {
      return { threads: options.threads, utilization: pool.utilization, queued: pool.queued };
    },

    close() {
      return pool.close();
    },
  };
}
