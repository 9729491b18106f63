/** How long and how often every row of the socket benchmarks is measured. */
export interface BenchSettings {
  quick: boolean;
  http: {
    /** autocannon connections per contender */
    connections: number;
    warmupSec: number;
    roundSec: number;
    rounds: number;
  };
  intake: {
    /** submissions outstanding (addBulk: jobs per call) */
    inFlight: number;
    warmupMs: number;
    roundMs: number;
    rounds: number;
  };
  processing: {
    rounds: number;
    /** jobs drained per round, by worker concurrency */
    jobs: { 1: number; 50: number };
  };
}

/**
 * Medians of five rounds: with three, ratios near a target crossed it between identical runs on a
 * shared 2-core machine (processing at concurrency 1: 0.80× to 1.04×; the tRPC peer: 2.7× to 3.3×).
 * Processing rounds drain ~2 s of jobs each: rounds of ~1 s varied by ±15%.
 */
export const FULL_BENCH: BenchSettings = {
  quick: false,
  http: { connections: 20, warmupSec: 2, roundSec: 6, rounds: 5 },
  intake: { inFlight: 32, warmupMs: 500, roundMs: 3000, rounds: 5 },
  processing: { rounds: 5, jobs: { 1: 2000, 50: 10000 } },
};

/** `--quick`: every contender started and loaded, in well under a minute. */
export const QUICK_BENCH: BenchSettings = {
  quick: true,
  http: { connections: 20, warmupSec: 0.5, roundSec: 1, rounds: 1 },
  intake: { inFlight: 32, warmupMs: 200, roundMs: 500, rounds: 1 },
  processing: { rounds: 1, jobs: { 1: 100, 50: 400 } },
};

/** `--round-sec` and `--rounds` apply to the HTTP and intake rounds (and rounds to processing too). */
export function withOverrides(base: BenchSettings, roundSec?: number, rounds?: number): BenchSettings {
  const settings = structuredClone(base);
  if (roundSec !== undefined) {
    settings.http.roundSec = roundSec;
    settings.intake.roundMs = roundSec * 1000;
  }
  if (rounds !== undefined) {
    settings.http.rounds = rounds;
    settings.intake.rounds = rounds;
    settings.processing.rounds = rounds;
  }
  return settings;
}
