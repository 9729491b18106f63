import { describe, expect, it } from 'vitest';
import { ThroughputMeter } from './throughput.js';

function meterAt(start = 1_000_000) {
  let now = start;
  const meter = new ThroughputMeter(() => now);
  return { meter, advance: (ms: number) => (now += ms) };
}

describe('ThroughputMeter', () => {
  it('is 0 until it has two samples', () => {
    const { meter } = meterAt();
    expect(meter.perMinute()).toBe(0);
    meter.record(10);
    expect(meter.perMinute()).toBe(0);
  });

  it('counts jobs finished per minute from successive totals', () => {
    const { meter, advance } = meterAt();
    meter.record(100);
    for (let i = 1; i <= 30; i++) {
      advance(1_000);
      meter.record(100 + i * 2); // 2 jobs a second
    }
    expect(meter.perMinute()).toBe(120);
  });

  it('does not count a drop in the totals (retention, removals) as negative work', () => {
    const { meter, advance } = meterAt();
    meter.record(500);
    advance(10_000);
    meter.record(510);
    advance(10_000);
    meter.record(20); // old jobs trimmed
    advance(10_000);
    meter.record(30);
    expect(meter.perMinute()).toBe(40); // 20 jobs in 30 s
  });

  it('forgets what finished more than a minute ago', () => {
    const { meter, advance } = meterAt();
    meter.record(0);
    advance(1_000);
    meter.record(600);
    advance(120_000);
    meter.record(600);
    advance(1_000);
    meter.record(600);
    expect(meter.perMinute()).toBe(0);
  });
});
