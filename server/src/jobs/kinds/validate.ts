import { UnrecoverableError } from 'bullmq';
import { validateJobDataSchema, type ValidationJobResult } from '@tollgate/shared';
import { BudgetExceededError, InvalidInputError } from '../../errors.js';
import type { ValidationService } from '../../validation/validation-service.js';
import { defineJobKind, type JobRunner } from '../job-kind.js';

/**
 * Validates each document against the JSON Schema; one result per document, in order. The work
 * runs on the validation threads within JOB_BUDGET_MS, so the worker's event loop stays free to
 * renew the job's lock; a job over budget fails for good, naming the budget.
 */
export function validateKind(validation: ValidationService): JobRunner {
  return defineJobKind({
    name: 'validate',
    input: validateJobDataSchema,
    async handler({ schema, documents }, { reportProgress }): Promise<ValidationJobResult> {
      const total = documents.length;
      let outputs;
      try {
        outputs = await validation.validateJob(schema, documents, (done) =>
          reportProgress(Math.floor((done * 100) / total)),
        );
      } catch (error) {
        // An invalid schema or an over-budget job would be just the same on the next attempt.
        if (error instanceof InvalidInputError || error instanceof BudgetExceededError) {
          throw new UnrecoverableError(error.message);
        }
        throw error;
      }
      const results = outputs.map((output, index) => ({ index, ...output }));
      const valid = results.filter((result) => result.valid).length;
      return { total, valid, invalid: total - valid, results };
    },
    summarize: ({ schema, documents }) => ({
      documents: documents.length,
      schemaBytes: Buffer.byteLength(JSON.stringify(schema)),
    }),
  });
}
