import { validateInputSchema, validateOutputSchema } from '@tollgate/shared';
import { runsInline } from '../../validation/inline-policy.js';
import { defineQueryCache } from '../query-cache.js';

/** How long a validation answer is kept: it depends on the schema and the document alone. */
export const VALIDATION_TTL_SEC = 3600;

/**
 * `validation.validate`, content-addressed: the key is the digest of the canonical (schema,
 * document) pair, shared by every caller (`public`: the answer depends on the content alone; the
 * call is still guarded and counted per key). Only pairs validated off the event loop are cached:
 * a small schema without references and a small document validate inline in microseconds, less
 * than a cache round trip. A mutation over POST: cached server-side, no HTTP cache headers.
 */
export const validationCache = defineQueryCache({
  path: 'validation.validate',
  input: validateInputSchema,
  output: validateOutputSchema,
  scope: 'public',
  ttlSec: VALIDATION_TTL_SEC,
  worthCaching: (input) => !runsInline(input.schema, input.document),
});
