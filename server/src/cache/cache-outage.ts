import { BackendUnavailableError, isBackendUnavailable } from '../errors.js';

/**
 * Redis did not serve a cache operation (down, hung, restarting). A BackendUnavailableError, so
 * upstream maps it to SERVICE_UNAVAILABLE (503); the ioredis error stays the `cause`, so a command
 * timeout is still recognisable (`isTimeout`) for a triage that tells slow from down.
 */
export class CacheUnavailableError extends BackendUnavailableError {
  override readonly name = 'CacheUnavailableError';
  constructor(operation: string, cause: unknown) {
    super(`Redis is unavailable (cache ${operation})`, { cause });
  }
}

/** Runs one Redis operation of the cache; an outage rejects as CacheUnavailableError, anything else as is. */
export async function failClosed<T>(operation: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof BackendUnavailableError || !isBackendUnavailable(error)) throw error;
    throw new CacheUnavailableError(operation, error);
  }
}
