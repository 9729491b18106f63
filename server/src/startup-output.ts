/** The plain start-up lines of CONTRACT §3 (✓ / ⚠ / ❌), printed verbatim, apart from JSON logs. */
export interface StartupOutput {
  ok(line: string): void;
  warn(line: string): void;
  fail(line: string): void;
}

export const consoleStartupOutput: StartupOutput = {
  ok: (line) => process.stdout.write(`${line}\n`),
  warn: (line) => process.stdout.write(`${line}\n`),
  fail: (line) => process.stderr.write(`${line}\n`),
};

/** Raised when start-up cannot continue; main prints `message` and exits 1. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
