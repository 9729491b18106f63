import { useCacheStats } from '../hooks/use-cache-stats';
import { describeError } from '../lib/errors';
import { formatCount, formatPercent } from '../lib/format';
import { Panel } from './panel';
import { Stat } from './stat';

/** The response cache of the instance that answers: hit ratio, hits and misses since it started. */
export function CachePanel() {
  const { data, error } = useCacheStats();
  const message = error === null ? null : describeError(error);
  return (
    <Panel
      title="Response cache"
      loading={data === undefined}
      loadingText={message ?? 'Loading…'}
      error={data === undefined ? null : message}
    >
      {data !== undefined ? (
        <dl className="stats">
          <Stat label="Cache hit ratio" value={formatPercent(data.hitRatio)} />
          <Stat label="Cache hits" value={formatCount(data.hits)} />
          <Stat label="Cache misses" value={formatCount(data.misses)} />
          <Stat label="Near-cache entries" value={formatCount(data.nearEntries)} />
        </dl>
      ) : null}
    </Panel>
  );
}
