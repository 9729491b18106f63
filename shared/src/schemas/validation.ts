import { z } from 'zod';
import { boundedJsonSchema } from './common.js';

/** A JSON Schema (draft 2020-12): an object or a boolean schema. */
export const jsonSchemaSchema = boundedJsonSchema.refine(
  (value) => typeof value === 'boolean' || (typeof value === 'object' && value !== null && !Array.isArray(value)),
  { message: 'schema must be a JSON Schema object or boolean' },
);

export const validationErrorSchema = z.object({ path: z.string(), message: z.string() });
export type ValidationError = z.infer<typeof validationErrorSchema>;

/** At most this many errors are reported per document. */
export const MAX_ERRORS_PER_DOCUMENT = 20;

export const validateInputSchema = z.object({
  schema: jsonSchemaSchema,
  document: boundedJsonSchema,
});
export type ValidateInput = z.infer<typeof validateInputSchema>;

export const validateOutputSchema = z.object({
  valid: z.boolean(),
  errors: z.array(validationErrorSchema),
});
export type ValidateOutput = z.infer<typeof validateOutputSchema>;
