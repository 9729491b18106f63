import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseConnectionUrl, type RedisConnectionSpec } from './redis/connection-spec.js';
import { resolveRedisConnection } from './redis/connection-settings.js';

const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { message: 'must be one of true, false, 1, 0' })
  .transform((value) => value === 'true' || value === '1');

const positiveInt = (name: string) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be positive`);

/** Stalled-job recovery timings (BullMQ lockDuration / stalledInterval). */
const jobTimingMs = (name: string) =>
  positiveInt(name)
    .min(100, `${name} must be between 100 and 600000`)
    .max(600_000, `${name} must be between 100 and 600000`);

const REDIS_URL_FORMAT =
  'must look like redis://[user:pass@]host:port[/db] or rediss://… (with REDIS_CLUSTER=true, seed nodes ' +
  'separated by commas: redis://:pass@h1:7000,h2:7001; percent-encode , @ / in passwords)';

const redisUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      parseConnectionUrl(value); // one URL, or a cluster's comma-separated seed nodes
      return true;
    } catch {
      return false;
    }
  }, REDIS_URL_FORMAT);

const filePath = (name: string) => z.string().trim().min(1, `${name} must be a file path`);

/**
 * Whose X-Forwarded-For to believe: `false` (the socket's address is the client's) or a
 * comma-separated list of proxy addresses / CIDRs (`10.0.0.1,192.168.0.0/16`).
 */
const trustProxy = z
  .string()
  .trim()
  .refine(
    (value) =>
      value === 'false' || value.split(',').every((entry) => /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(entry.trim())),
    'must be false or a comma-separated list of proxy addresses or CIDRs',
  )
  .transform((value): false | string[] => (value === 'false' ? false : value.split(',').map((entry) => entry.trim())));

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** The environment variables of CONTRACT.md §2 and §11, with their defaults. */
export const envSchema = z.object({
  REDIS_URL: redisUrl.optional(),
  REDIS_HOST: z
    .string()
    .trim()
    .regex(/^[^\s/@?#]+$/, 'must be a host name or an IP address')
    .optional(),
  REDIS_PORT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65_535, 'must be between 1 and 65535')
    .default(6379),
  REDIS_USERNAME: z.string().optional(),
  // never trimmed: a password is whatever its characters are
  REDIS_PASSWORD: z.string().optional(),
  REDIS_TLS: booleanFlag.default(false),
  REDIS_CLUSTER: booleanFlag.default(false),
  REDIS_TLS_CA_FILE: filePath('REDIS_TLS_CA_FILE').optional(),
  REDIS_TLS_CERT_FILE: filePath('REDIS_TLS_CERT_FILE').optional(),
  REDIS_TLS_KEY_FILE: filePath('REDIS_TLS_KEY_FILE').optional(),
  ALLOW_EVICTING_REDIS: booleanFlag.default(false),
  TRUST_PROXY: trustProxy.default(false),
  DEMO_MODE: booleanFlag.default(false),
  ENVIRONMENT: z.string().trim().min(1).default('development'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65_535).default(3000),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 characters of letters, digits, _ . -')
    .default('tollgate'),
  REDIS_CONNECT_TIMEOUT_MS: positiveInt('REDIS_CONNECT_TIMEOUT_MS').default(5000),
  RUN_WORKER: booleanFlag.default(true),
  WORKER_CONCURRENCY: positiveInt('WORKER_CONCURRENCY').max(1000).default(4),
  BODY_LIMIT_BYTES: positiveInt('BODY_LIMIT_BYTES').default(1_048_576),
  DEFAULT_RATE_LIMIT: positiveInt('DEFAULT_RATE_LIMIT').default(60),
  DEFAULT_RATE_WINDOW_SEC: positiveInt('DEFAULT_RATE_WINDOW_SEC').max(86_400).default(60),
  DEFAULT_DAILY_JOB_QUOTA: z.coerce.number({ message: 'must be a number' }).int().min(0).default(1000),
  LOG_LEVEL: logLevel.default('info'),
  JOB_LOCK_DURATION_MS: jobTimingMs('JOB_LOCK_DURATION_MS').default(30_000),
  JOB_STALLED_INTERVAL_MS: jobTimingMs('JOB_STALLED_INTERVAL_MS').default(30_000),
  VALIDATION_BUDGET_MS: positiveInt('VALIDATION_BUDGET_MS').max(600_000).default(1000),
  JOB_BUDGET_MS: positiveInt('JOB_BUDGET_MS').max(86_400_000).default(60_000),
  VALIDATION_THREADS: positiveInt('VALIDATION_THREADS').max(256).default(availableParallelism()),
  CACHE_DEFAULT_TTL_SEC: positiveInt('CACHE_DEFAULT_TTL_SEC').max(2_592_000).default(60),
  CACHE_ENABLED: booleanFlag.default(true),
  OTEL_ENABLED: booleanFlag.default(false),
});

/** The part of the schema that places the Redis connection. */
const connectionSchema = envSchema.pick({
  REDIS_URL: true,
  REDIS_HOST: true,
  REDIS_PORT: true,
  REDIS_USERNAME: true,
  REDIS_PASSWORD: true,
  REDIS_TLS: true,
  REDIS_CLUSTER: true,
  REDIS_TLS_CA_FILE: true,
  REDIS_TLS_CERT_FILE: true,
  REDIS_TLS_KEY_FILE: true,
});

/**
 * Which process reads the config: the server needs Redis and an admin token unless in demo mode;
 * a standalone worker and the keys CLI always need Redis (in-memory state cannot be shared with a
 * server) and no admin token.
 */
export type ProcessRole = 'server' | 'worker' | 'cli';

/** Variables required by the role (checked even when other values are invalid). */
function missingRequired(env: Record<string, string>, role: ProcessRole): Array<{ variable: string; message: string }> {
  const demo = booleanFlag.safeParse(env['DEMO_MODE'] ?? 'false');
  const demoMode = demo.success && demo.data;
  const missing: Array<{ variable: string; message: string }> = [];
  if (env['REDIS_URL'] === undefined && env['REDIS_HOST'] === undefined && (!demoMode || role !== 'server')) {
    missing.push({ variable: 'REDIS_URL', message: 'REDIS_URL environment variable is required' });
  }
  if (env['ADMIN_TOKEN'] === undefined && !demoMode && role === 'server') {
    missing.push({
      variable: 'ADMIN_TOKEN',
      message: 'ADMIN_TOKEN environment variable is required (at least 16 characters) unless DEMO_MODE=true',
    });
  }
  return missing;
}

export interface Config {
  /**
   * Where Redis is (REDIS_URL, or REDIS_HOST and its companions), with TLS and ACL, or the seed
   * nodes of a Redis Cluster (`redis.cluster`, REDIS_CLUSTER): what every connection factory
   * takes. undefined only in demo mode without Redis.
   */
  readonly redis: RedisConnectionSpec | undefined;
  /** `redis.url`: the same connection as a string (password included), for APIs taking a URL; never print it */
  readonly redisUrl: string | undefined;
  /** start even though Redis's maxmemory-policy is not noeviction (then a ⚠ line) */
  readonly allowEvictingRedis: boolean;
  /** TRUST_PROXY: false, or the proxies whose X-Forwarded-For names the client */
  readonly trustProxy: false | readonly string[];
  /** `⚠` lines about the configuration (settings that are ignored), printed at start-up */
  readonly notices: readonly string[];
  readonly demoMode: boolean;
  readonly environment: string;
  readonly isProduction: boolean;
  readonly host: string;
  readonly port: number;
  /** undefined only in demo mode before start-up generates one */
  readonly adminToken: string | undefined;
  readonly redisPrefix: string;
  readonly redisConnectTimeoutMs: number;
  readonly runWorker: boolean;
  readonly workerConcurrency: number;
  readonly bodyLimitBytes: number;
  readonly defaultRateLimit: { readonly limit: number; readonly windowSec: number };
  readonly defaultDailyJobQuota: number;
  readonly logLevel: z.infer<typeof logLevel>;
  /** how long a worker's lock on an active job lasts (renewed at half); a crashed worker's jobs return after it */
  readonly jobLockDurationMs: number;
  /** how often workers look for stalled jobs (locks that expired) and hand them back to the queue */
  readonly jobStalledIntervalMs: number;
  /** CPU time one `validation.validate` call (or one schema compilation) may take; then 422 */
  readonly validationBudgetMs: number;
  /** time one validation job may take; then it fails, naming the budget, and is not retried */
  readonly jobBudgetMs: number;
  /** worker threads that compile schemas and validate documents off the event loop */
  readonly validationThreads: number;
  /** TTL of response-cache entries that declare none (CACHE_DEFAULT_TTL_SEC) */
  readonly cacheDefaultTtlSec: number;
  /** CACHE_ENABLED: false runs every cached procedure uncached (a pass-through store; for comparisons) */
  readonly cacheEnabled: boolean;
  /** OTEL_ENABLED: traces and metrics through OpenTelemetry (the standard OTEL_EXPORTER_OTLP_* variables) */
  readonly otelEnabled: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

const REDIS_VARIABLES = new Set([
  'REDIS_URL',
  'REDIS_HOST',
  'REDIS_PORT',
  'REDIS_USERNAME',
  'REDIS_PASSWORD',
  'REDIS_TLS',
  'REDIS_CLUSTER',
  'REDIS_TLS_CA_FILE',
  'REDIS_TLS_CERT_FILE',
  'REDIS_TLS_KEY_FILE',
  'ALLOW_EVICTING_REDIS',
  'REDIS_PREFIX',
  'REDIS_CONNECT_TIMEOUT_MS',
]);

/**
 * Parses the environment once. Empty strings count as unset. Throws a ConfigError listing
 * every problem, the Redis ones first, each naming its variable.
 */
export function parseConfig(env: NodeJS.ProcessEnv, role: ProcessRole = 'server'): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  // The connection variables are resolved (TLS files checked) even when another variable is invalid.
  const redisVars = connectionSchema.safeParse(cleaned);
  const connection = redisVars.success
    ? resolveRedisConnection(redisVars.data, (variable) => cleaned[variable] !== undefined)
    : { spec: undefined, problems: [], notices: [] };
  const problems = [
    ...missingRequired(cleaned, role),
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? 'environment'), message: i.message }))),
    ...connection.problems,
  ].sort((a, b) => Number(!REDIS_VARIABLES.has(a.variable)) - Number(!REDIS_VARIABLES.has(b.variable)));
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(problems.map((problem) => formatIssue(problem.variable, problem.message)));
  }
  const e = parsed.data;
  return Object.freeze({
    redis: connection.spec,
    redisUrl: connection.spec?.url,
    allowEvictingRedis: e.ALLOW_EVICTING_REDIS,
    trustProxy: e.TRUST_PROXY === false ? false : Object.freeze(e.TRUST_PROXY),
    notices: Object.freeze(connection.notices),
    demoMode: e.DEMO_MODE,
    environment: e.ENVIRONMENT,
    isProduction: e.ENVIRONMENT === 'production',
    host: e.HOST,
    port: e.PORT,
    adminToken: e.ADMIN_TOKEN,
    redisPrefix: e.REDIS_PREFIX,
    redisConnectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
    runWorker: e.RUN_WORKER,
    workerConcurrency: e.WORKER_CONCURRENCY,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    defaultRateLimit: Object.freeze({ limit: e.DEFAULT_RATE_LIMIT, windowSec: e.DEFAULT_RATE_WINDOW_SEC }),
    defaultDailyJobQuota: e.DEFAULT_DAILY_JOB_QUOTA,
    logLevel: e.LOG_LEVEL,
    jobLockDurationMs: e.JOB_LOCK_DURATION_MS,
    jobStalledIntervalMs: e.JOB_STALLED_INTERVAL_MS,
    validationBudgetMs: e.VALIDATION_BUDGET_MS,
    jobBudgetMs: e.JOB_BUDGET_MS,
    validationThreads: e.VALIDATION_THREADS,
    cacheDefaultTtlSec: e.CACHE_DEFAULT_TTL_SEC,
    cacheEnabled: e.CACHE_ENABLED,
    otelEnabled: e.OTEL_ENABLED,
  });
}

function formatIssue(variable: string, message: string): string {
  const text = message.startsWith(variable) ? message : `${variable} ${message}`;
  return REDIS_VARIABLES.has(variable) ? `❌ Redis validation failed: ${text}` : `❌ Invalid configuration: ${text}`;
}

/** Returns a copy of the config with the admin token set (demo mode generates one). */
export function withAdminToken(config: Config, adminToken: string): Config {
  return Object.freeze({ ...config, adminToken });
}
