import type { StoredKey } from '../../counters/counter-store.js';
import type { KeyCredential } from '../../keys/api-key.js';
import type { Context } from '../context.js';
import type { Meta } from '../init.js';
import { consumeQuota } from './quota.js';
import { requireCompilableSchema } from './schema.js';

/**
 * The guard's admission of a call whose key was screened and whose input parsed: its JSON Schema
 * compiles when `meta.compilesSchema` (a 400 that consumes nothing otherwise), then one atomic
 * backend call authenticates the key and consumes a rate slot (and a daily job slot when
 * `meta.countsDailyJobQuota`). One step, used by the tRPC middleware and the direct call alike.
 * A call whose schema is compiled already and whose permit is local is admitted at once, without
 * a promise (it throws, rather than rejects, a refusal then).
 */
export function admitGuardedCall(
  ctx: Context & { credential: KeyCredential },
  input: unknown,
  meta: Meta | undefined,
): StoredKey | Promise<StoredKey> {
  const countsDaily = meta?.countsDailyJobQuota === true;
  const compiling =
    meta?.compilesSchema === true
      ? requireCompilableSchema(ctx, (input as { schema?: unknown } | undefined)?.schema)
      : undefined;
  return compiling === undefined
    ? consumeQuota(ctx, ctx.credential, countsDaily)
    : compiling.then(() => consumeQuota(ctx, ctx.credential, countsDaily));
}
