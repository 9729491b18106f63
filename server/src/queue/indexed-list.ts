import type { AdminJobSummary } from '@tollgate/shared';
import { INDEX_GRACE_MS, type JobIndex } from './job-index.js';
import type { JobListPage, ListJobsQuery } from './job-queue.js';
import { decodeCursor, encodeCursor, scoreFloor, type ListPosition } from './list-cursor.js';

/** Entries one list call examines at most before it answers with a partial page. */
export const LIST_SCAN_LIMIT = 500;

/** Summaries of jobs, in the order of `ids`; null for a job that is gone. Reads no input or result. */
export type SummaryLoader = (ids: string[]) => Promise<Array<AdminJobSummary | null>>;

/**
 * A newest-first page read from a job index: jobs that are gone (removed by retention) are
 * skipped and dropped from the index; with a state filter the scan is bounded, so a page may hold
 * fewer than `limit` items with a cursor to go on. Each batch of entries is one index read and one
 * summaries read; one entry more than needed is read, so the last page is known without another.
 */
export async function listFromIndex(
  index: JobIndex,
  loadSummaries: SummaryLoader,
  { ownerKeyId, state, limit, cursor }: ListJobsQuery,
): Promise<JobListPage> {
  const indexKey = index.keyFor(ownerKeyId);
  // A missing job younger than this may be being added right now (it is indexed first): keep it.
  const forgettableBelow = scoreFloor(Date.now() - INDEX_GRACE_MS);
  let position: ListPosition | null = cursor === undefined ? null : decodeCursor(cursor);
  const items: JobListPage['items'] = [];
  let scanned = 0;
  while (items.length < limit && scanned < LIST_SCAN_LIMIT) {
    const want = state === undefined ? limit - items.length : Math.min(100, LIST_SCAN_LIMIT - scanned);
    const read = await index.readAfter(indexKey, position, want + 1);
    const entries = read.slice(0, want);
    if (entries.length === 0) return { items, nextCursor: null };
    const summaries = await loadSummaries(entries.map((entry) => entry.id));
    const missing: string[] = [];
    let examined = 0;
    for (const [i, entry] of entries.entries()) {
      const summary = summaries[i] ?? null;
      position = entry;
      scanned += 1;
      examined += 1;
      if (summary === null) {
        if (entry.score < forgettableBelow) missing.push(entry.id);
      } else if (state === undefined || summary.state === state) {
        items.push(summary);
        if (items.length === limit) break;
      }
    }
    index.forgetFrom(indexKey, missing).catch(() => undefined);
    // nothing after the last entry examined: this is the last page
    if (read.length <= examined) return { items, nextCursor: null };
  }
  return { items, nextCursor: position === null ? null : encodeCursor(position) };
}
