import type { Logger } from 'pino';

/**
 * An error listener that logs at most once per `intervalMs`: a worker retrying through a Redis
 * outage emits the same connection error many times a second.
 */
export function throttledErrorLog(logger: Logger, message: string, intervalMs = 5000): (error: Error) => void {
  let lastAt = 0;
  let suppressed = 0;
  return (error: Error) => {
    const now = Date.now();
    if (now - lastAt < intervalMs) {
      suppressed += 1;
      return;
    }
    lastAt = now;
    logger.warn({ err: error, suppressed }, message);
    suppressed = 0;
  };
}
