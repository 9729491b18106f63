import { TRPCError } from '@trpc/server';
import { BudgetExceededError, InvalidInputError } from '../../errors.js';
import type { KeyCredential } from '../../keys/api-key.js';
import type { Context } from '../context.js';
import { consumeQuota } from './quota.js';

/** `/a/b~1c` → `schema.a.b/c`; the root (`(root)` or '') → `schema`: the shape of zod's issue paths. */
function inputPath(pointer: string): string {
  if (!pointer.startsWith('/')) return 'schema';
  const segments = pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
  return ['schema', ...segments].join('.');
}

/**
 * The call's JSON Schema compiles (inline when cheap, else on a validation thread): checked after
 * the input is parsed and before the guard, so a refused schema is a 400 that consumes nothing.
 * A compilation over VALIDATION_BUDGET_MS is a 422 and counts against the rate limit, like any
 * admitted call.
 */
export function requireCompilableSchema(
  ctx: Context & { credential: KeyCredential },
  schema: unknown,
): Promise<void> | undefined {
  // undefined: compiled already (the common case), nothing to wait for
  return ctx.deps.validation.compile(schema)?.catch((error: unknown) => refusedSchema(ctx, error));
}

/** What a schema that failed to compile becomes: a 400 naming its path, or a 422 that counts. */
async function refusedSchema(ctx: Context & { credential: KeyCredential }, error: unknown): Promise<never> {
  if (error instanceof InvalidInputError) {
    const issues = error.issues.map((issue) => ({ path: inputPath(issue.path), message: issue.message }));
    throw new InvalidInputError(error.message, issues);
  }
  if (error instanceof BudgetExceededError) {
    await consumeQuota(ctx, ctx.credential, false);
    throw new TRPCError({ code: 'UNPROCESSABLE_CONTENT', message: error.message, cause: error });
  }
  throw error;
}
