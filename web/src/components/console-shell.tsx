import { useCallback } from 'react';
import { useAdminStatus } from '../hooks/use-admin-status';
import { useHashRoute } from '../hooks/use-hash-route';
import { isRedisDown } from '../lib/status';
import { DashboardPage } from '../pages/dashboard-page';
import { JobsPage } from '../pages/jobs-page';
import { KeysPage } from '../pages/keys-page';
import { AppHeader } from './app-header';
import { DemoModeBanner } from './demo-mode-banner';
import { RedisDownBanner } from './redis-down-banner';
import { StreamIndicator } from './stream-indicator';

interface ConsoleShellProps {
  onSignOut: (reason: string | null) => void;
}

/** Header, live banners and the current page. The status stream stays open on every page. */
export function ConsoleShell({ onSignOut }: ConsoleShellProps) {
  const route = useHashRoute();
  const status = useAdminStatus(useCallback((message: string) => onSignOut(message), [onSignOut]));
  const { snapshot } = status;
  return (
    <div className="app">
      <AppHeader route={route} snapshot={snapshot} onSignOut={() => onSignOut(null)} />
      <div className="banners">
        {snapshot?.demo_mode === true ? (
          <DemoModeBanner inMemory={snapshot.health.counter_backend.backend === 'memory'} />
        ) : null}
        {snapshot !== undefined && isRedisDown(snapshot) ? <RedisDownBanner /> : null}
      </div>
      <main className="content" data-stale={status.state === 'reconnecting' ? '' : undefined}>
        <StreamIndicator state={status.state} receivedAt={status.receivedAt} now={status.now} />
        {route === 'dashboard' ? <DashboardPage status={status} /> : null}
        {route === 'keys' ? <KeysPage /> : null}
        {route === 'jobs' ? <JobsPage paused={snapshot?.queue.paused ?? null} /> : null}
      </main>
    </div>
  );
}
