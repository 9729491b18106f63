import { validateOutputSchema } from '@tollgate/shared';
import { getValidator, validateDocument } from '../../validation/json-schema.js';
import { validateRequestSchema } from '../../validation/schema-input.js';
import { guardedProcedure, router } from '../trpc.js';

export const validationRouter = router({
  /** Validates one document against a JSON Schema (any supported dialect). Guarded: one rate slot. */
  validate: guardedProcedure(validateRequestSchema)
    .output(validateOutputSchema)
    .mutation(async ({ input }) => validateDocument(await getValidator(input.schema), input.document)),
});
