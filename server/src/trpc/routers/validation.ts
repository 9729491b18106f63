import { guardedMutation, router } from '../trpc.js';
import { validationCache } from './validation-cache.js';

export const validationRouter = router({
  /**
   * Validates one document against a JSON Schema (any supported dialect). Guarded: one rate slot,
   * cache hits included. Expensive work runs on a validation thread within VALIDATION_BUDGET_MS
   * (else 422); its answers are cached by content (validation-cache.ts).
   */
  validate: guardedMutation({ cache: validationCache, meta: { compilesSchema: true } }, ({ ctx, input }) =>
    ctx.deps.validation.validate(input.schema, input.document),
  ),
});
