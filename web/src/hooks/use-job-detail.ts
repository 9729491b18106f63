import type { AdminJobSummary } from '@tollgate/shared';
import type { JobDetailView } from '../components/job-detail';

export interface JobDetailSource {
  job: JobDetailView | undefined;
  loading: boolean;
  error: unknown;
  /** true while only the list's summary is available */
  summaryOnly: boolean;
}

/**
 * One job's details. The server has no admin query for a single job yet, so this is the summary
 * of the list page (refreshed every second with it).
 */
export function useJobDetail(id: string | null, page: readonly AdminJobSummary[] | undefined): JobDetailSource {
  const job = id === null ? undefined : page?.find((item) => item.id === id);
  return { job, loading: page === undefined, error: null, summaryOnly: true };
}
