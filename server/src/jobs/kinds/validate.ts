import { UnrecoverableError } from 'bullmq';
import { validateJobDataSchema, type DocumentResult, type ValidationJobResult } from '@tollgate/shared';
import { InvalidInputError } from '../../errors.js';
import { getValidator, validateDocument, type CompiledSchema } from '../../validation/json-schema.js';
import { defineJobKind } from '../job-kind.js';

/** Progress is reported about this many times per job (each report is a Redis round trip). */
const PROGRESS_STEPS = 10;

async function compileOrFail(schema: unknown): Promise<CompiledSchema> {
  try {
    return await getValidator(schema);
  } catch (error) {
    // An invalid schema will be just as invalid on the next attempt.
    if (error instanceof InvalidInputError) throw new UnrecoverableError(error.message);
    throw error;
  }
}

/** Validates each document against the JSON Schema; one result per document, in order. */
export const validateKind = defineJobKind({
  name: 'validate',
  input: validateJobDataSchema,
  async handler({ schema, documents }, { reportProgress }): Promise<ValidationJobResult> {
    const validator = await compileOrFail(schema);
    const total = documents.length;
    const step = Math.max(1, Math.ceil(total / PROGRESS_STEPS));
    const results: DocumentResult[] = [];
    let valid = 0;
    for (const [index, document] of documents.entries()) {
      const outcome = validateDocument(validator, document);
      if (outcome.valid) valid += 1;
      results.push({ index, ...outcome });
      const done = index + 1;
      if (done % step === 0 && done < total) await reportProgress(Math.floor((done * 100) / total));
    }
    return { total, valid, invalid: total - valid, results };
  },
  summarize: ({ schema, documents }) => ({
    documents: documents.length,
    schemaBytes: Buffer.byteLength(JSON.stringify(schema)),
  }),
});
