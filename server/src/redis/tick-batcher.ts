import { asError } from '../errors.js';

/**
 * Coalesces operations requested in the same turn of the event loop into one: the calls of one
 * httpBatchLink request reach the server together, and each would otherwise cost its own socket
 * write to Redis (and, for a MULTI, its own ioredis Pipeline). The first request of a turn
 * schedules the flush with `setImmediate` (after the turn's I/O callbacks, so requests that
 * arrive in the same read join it); a batch is flushed early when it reaches `maxBatch`.
 *
 * `flush` gets the items in request order and answers one result per item (an Error entry fails
 * that item only); a rejection fails every item of the batch.
 */
export class TickBatcher<TItem, TResult> {
  private pending: Array<{ item: TItem; resolve: (value: TResult) => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly flush: (items: TItem[]) => Promise<Array<TResult | Error>>,
    private readonly maxBatch = 256,
  ) {}

  run(item: TItem): Promise<TResult> {
    return new Promise<TResult>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flushNow();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flushNow());
      }
    });
  }

  private flushNow(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let flushing: Promise<Array<TResult | Error>>;
    try {
      flushing = this.flush(batch.map((entry) => entry.item));
    } catch (error) {
      flushing = Promise.reject(asError(error));
    }
    flushing.then(
      (results) =>
        batch.forEach((entry, index) => {
          const result = results[index];
          if (result instanceof Error) entry.reject(result);
          else if (index >= results.length) entry.reject(new Error('a batched operation got no result'));
          else entry.resolve(result as TResult);
        }),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  }
}
