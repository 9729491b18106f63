import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { createKeyInputSchema, rateLimitSchema, type CreateKeyInput } from '@tollgate/shared';

export const KEYS_USAGE = `Usage: pnpm keys create --name NAME [--limit N --window SEC --daily-quota N] [--json]

  --name NAME        a label for the key (required)
  --limit N          calls allowed per rate window (default DEFAULT_RATE_LIMIT)
  --window SEC       rate window in seconds (default DEFAULT_RATE_WINDOW_SEC)
  --daily-quota N    jobs.submit calls per UTC day (default DEFAULT_DAILY_JOB_QUOTA)
  --json             print the created key as JSON

Creates an API key in the Redis of REDIS_URL, or of REDIS_HOST and its companions (TLS and
ACL settings included), under REDIS_PREFIX, and prints it once.`;

export interface CreateArgs {
  command: 'create';
  name: string;
  limit?: number;
  windowSec?: number;
  dailyJobQuota?: number;
  json: boolean;
}

export type KeysCommand = { command: 'help' } | CreateArgs;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Checks one flag's value with the field's shared schema, so the CLI accepts what the API accepts. */
function checked<T>(flag: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new UsageError(`--${flag}: ${result.error.issues.map((issue) => issue.message).join('; ')}`);
  return result.data;
}

function integer(flag: string, value: string | undefined, schema: z.ZodType<number>): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number, got "${value}"`);
  return checked(flag, schema, Number(value));
}

/** Parses `create --name … [--limit N --window SEC --daily-quota N] [--json]`; needs no configuration. */
export function parseKeysArgs(argv: string[]): KeysCommand {
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
  if (values.name === undefined) throw new UsageError('--name is required');
  const args: CreateArgs = {
    command: 'create',
    name: checked('name', createKeyInputSchema.shape.name, values.name),
    json: values.json,
  };
  const limit = integer('limit', values.limit, rateLimitSchema.shape.limit);
  const windowSec = integer('window', values.window, rateLimitSchema.shape.windowSec);
  const dailyJobQuota = integer(
    'daily-quota',
    values['daily-quota'],
    createKeyInputSchema.shape.dailyJobQuota.unwrap(),
  );
  if (limit !== undefined) args.limit = limit;
  if (windowSec !== undefined) args.windowSec = windowSec;
  if (dailyJobQuota !== undefined) args.dailyJobQuota = dailyJobQuota;
  return args;
}

/** The key to create: a limit without a window (or the reverse) takes the other half from the defaults. */
export function createKeyInput(args: CreateArgs, defaults: { limit: number; windowSec: number }): CreateKeyInput {
  const input: CreateKeyInput = { name: args.name };
  if (args.limit !== undefined || args.windowSec !== undefined) {
    input.rateLimit = { limit: args.limit ?? defaults.limit, windowSec: args.windowSec ?? defaults.windowSec };
  }
  if (args.dailyJobQuota !== undefined) input.dailyJobQuota = args.dailyJobQuota;
  return input;
}
