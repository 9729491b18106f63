import { TRPCClientError } from '@trpc/client';

/** The tRPC error code of a failed call, if the server sent one. */
export function errorCode(error: unknown): string | null {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (typeof data === 'object' && data !== null && 'code' in data && typeof data.code === 'string') return data.code;
  }
  return null;
}

export function isAuthError(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'UNAUTHORIZED' || code === 'FORBIDDEN';
}

/** A short, human sentence for an error shown in a panel. */
export function describeError(error: unknown): string {
  switch (errorCode(error)) {
    case 'UNAUTHORIZED':
      return 'The admin token is missing. Sign in again.';
    case 'FORBIDDEN':
      return 'The admin token is invalid. Sign in again.';
    case 'SERVICE_UNAVAILABLE':
      return 'Redis is unavailable; the server cannot answer this right now.';
    case 'NOT_FOUND':
      return 'Not found: it may have been removed meanwhile.';
    case 'TOO_MANY_REQUESTS':
      return 'Too many requests; try again shortly.';
    case null:
      if (error instanceof TRPCClientError || error instanceof TypeError) return 'Cannot reach the server.';
      break;
    default:
      break;
  }
  return error instanceof Error && error.message !== '' ? error.message : 'Something went wrong.';
}
