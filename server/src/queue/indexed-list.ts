import { INDEX_GRACE_MS, type JobIndex } from './job-index.js';
import { summaryOf, type JobListPage, type ListJobsQuery, type StoredJob } from './job-queue.js';
import { decodeCursor, encodeCursor, scoreFloor, type ListPosition } from './list-cursor.js';

/** Entries one list call examines at most before it answers with a partial page. */
export const LIST_SCAN_LIMIT = 500;

/**
 * A newest-first page read from a job index: jobs that are gone (removed by retention) are
 * skipped and dropped from the index; with a state filter the scan is bounded, so a page may hold
 * fewer than `limit` items with a cursor to go on.
 */
export async function listFromIndex(
  index: JobIndex,
  load: (id: string) => Promise<StoredJob | null>,
  { ownerKeyId, state, limit, cursor }: ListJobsQuery,
): Promise<JobListPage> {
  const indexKey = index.keyFor(ownerKeyId);
  // A missing job younger than this may be being added right now (it is indexed first): keep it.
  const forgettableBelow = scoreFloor(Date.now() - INDEX_GRACE_MS);
  let position: ListPosition | null = cursor === undefined ? null : decodeCursor(cursor);
  const items: JobListPage['items'] = [];
  let scanned = 0;
  let filled = false;
  while (items.length < limit && scanned < LIST_SCAN_LIMIT) {
    const want = state === undefined ? limit - items.length : Math.min(100, LIST_SCAN_LIMIT - scanned);
    const entries = await index.readAfter(indexKey, position, want);
    if (entries.length === 0) return { items, nextCursor: null };
    const jobs = await Promise.all(entries.map((entry) => load(entry.id)));
    const missing: string[] = [];
    for (const [i, entry] of entries.entries()) {
      const job = jobs[i] ?? null;
      position = entry;
      scanned += 1;
      if (job === null) {
        if (entry.score < forgettableBelow) missing.push(entry.id);
      } else if (state === undefined || job.state === state) {
        items.push(summaryOf(job));
        if (items.length === limit) {
          filled = true;
          break;
        }
      }
    }
    index.forgetFrom(indexKey, missing).catch(() => undefined);
    // the index ran out before the page filled: this is the last page
    if (!filled && entries.length < want) return { items, nextCursor: null };
  }
  if (position === null) return { items, nextCursor: null };
  const more = await index.readAfter(indexKey, position, 1);
  return { items, nextCursor: more.length === 0 ? null : encodeCursor(position) };
}
