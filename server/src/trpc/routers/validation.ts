import { validateInputSchema, validateOutputSchema } from '@tollgate/shared';
import { guardedProcedure, router } from '../trpc.js';

export const validationRouter = router({
  /**
   * Validates one document against a JSON Schema (any supported dialect). Guarded: one rate slot.
   * Expensive work runs on a validation thread within VALIDATION_BUDGET_MS (else 422).
   */
  validate: guardedProcedure(validateInputSchema, { compilesSchema: true })
    .output(validateOutputSchema)
    .mutation(({ ctx, input }) => ctx.deps.validation.validate(input.schema, input.document)),
});
