import { parseArgs } from 'node:util';
import { createKeyInputSchema, type CreateKeyInput } from '@tollgate/shared';

export const KEYS_USAGE = `Usage: pnpm keys create --name NAME [--limit N --window SEC --daily-quota N] [--json]

  --name NAME        a label for the key (required)
  --limit N          calls allowed per rate window (default DEFAULT_RATE_LIMIT)
  --window SEC       rate window in seconds (default DEFAULT_RATE_WINDOW_SEC)
  --daily-quota N    jobs.submit calls per UTC day (default DEFAULT_DAILY_JOB_QUOTA)
  --json             print the created key as JSON

Creates an API key in the Redis of REDIS_URL (under REDIS_PREFIX) and prints it once.`;

export type KeysCommand = { command: 'help' } | { command: 'create'; input: CreateKeyInput; json: boolean };

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number, got "${value}"`);
  return Number(value);
}

/**
 * Parses `create --name … [--limit N --window SEC --daily-quota N]`. A limit without a window (or
 * the reverse) takes the other half from the configured default.
 */
export function parseKeysArgs(argv: string[], defaults: { limit: number; windowSec: number }): KeysCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        limit: { type: 'string' },
        window: { type: 'string' },
        'daily-quota': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { command: 'help' };
  if (positionals[0] !== 'create' || positionals.length > 1) {
    throw new UsageError(`unknown command "${positionals.join(' ')}" (expected "create")`);
  }
  const limit = integer('limit', values.limit);
  const windowSec = integer('window', values.window);
  const dailyJobQuota = integer('daily-quota', values['daily-quota']);
  const candidate = {
    name: values.name,
    ...(limit !== undefined || windowSec !== undefined
      ? { rateLimit: { limit: limit ?? defaults.limit, windowSec: windowSec ?? defaults.windowSec } }
      : {}),
    ...(dailyJobQuota !== undefined ? { dailyJobQuota } : {}),
  };
  const input = createKeyInputSchema.safeParse(candidate);
  if (!input.success) {
    const flags: Record<string, string> = { name: '--name', rateLimit: '--limit/--window', dailyJobQuota: '--daily-quota' };
    const problems = input.error.issues.map((issue) => {
      const head = String(issue.path[0] ?? '');
      const flag = head === 'rateLimit' ? `--${issue.path[1] === 'windowSec' ? 'window' : 'limit'}` : (flags[head] ?? head);
      return `${flag}: ${issue.message}`;
    });
    throw new UsageError(problems.join('; '));
  }
  return { command: 'create', input: input.data, json: values.json };
}
