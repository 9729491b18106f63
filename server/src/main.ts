import './v8-heap-flags.js';
import { randomBytes } from 'node:crypto';
import { config as loadDotenv } from 'dotenv';
import { buildApp } from './app.js';
import { systemClock } from './clock.js';
import { parseConfig, withAdminToken, type Config } from './config.js';
import { createDeps } from './deps.js';
import { createApiKey } from './keys/key-service.js';
import { createLogger } from './logger.js';
import { rememberSecrets } from './redis/redact.js';
import { exitGracefullyOnSignals, exitOnStartupFailure } from './process-lifecycle.js';
import { consoleStartupOutput as output } from './startup-output.js';
import { shutdown } from './shutdown.js';
import { observeCache } from './telemetry/metrics.js';
import { startTelemetry } from './telemetry/telemetry.js';

/** In demo mode an admin token is generated when none is configured, and printed once. */
function ensureAdminToken(config: Config): { config: Config; generated: boolean } {
  if (config.adminToken !== undefined) return { config, generated: false };
  return { config: withAdminToken(config, randomBytes(24).toString('base64url')), generated: true };
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const parsed = ensureAdminToken(parseConfig(process.env));
  const config = parsed.config;
  // First, before the app is built: OTel's SDK is loaded only when OTEL_ENABLED is true.
  const telemetry = await startTelemetry(config);
  rememberSecrets([config.redis?.password, config.adminToken]);
  for (const notice of config.notices) output.warn(notice);
  const logger = createLogger(config);
  const deps = await createDeps({ config, logger, output, clock: systemClock });
  const app = await buildApp(deps);
  observeCache(deps.cache);

  if (config.demoMode) {
    output.warn('⚠ DEMO_MODE is on: not for production use');
    const demoKey = await createApiKey(deps.counters, config, deps.clock, { name: 'demo' });
    output.ok(`Demo API key: ${demoKey.apiKey}`);
    if (parsed.generated) output.ok(`Admin token: ${config.adminToken}`);
  }

  const worker = config.runWorker ? deps.queue.startWorker(config.workerConcurrency) : null;

  // Before the ready line: whoever waits for that line may signal at once.
  exitGracefullyOnSignals(logger, async () => {
    await shutdown(app, deps, worker);
    await telemetry.shutdown();
  });
  const address = await app.listen({ host: config.host, port: config.port });
  output.ok(`✓ Tollgate listening on ${address} (environment ${config.environment})`);
  if (worker !== null) output.ok(`✓ Embedded worker running (concurrency ${config.workerConcurrency})`);
}

main().catch((error: unknown) => exitOnStartupFailure(error, 'Start-up'));
