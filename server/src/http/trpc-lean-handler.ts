/**
 * The lean tRPC request path: queries and mutations (single or `?batch=1`, GET with `?input=`,
 * POST with a JSON body) call the router directly, without the stock adapter's per-call Fetch
 * `Request`/`Response`, `AbortSignal.any` and web streams, and answer exactly what the stock
 * adapter answers: statuses (207 for a mixed batch), envelopes, `vary`, method rules, messages.
 * test/http/trpc-lean.differential.test.ts proves it call by call against the stock adapter.
 *
 * Everything else is declined (`false`, the request untouched) and served by the stock handler:
 * subscriptions (SSE), `trpc-accept`/`application/jsonl` streaming, HEAD and other methods,
 * multipart/octet-stream/text bodies, `connectionParams`, a batch mixing queries and mutations.
 *
 * It relies on tRPC's public API only (@trpc/server 11.19), so an upgrade breaks it loudly:
 * - `@trpc/server`: `callTRPCProcedure` (a procedure's middleware chain), `getTRPCErrorShape`
 *   (the router's errorFormatter), `getTRPCErrorFromUnknown`, `transformTRPCResponse`,
 *   `TRPCError`, and the router's typed `_def`: `procedures` (the flat path → procedure table
 *   stock looks up too), `_config` (what getTRPCErrorShape/transformTRPCResponse take), `lazy`
 *   (must be empty: lazy sub-routers are refused at start-up);
 * - `@trpc/server/http`: `getHTTPStatusCode` (200, the calls' shared status, or 207).
 * The rest mirrors the JSON branch of tRPC's `resolveResponse` (method rules and their
 * messages, lazy memoised input parsing, stream-like results refused with 415, `vary`).
 * On purpose, procedures get no abort `signal` (no query or mutation of ours reads one).
 * Cached queries over GET get their caching headers and 304s from trpc-http-cache.ts (the stock
 * path has none of that).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  transformTRPCResponse,
  TRPCError,
  type AnyTRPCProcedure,
  type AnyTRPCRootTypes,
  type AnyTRPCRouter,
  type TRPCErrorShape,
  type TRPCProcedureType,
  type TRPCRootConfig,
} from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
import type { TRPCResponse } from '@trpc/server/rpc';
import { applyHttpCaching } from './trpc-http-cache.js';

export interface LeanErrorInfo<TContext> {
  error: TRPCError;
  path: string | undefined;
  input: unknown;
  ctx: TContext | undefined;
  type: TRPCProcedureType | 'unknown';
  req: FastifyRequest;
}

export interface LeanHandlerOptions<TContext> {
  router: AnyTRPCRouter;
  createContext: (req: FastifyRequest, res: FastifyReply) => TContext;
  onError?: (info: LeanErrorInfo<TContext>) => void;
  /**
   * A procedure's direct call (trpc/direct-call.ts): the same steps as its middleware chain in
   * straight-line code, run instead of `callTRPCProcedure` when there is one.
   */
  directCallOf?: (procedure: AnyTRPCProcedure) => DirectCallOf<TContext> | undefined;
}

export type DirectCallOf<TContext> = (
  ctx: TContext,
  path: string,
  getRawInput: () => Promise<unknown>,
  batchIndex: number,
) => Promise<unknown>;

/** Answers the call and resolves true, or resolves false without touching the request. */
export type LeanHandler = (req: FastifyRequest, reply: FastifyReply, path: string) => Promise<boolean>;

type Outcome = [error: TRPCError, data: undefined] | [error: undefined, data: unknown];

/** tRPC's own test of "an object": not null, not an array. */
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isAsyncIterable = (value: unknown) => isObject(value) && Symbol.asyncIterator in value;
const isPromise = (value: unknown) =>
  (isObject(value) || typeof value === 'function') &&
  typeof (value as { then?: unknown }).then === 'function' &&
  typeof (value as { catch?: unknown }).catch === 'function';
/** A result only httpBatchStreamLink could carry: stock answers it with 415. */
const isDataStream = (value: unknown) =>
  isObject(value) && (isAsyncIterable(value) || Object.values(value).some((v) => isPromise(v) || isAsyncIterable(v)));

/** The reply serializer of a payload that is already JSON text. */
const asIs = (payload: unknown) => payload as string;

const STREAM_ERROR = 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink';

