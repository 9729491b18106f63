import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';

type ShapedCode =
  'PAYLOAD_TOO_LARGE' | 'PARSE_ERROR' | 'BAD_REQUEST' | 'UNSUPPORTED_MEDIA_TYPE' | 'INTERNAL_SERVER_ERROR';

const BY_FASTIFY_CODE: Record<string, { code: ShapedCode; status: number }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', status: 413 },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'PARSE_ERROR', status: 400 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'PARSE_ERROR', status: 400 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST', status: 400 },
};

/**
 * Errors Fastify raises before tRPC runs (body over BODY_LIMIT_BYTES, malformed JSON), answered
 * in tRPC's error shape so typed clients can read them. Batched calls get one error per call.
 */
export function trpcShapedErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const known = error.code === undefined ? undefined : BY_FASTIFY_CODE[error.code];
  if (known === undefined) {
    request.log.error({ err: error }, 'unhandled error before tRPC');
    return reply.code(500).send(shape('INTERNAL_SERVER_ERROR', 500, 'Internal server error', pathOf(request)));
  }
  const message =
    known.code === 'PAYLOAD_TOO_LARGE'
      ? 'Request body is larger than the server accepts (BODY_LIMIT_BYTES)'
      : error.message;
  const paths = pathOf(request).split(',');
  const batched = (request.query as Record<string, unknown> | undefined)?.['batch'] === '1';
  const body = batched
    ? paths.map((path) => shape(known.code, known.status, message, path))
    : shape(known.code, known.status, message, paths[0] ?? '');
  return reply.code(known.status).send(body);
}

function pathOf(request: FastifyRequest): string {
  const path = (request.params as { path?: string } | undefined)?.path ?? '';
  return decodeURIComponent(path);
}

function shape(code: ShapedCode, httpStatus: number, message: string, path: string) {
  return { error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus, path } } };
}
