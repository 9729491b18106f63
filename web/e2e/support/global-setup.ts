import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureRedisServerBinary } from '../../../server/src/test-support/redis-server.js';
import { SERVER_ENTRY } from '../../../server/src/test-support/server-process.js';

const CONSOLE_INDEX = fileURLToPath(new URL('../../dist/index.html', import.meta.url));

/** Fails fast, with the fix, when something the specs need is missing. Downloads nothing. */
export default function globalSetup(): void {
  const chromium = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    throw new Error(
      `Chromium was not found at ${chromium}. Install it (Debian/Ubuntu: apt-get install -y chromium) ` +
        'or set CHROMIUM_PATH; the tests never download a browser.',
    );
  }
  if (!existsSync(SERVER_ENTRY) || !existsSync(CONSOLE_INDEX)) {
    throw new Error('The e2e tests run the built server and console: run `pnpm build` at the repository root first.');
  }
  ensureRedisServerBinary();
}
