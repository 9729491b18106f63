import { createHash, timingSafeEqual } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { t } from '../init.js';

/** Constant-time comparison of a presented token with the configured admin token. */
export function isAdminToken(presented: string, expected: string | undefined): boolean {
  if (expected === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export type AdminCheck = 'ok' | 'missing' | 'wrong';

export function checkAdmin(bearer: string | null, expected: string | undefined): AdminCheck {
  if (bearer === null) return 'missing';
  return isAdminToken(bearer, expected) ? 'ok' : 'wrong';
}

/** 401 without a token, 403 with a wrong one. */
export const requireAdmin = t.middleware(function requireAdmin(opts) {
  const check = checkAdmin(opts.ctx.bearer, opts.ctx.deps.config.adminToken);
  if (check === 'missing') throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Admin token required' });
  if (check === 'wrong') throw new TRPCError({ code: 'FORBIDDEN', message: 'Invalid admin token' });
  return opts.next();
});
