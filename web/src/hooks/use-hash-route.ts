import { useSyncExternalStore } from 'react';

export const ROUTES = ['dashboard', 'keys', 'jobs'] as const;
export type Route = (typeof ROUTES)[number];

/** Hash routes (`#/keys`): no server fallback needed, and they work under any sub-path. */
function parse(hash: string): Route {
  const name = hash.replace(/^#\/?/, '');
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'dashboard';
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

/** The current page; links (`routeHref`) change it. */
export function useHashRoute(): Route {
  return useSyncExternalStore<Route>(
    subscribe,
    () => parse(window.location.hash),
    () => 'dashboard',
  );
}

export function routeHref(route: Route): string {
  return `#/${route}`;
}
