import { trpc } from '../trpc';

/** Live details stay fresh while the panel is open. */
const DETAIL_REFRESH_MS = 1000;

/** One job's details (result, failed reason, input summary), refreshed every second while shown. */
export function useJobDetail(id: string | null) {
  return trpc.admin.jobs.get.useQuery(
    { id: id ?? '' },
    { enabled: id !== null, refetchInterval: DETAIL_REFRESH_MS, retry: false },
  );
}