export function createLeanTRPCHandler<TContext>(opts: LeanHandlerOptions<TContext>): LeanHandler {
  const { router, createContext, onError, directCallOf } = opts;
  if (Object.keys(router._def.lazy).length > 0)
    throw new Error('the lean tRPC handler needs a router without lazy routers');
  const procedures = router._def.procedures as Record<string, AnyTRPCProcedure | undefined>;
  const config = router._def._config as TRPCRootConfig<AnyTRPCRootTypes>;
  const deserialize = (value: unknown): unknown => config.transformer.input.deserialize(value);
  // Without a transformer tRPC's serializer hands back what it gets: transformTRPCResponse would
  // only copy every item (with a spread helper), so the items go out as they are.
  const probe = {};
  const serializes = config.transformer.output.serialize(probe) !== probe;

  return async function handleLean(req, reply, rawPath) {
    const { method, headers } = req;
    if (method !== 'GET' && method !== 'POST') return false;
    if (headers['trpc-accept'] !== undefined || headers.accept?.includes('application/jsonl') === true) return false;
    const contentType = headers['content-type'];
    if (contentType === undefined ? method === 'POST' : !contentType.startsWith('application/json')) return false;
    const body = req.body;
    if (method === 'POST' && typeof body !== 'string') return false;
    const queryAt = req.url.indexOf('?');
    const search = queryAt === -1 ? null : new URLSearchParams(req.url.slice(queryAt + 1));
    if (search?.has('connectionParams') === true) return false;
    let path: string;
    try {
      path = rawPath.includes('%') ? decodeURIComponent(rawPath) : rawPath;
    } catch {
      return false;
    }
    const isBatch = search?.get('batch') === '1';
    const paths = isBatch ? path.split(',') : [path];
    const procs = paths.map((p) => procedures[p]);
    let type: 'query' | 'mutation' | 'unknown' = 'unknown';
    for (const proc of procs) {
      const procType = proc?._def.type;
      if (procType === undefined) continue;
      if (procType === 'subscription' || (type !== 'unknown' && procType !== type)) return false;
      type = procType;
    }

    // Inputs are parsed on the first call that reads them, once, as stock does (a procedure
    // refused before its `.input()` never parses; malformed JSON is a 400 per reading call).
    let inputs: Record<number, unknown> | undefined;
    let inputError: TRPCError | undefined;
    const readInputs = (): Record<number, unknown> => {
      if (inputs !== undefined) return inputs;
      if (inputError !== undefined) throw inputError;
      try {
        // GET: an absent or empty `input` is no input; POST: the body is JSON, even when empty.
        const text = method === 'GET' ? search?.get('input') || undefined : (body as string);
        // Request.json() (stock) drops a UTF-8 byte order mark; JSON.parse does not.
        const raw: unknown = text === undefined ? undefined : JSON.parse(text.replace(/^\uFEFF/, ''));
        const parsed: Record<number, unknown> = {};
        if (raw !== undefined && !isBatch) parsed[0] = deserialize(raw);
        else if (raw !== undefined) {
          if (!isObject(raw))
            throw new TRPCError({
              code: 'BAD_REQUEST',
              message: '"input" needs to be an object when doing a batch call',
            });
          for (const index of paths.keys()) if (raw[index] !== undefined) parsed[index] = deserialize(raw[index]);
        }
        return (inputs = parsed);
      } catch (cause) {
        inputError =
          cause instanceof TRPCError
            ? cause
            : new TRPCError({
                code: 'BAD_REQUEST',
                message: cause instanceof Error ? cause.message : 'Invalid input',
                cause,
              });
        throw inputError;
      }
    };

    // a context that cannot be made fails every call, after its method checks, as in stock
    let ctx: TContext | undefined;
    let ctxError: TRPCError | undefined;
    try {
      ctx = createContext(req, reply);
    } catch (cause) {
      ctxError = getTRPCErrorFromUnknown(cause);
    }
    const report = (error: TRPCError, index: number | undefined) =>
      onError?.({
        error,
        path: index === undefined ? undefined : paths[index],
        input: index === undefined ? undefined : inputs?.[index],
        ctx,
        type: index === undefined ? type : (procs[index]?._def.type ?? 'unknown'),
        req,
      });

    const run = async (index: number): Promise<Outcome> => {
      const proc = procs[index];
      const callPath = paths[index]!;
      try {
        if (proc === undefined)
          throw new TRPCError({ code: 'NOT_FOUND', message: `No procedure found on path "${callPath}"` });
        const procType = proc._def.type;
        if ((procType === 'query' ? 'GET' : 'POST') !== method) {
          const message = `Unsupported ${method}-request to ${procType} procedure at path "${callPath}"`;
          throw new TRPCError({ code: 'METHOD_NOT_SUPPORTED', message });
        }
        if (ctxError !== undefined) throw ctxError;
        const getRawInput = async () => readInputs()[index];
        const direct = directCallOf?.(proc);
        if (direct !== undefined) return [undefined, await direct(ctx as TContext, callPath, getRawInput, index)];
        const data: unknown = await callTRPCProcedure({
          router,
          path: callPath,
          type: procType,
          getRawInput,
          ctx,
          signal: undefined,
          batchIndex: index,
        });
        return [undefined, data];
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        report(error, index);
        return [error, undefined];
      }
    };

    const outcomes = paths.length === 1 ? [await run(0)] : await Promise.all(paths.map((_, index) => run(index)));
    const shapeOf = (error: TRPCError, index: number | undefined): TRPCResponse => ({
      error: getTRPCErrorShape<AnyTRPCRootTypes>({
        config,
        ctx,
        error,
        type: index === undefined ? type : (procs[index]?._def.type ?? 'unknown'),
        path: index === undefined ? undefined : paths[index],
        input: index === undefined ? undefined : inputs?.[index],
      }) as TRPCErrorShape,
    });
    let items: TRPCResponse[];
    if (!isBatch && outcomes[0]![0] === undefined && isDataStream(outcomes[0]![1])) {
      // stock throws this one past the call: reported and shaped without a path
      const error = new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: STREAM_ERROR });
      report(error, undefined);
      items = [shapeOf(error, undefined)];
    } else {
      items = outcomes.map(([error, data], index) => {
        if (error !== undefined) return shapeOf(error, index);
        if (isBatch && isDataStream(data))
          return shapeOf(new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: STREAM_ERROR }), index);
        return { result: { data } };
      });
    }
    const response = isBatch ? items : items[0]!;
    const payload = JSON.stringify(serializes ? transformTRPCResponse(config, response) : response);
    reply.code(getHTTPStatusCode(items));
    reply.header('vary', 'trpc-accept, accept');
    const allOk = items.every((item) => 'result' in item);
    if (applyHttpCaching(req, reply, paths.length, allOk, payload) === 'not-modified') {
      void reply.code(304).send();
      return true;
    }
    reply.header('content-type', 'application/json');
    // The payload is JSON text already: a serializer of our own keeps Fastify from appending
    // `; charset=utf-8` to the content-type (stock sends none), and a string lets node:http send
    // the head and the body in one write (a Buffer body is a second chunk: a writev).
    void reply.serializer(asIs).send(payload);
    return true;
  };
}
