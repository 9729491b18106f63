import type { AdminStatusView } from '../hooks/use-admin-status';
import { CachePanel } from '../components/cache-panel';
import { QueuePanel } from '../components/queue-panel';
import { RedisPanel } from '../components/redis-panel';
import { ServicePanel } from '../components/service-panel';

/** Redis, queue and service health, fed live by the `admin.status` subscription; the response cache, polled. */
export function DashboardPage({ status }: { status: AdminStatusView }) {
  const { snapshot, error, history, now } = status;
  return (
    <>
      <h1 className="page-title">Dashboard</h1>
      <div className="dashboard-grid">
        <RedisPanel snapshot={snapshot} error={error} />
        <ServicePanel snapshot={snapshot} error={error} />
        <QueuePanel snapshot={snapshot} error={error} history={history} now={now} />
        <CachePanel />
      </div>
    </>
  );
}
