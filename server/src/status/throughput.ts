import type { Clock } from '../clock.js';

/**
 * Jobs finished per minute, from successive samples of a monotonic finished-jobs total. A drop
 * (a restarted memory queue, reset metrics) is not counted as negative work.
 */
export class ThroughputMeter {
  private samples: Array<{ at: number; finished: number }> = [];

  constructor(
    private readonly clock: Clock,
    private readonly spanMs = 60_000,
  ) {}

  record(finishedTotal: number): void {
    const now = this.clock();
    this.samples.push({ at: now, finished: finishedTotal });
    this.samples = this.samples.filter((sample) => sample.at >= now - this.spanMs - 5_000);
  }

  /** jobs per minute over the samples of the last span */
  perMinute(): number {
    const now = this.clock();
    const window = this.samples.filter((sample) => sample.at >= now - this.spanMs);
    if (window.length < 2) return 0;
    let finished = 0;
    for (let i = 1; i < window.length; i++) {
      finished += Math.max(0, window[i]!.finished - window[i - 1]!.finished);
    }
    const elapsed = window.at(-1)!.at - window[0]!.at;
    return elapsed <= 0 ? 0 : Math.round((finished * 60_000) / Math.max(elapsed, 1_000));
  }
}
