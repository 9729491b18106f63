import type { AdminStatus } from '@tollgate/shared';
import { formatBytes, formatMs } from '../lib/format';
import { redisStatusWord } from '../lib/status';
import { Panel } from './panel';
import { Stat } from './stat';
import { StatusWord } from './status-word';

interface RedisPanelProps {
  snapshot: AdminStatus | undefined;
  error: string | null;
}

export function RedisPanel({ snapshot, error }: RedisPanelProps) {
  return (
    <Panel title="Redis" loading={snapshot === undefined} loadingText={error ?? 'Waiting for the first status update…'}>
      {snapshot !== undefined ? (
        <dl className="stats">
          <Stat label="Redis status" value={<StatusWord status={redisStatusWord(snapshot)} />} />
          <Stat label="Backend" value={snapshot.health.counter_backend.backend} />
          <Stat label="Latency" value={formatMs(snapshot.redis.latencyMs)} />
          <Stat label="Redis version" value={snapshot.redis.version ?? '—'} />
          <Stat label="Memory used" value={formatBytes(snapshot.redis.usedMemoryBytes)} />
        </dl>
      ) : null}
    </Panel>
  );
}
