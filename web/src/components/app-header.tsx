import type { AdminStatus } from '@tollgate/shared';
import { ROUTES, routeHref, type Route } from '../hooks/use-hash-route';

const LABELS: Record<Route, string> = { dashboard: 'Dashboard', keys: 'API keys', jobs: 'Jobs' };

interface AppHeaderProps {
  route: Route;
  snapshot: AdminStatus | undefined;
  onSignOut: () => void;
}

export function AppHeader({ route, snapshot, onSignOut }: AppHeaderProps) {
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-name">Tollgate</span>
        {snapshot !== undefined ? (
          <span className="brand-meta" title="Environment and server version">
            {snapshot.environment} · v{snapshot.version}
          </span>
        ) : null}
      </div>
      <nav aria-label="Main">
        <ul>
          {ROUTES.map((name) => (
            <li key={name}>
              <a href={routeHref(name)} aria-current={name === route ? 'page' : undefined}>
                {LABELS[name]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <button type="button" className="button-quiet" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
