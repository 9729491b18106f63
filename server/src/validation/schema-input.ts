import type { z } from 'zod';
import { jsonDepth, jsonSchemaSchema, MAX_JSON_DEPTH, validateInputSchema } from '@tollgate/shared';
import { InvalidInputError } from '../errors.js';
import { getValidator } from './json-schema.js';

function isSchemaShaped(value: unknown): boolean {
  return typeof value === 'boolean' || (typeof value === 'object' && value !== null && !Array.isArray(value));
}

/** `/a/b~1c` → ['a', 'b/c']; the root ('(root)' or '') → []. */
function pointerSegments(pointer: string): string[] {
  if (!pointer.startsWith('/')) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * A JSON Schema that compiles (its dialect by `$schema`, no remote $ref): checked while the input is parsed,
 * so an invalid schema is a BAD_REQUEST before any quota is touched. The compiled validator is
 * cached, so the procedure's own `getValidator` call finds it.
 */
export const compilableJsonSchema = jsonSchemaSchema.superRefine(async (schema, ctx) => {
  // Shape and depth problems are reported by jsonSchemaSchema itself.
  if (!isSchemaShaped(schema) || jsonDepth(schema, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return;
  try {
    await getValidator(schema);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const details = error.issues.length > 0 ? error.issues : [{ path: '(root)', message: error.message }];
    for (const issue of details) {
      ctx.addIssue({
        code: 'custom',
        path: pointerSegments(issue.path),
        message: `invalid JSON Schema: ${issue.message}`,
      });
    }
  }
});

/** Input of `validation.validate`: the shared schema, with the JSON Schema compiled up front. */
export const validateRequestSchema = validateInputSchema.extend({ schema: compilableJsonSchema });
export type ValidateRequest = z.infer<typeof validateRequestSchema>;
