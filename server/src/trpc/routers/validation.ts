import { validateOutputSchema } from '@tollgate/shared';
import { getValidator, validateDocument } from '../../validation/json-schema.js';
import { validateRequestSchema } from '../../validation/schema-input.js';
import { guardedProcedure, router } from '../trpc.js';

export const validationRouter = router({
  /** Validates one document against a JSON Schema (draft 2020-12). Guarded: one rate slot. */
  validate: guardedProcedure(validateRequestSchema)
    .output(validateOutputSchema)
    .mutation(({ input }) => validateDocument(getValidator(input.schema), input.document)),
});
