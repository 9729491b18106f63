import type { AdminStatus, BackendStatus } from '@tollgate/shared';

/**
 * The one status word shown for Redis: `disconnected` if either backend lost it, `in-memory` on
 * the demo backends, else `connected`.
 */
export function redisStatusWord(snapshot: AdminStatus): BackendStatus {
  const counter = snapshot.health.counter_backend.status;
  const queue = snapshot.health.queue_service.status;
  if (counter === 'disconnected' || queue === 'disconnected') return 'disconnected';
  if (counter === 'in-memory' && queue === 'in-memory') return 'in-memory';
  return counter === 'connected' || queue === 'connected' ? 'connected' : counter;
}

export function isRedisDown(snapshot: AdminStatus): boolean {
  return redisStatusWord(snapshot) === 'disconnected';
}
