import type { ValidateOutput } from '@tollgate/shared';
import { InvalidInputError } from '../errors.js';
import { SUPPORTED_DIALECTS } from './dialects.js';
import { getValidator, validateDocument } from './json-schema.js';

/**
 * Sets the engines up (ajv compiles each dialect's metaschema, hyperjump loads its own) once per
 * thread, before the first task starts its budget: a fresh thread's first task is not charged.
 */
async function warmUp(): Promise<void> {
  for (const $schema of SUPPORTED_DIALECTS) await getValidator({ $schema, type: 'object', properties: { a: {} } });
  await getValidator({ type: 'object', unevaluatedProperties: false });
}
let warm: Promise<void> | undefined;

/** What the main thread asks a validation thread to do. */
export type ValidationWork =
  { kind: 'compile'; schema: unknown } | { kind: 'validate'; schema: unknown; documents: unknown[] };

/** The work and a flag the thread sets when it starts it. */
export type ValidationTask = ValidationWork & { started: Int32Array };

/** A refusal crosses the thread boundary as data (errors lose their class on the way). */
export type ValidationTaskResult =
  | { ok: true; outputs: ValidateOutput[] }
  | { ok: false; message: string; issues: Array<{ path: string; message: string }> };

/**
 * The body of a validation worker thread (piscina): compiles the schema (cached per thread) and
 * validates the documents. `started` tells the main thread when the task leaves the queue, so
 * its budget counts running time only.
 */
export default async function runValidationTask(task: ValidationTask): Promise<ValidationTaskResult> {
  warm ??= warmUp();
  await warm;
  Atomics.store(task.started, 0, 1);
  try {
    const validator = await getValidator(task.schema);
    if (task.kind === 'compile') return { ok: true, outputs: [] };
    return { ok: true, outputs: task.documents.map((document) => validateDocument(validator, document)) };
  } catch (error) {
    if (error instanceof InvalidInputError) return { ok: false, message: error.message, issues: [...error.issues] };
    throw error;
  }
}
