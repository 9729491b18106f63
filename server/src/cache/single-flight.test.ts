import { describe, expect, it } from 'vitest';
import { KeyWaiters } from './key-waiters.js';
import { SingleFlight } from './single-flight.js';

describe('single flight', () => {
  it('shares one run per key while it is in flight, then starts afresh', async () => {
    const flights = new SingleFlight<string, number>();
    let runs = 0;
    const work = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return ++runs;
    };
    expect(await Promise.all([flights.run('a', work), flights.run('a', work), flights.run('b', work)])).toEqual([
      1, 1, 2,
    ]);
    expect(flights.inFlight).toBe(0);
    expect(await flights.run('a', work)).toBe(3);
  });

  it('shares a rejection, then forgets it', async () => {
    const flights = new SingleFlight<string, number>();
    const failing = () => Promise.reject(new Error('no'));
    await expect(Promise.all([flights.run('a', failing), flights.run('a', failing)])).rejects.toThrow('no');
    expect(await flights.run('a', async () => 1)).toBe(1);
  });
});

describe('key waiters', () => {
  it('wakes the waiters of a key on notify, others at their timeout', async () => {
    const waiters = new KeyWaiters();
    const started = performance.now();
    const woken = waiters.wait('a', 5000);
    const timedOut = waiters.wait('b', 20);
    waiters.notify('a');
    await woken;
    expect(performance.now() - started).toBeLessThan(1000);
    await timedOut;
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
  });
});
