import { setTimeout as sleep } from 'node:timers/promises';
import { readAdminStatus, throughputMeterOf } from '../../status/admin-status.js';
import { adminProcedure } from '../trpc.js';

/** A snapshot is sent at least this often. */
export const STATUS_INTERVAL_MS = 500;

/** `admin.status`: live dashboard snapshots over SSE until the client goes away. */
export const adminStatusProcedure = adminProcedure.subscription(async function* adminStatus({ ctx, signal }) {
  const meter = throughputMeterOf(ctx.deps);
  while (signal?.aborted !== true) {
    const started = Date.now();
    yield await readAdminStatus(ctx.deps, meter);
    const wait = Math.max(0, STATUS_INTERVAL_MS - (Date.now() - started));
    try {
      await sleep(wait, undefined, { signal });
    } catch {
      return;
    }
  }
});
