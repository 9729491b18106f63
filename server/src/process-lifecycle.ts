import type { Logger } from 'pino';
import { ConfigError } from './config.js';
import { redactSecrets } from './redis/redact.js';
import { consoleStartupOutput as output, StartupError } from './startup-output.js';

/** A process that has not exited this long after SIGTERM/SIGINT is stopped hard (exit 1). */
const HARD_STOP_MS = 9_800;

/** SIGTERM/SIGINT run `close` once, then exit 0 (or 1 if it overruns the budget). */
export function exitGracefullyOnSignals(logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), HARD_STOP_MS).unref();
    void close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Prints why start-up failed (config problems one per line, secrets redacted) and exits 1. */
export function exitOnStartupFailure(error: unknown, what: string): never {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) output.fail(problem);
  } else if (error instanceof StartupError) {
    output.fail(error.message);
  } else {
    output.fail(`❌ ${what} failed: ${redactSecrets(error instanceof Error ? error.message : String(error))}`);
  }
  process.exit(1);
}
