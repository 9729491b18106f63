import { keepPreviousData } from '@tanstack/react-query';
import type { JobState } from '@tollgate/shared';
import { trpc } from '../trpc';

/** Progress is live: the page of jobs is fetched again every second. */
const JOBS_REFRESH_MS = 1000;
export const JOBS_PAGE_SIZE = 25;

export function useJobs(state: JobState | undefined, cursor: string | undefined) {
  return trpc.admin.jobs.list.useQuery(
    { state, limit: JOBS_PAGE_SIZE, cursor },
    { refetchInterval: JOBS_REFRESH_MS, placeholderData: keepPreviousData },
  );
}

export function useJobActions() {
  const utils = trpc.useUtils();
  const invalidate = () => utils.admin.jobs.invalidate();
  const retry = trpc.admin.jobs.retry.useMutation({ onSuccess: invalidate });
  const remove = trpc.admin.jobs.remove.useMutation({ onSuccess: invalidate });
  return { retry, remove };
}
