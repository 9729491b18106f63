/**
 * Direct calls: a procedure's steps as straight-line code, for the lean HTTP path.
 *
 * tRPC runs a procedure as a chain of middlewares, and at every level it copies the call's options
 * (and the context, when a level adds to it) with a spread helper: for a guarded procedure, seven
 * levels were the request path's largest cost after socket writes (BENCHMARKS.md, "What the
 * profile says"). `guardedMutation` and `keyQuery` (trpc.ts) build the tRPC procedure from its
 * declaration as before — the stock adapter, `createCaller` and subscriptions use it — and
 * register here the same steps, in the same order, calling the same step functions:
 *
 *   guarded: domain errors → screenKey → input (zod) → admitGuardedCall (schema compiles, quota) →
 *            cache (runCachedQuery) → resolver → output (zod)
 *   key:     domain errors → authenticateKey → input (zod) → cache (runCachedQuery) → resolver →
 *            output (zod)
 *
 * The lean handler runs a procedure's direct call when there is one; the errors thrown are the
 * ones the chain ends with, so its error shapes are tRPC's. test/http/trpc-lean.differential.test.ts
 * proves every guarded call equal on both paths (statuses, headers, bodies), and
 * test/http/direct-call.differential.test.ts the direct calls against the chain on the same app.
 * With OpenTelemetry on, calls take the chain (its first middleware opens the call's span).
 */
import { getTRPCErrorFromUnknown, type TRPCError, type AnyTRPCProcedure } from '@trpc/server';
import { type z } from 'zod';
import type { StoredKey } from '../counters/counter-store.js';
import type { KeyCredential } from '../keys/api-key.js';
import { isStarted } from '../telemetry/state.js';
import type { DirectCallOf } from '../http/trpc-lean-handler.js';
import type { Context } from './context.js';
import type { Meta } from './init.js';
import { authenticatedKey, screenedCredential } from './middleware/auth.js';
import { runCachedQuery } from './middleware/cache.js';
import { mappedDomainError } from './middleware/domain-errors.js';
import { admitGuardedCall } from './middleware/guard.js';
import { procedureInput, procedureOutput } from './procedure-steps.js';
import type { QueryCache } from './query-cache.js';

/** What the resolver of a guarded or key procedure gets. */
export type GuardedContext = Context & { credential: KeyCredential; apiKey: StoredKey };

/**
 * What a guarded mutation or a key query takes and answers: its input and output schemas, or a
 * cached query's declaration, which holds them (one source for the chain and the direct call alike).
 */
export type GuardedDeclaration<TInput extends z.ZodType, TOutput extends z.ZodType> =
  | { input: TInput; output: TOutput; meta?: Meta; cache?: undefined }
  | { cache: QueryCache<TInput, TOutput>; meta?: Meta };

export type GuardedResolver<TInput extends z.ZodType, TOutput extends z.ZodType> = (opts: {
  ctx: GuardedContext;
  input: z.output<TInput>;
}) => Promise<z.input<TOutput>>;

/** One call: the procedure's answer, or the TRPCError the middleware chain would end with. */
export type DirectCall = DirectCallOf<Context>;

const directCalls = new WeakMap<AnyTRPCProcedure, DirectCall>();

/** The direct call of `procedure`, if it has one and OpenTelemetry is off. */
export function directCallOf(procedure: AnyTRPCProcedure): DirectCall | undefined {
  return isStarted() ? undefined : directCalls.get(procedure);
}

type Outcome = { ok: true; data: unknown } | { ok: false; error: TRPCError };

/** The caller found before the input is parsed: a screened credential, or an authenticated key. */
type Caller = KeyCredential | { credential: KeyCredential; apiKey: StoredKey };

/** Who calls, found before the input is parsed; then, for a guarded call, its admission. */
interface Access {
  identify: (ctx: Context) => Caller | Promise<Caller>;
  admit?: (ctx: CallContext, input: unknown, meta: Meta | undefined) => StoredKey | Promise<StoredKey>;
}

const ACCESS = {
  /** guardedProcedure's: the key screened, then the schema check and the quota */
  guarded: { identify: screenedCredential, admit: admitGuardedCall },
  /** keyProcedure's: the key authenticated */
  key: { identify: authenticatedKey },
} satisfies Record<string, Access>;

type CallContext = Context & { credential: KeyCredential; apiKey: StoredKey | undefined };

/**
 * The call's context: `ctx` and its caller, a new object as each middleware's `next({ ctx })`
 * makes, written out field by field — two object spreads here were a guarded call's costliest
 * line (7 µs: V8 copies a spread of a spread through its runtime). `apiKey` is set once admitted.
 */
function callContext(ctx: Context, caller: Caller): CallContext {
  const identified = 'credential' in caller;
  return {
    deps: ctx.deps,
    req: ctx.req,
    res: ctx.res,
    bearer: ctx.bearer,
    cache: ctx.cache,
    credential: identified ? caller.credential : caller,
    apiKey: identified ? caller.apiKey : undefined,
  };
}

/**
 * Registers the straight-line form of the procedure built from `declaration` and `resolve` behind
 * `access`: a guarded procedure's (guardedMutation) or a key procedure's (keyQuery).
 */
export function registerDirectCall<TInput extends z.ZodType, TOutput extends z.ZodType>(
  procedure: AnyTRPCProcedure,
  access: keyof typeof ACCESS,
  declaration: GuardedDeclaration<TInput, TOutput>,
  resolve: GuardedResolver<TInput, TOutput>,
): void {
  const { identify, admit } = ACCESS[access] as Access;
  const { cache, meta } = declaration;
  const { input: inputSchema, output: outputSchema } = cache ?? declaration;

  const resolveAndCheck = async (ctx: GuardedContext, input: z.output<TInput>): Promise<unknown> => {
    const output = procedureOutput(outputSchema, await resolve({ ctx, input }));
    return output instanceof Promise ? await output : output;
  };

  directCalls.set(procedure, async function directCall(ctx, path, getRawInput, batchIndex) {
    try {
      const identifying = identify(ctx);
      const caller = identifying instanceof Promise ? await identifying : identifying;
      const rawInput = await getRawInput();
      const parsing = procedureInput(inputSchema, rawInput);
      const input = parsing instanceof Promise ? await parsing : parsing;
      const context = callContext(ctx, caller);
      if (admit !== undefined) {
        const admitting = admit(context, input, meta);
        context.apiKey = admitting instanceof Promise ? await admitting : admitting;
      }
      const callCtx = context as GuardedContext;
      if (cache === undefined) return await resolveAndCheck(callCtx, input);
      const next = async (): Promise<Outcome> => {
        try {
          return { ok: true, data: await resolveAndCheck(callCtx, input) };
        } catch (cause) {
          return { ok: false, error: getTRPCErrorFromUnknown(cause) };
        }
      };
      const outcome = await runCachedQuery<Outcome>(cache, { ctx: callCtx, path, input, batchIndex, next });
      if (!outcome.ok) throw outcome.error;
      return outcome.data;
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      throw mappedDomainError(error) ?? error;
    }
  });
}
