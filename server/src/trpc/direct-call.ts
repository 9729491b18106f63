/**
 * Direct calls: a guarded procedure's steps as straight-line code, for the lean HTTP path.
 *
 * tRPC runs a procedure as a chain of middlewares, and at every level it copies the call's options
 * (and the context, when a level adds to it) with a spread helper: for a guarded procedure, seven
 * levels were the request path's largest cost after socket writes (BENCHMARKS.md, "What the
 * profile says"). `guardedMutation` (trpc.ts) builds the tRPC procedure from its declaration as
 * before — the stock adapter, `createCaller` and subscriptions use it — and registers here the same
 * steps, in the same order, calling the same step functions:
 *
 *   domain errors → screenKey → input (zod) → admitGuardedCall (schema compiles, quota) →
 *   cache (runCachedQuery) → resolver → output (zod)
 *
 * The lean handler runs a procedure's direct call when there is one; the errors thrown are the
 * ones the chain ends with, so its error shapes are tRPC's. test/http/trpc-lean.differential.test.ts
 * proves every guarded call equal on both paths (statuses, headers, bodies), and
 * test/http/direct-call.differential.test.ts the direct call against the chain on the same app.
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
import { screenedCredential } from './middleware/auth.js';
import { runCachedQuery } from './middleware/cache.js';
import { mappedDomainError } from './middleware/domain-errors.js';
import { admitGuardedCall } from './middleware/guard.js';
import { procedureInput, procedureOutput } from './procedure-steps.js';
import type { QueryCache } from './query-cache.js';

/** What a guarded procedure's resolver gets. */
export type GuardedContext = Context & { credential: KeyCredential; apiKey: StoredKey };

/**
 * What a guarded mutation takes and answers: its input and output schemas, or a cached query's
 * declaration, which holds them (one source for the chain and the direct call alike).
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

/** Registers the straight-line form of a guarded procedure built from `declaration` and `resolve`. */
export function registerGuardedCall<TInput extends z.ZodType, TOutput extends z.ZodType>(
  procedure: AnyTRPCProcedure,
  declaration: GuardedDeclaration<TInput, TOutput>,
  resolve: GuardedResolver<TInput, TOutput>,
): void {
  const { cache, meta } = declaration;
  const { input: inputSchema, output: outputSchema } = cache ?? declaration;

  const resolveAndCheck = async (ctx: GuardedContext, input: z.output<TInput>): Promise<unknown> => {
    const output = procedureOutput(outputSchema, await resolve({ ctx, input }));
    return output instanceof Promise ? await output : output;
  };

  directCalls.set(procedure, async function directCall(ctx, path, getRawInput, batchIndex) {
    try {
      const screening = screenedCredential(ctx);
      const credential = screening instanceof Promise ? await screening : screening;
      const rawInput = await getRawInput();
      const parsing = procedureInput(inputSchema, rawInput);
      const input = parsing instanceof Promise ? await parsing : parsing;
      const screened = { ...ctx, credential };
      const callCtx: GuardedContext = { ...screened, apiKey: await admitGuardedCall(screened, input, meta) };
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
