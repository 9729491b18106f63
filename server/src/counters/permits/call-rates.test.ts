import { describe, expect, it } from 'vitest';
import { CallRates } from './call-rates.js';

describe('CallRates', () => {
  it('calls a key hot only after two full slots of sustained traffic', () => {
    const rates = new CallRates(250, 4);
    for (let i = 0; i < 4; i++) rates.note('k', 1000 + i);
    expect(rates.hotRate('k', 1100)).toBe(0);
    for (let i = 0; i < 4; i++) rates.note('k', 1250 + i);
    expect(rates.hotRate('k', 1300)).toBe(0); // one full slot only
    expect(rates.hotRate('k', 1500)).toBe(8 / 500); // two full slots of 4 calls
    expect(rates.hotRate('k', 1750)).toBe(0); // the last full slot was quiet
  });

  it('never calls a burst hot, however large, when it fits in one slot', () => {
    const rates = new CallRates(250, 16);
    for (let i = 0; i < 10_000; i++) rates.note('k', 2000 + (i % 200));
    for (const now of [2000, 2249, 2250, 2499, 2500, 2750]) expect(rates.hotRate('k', now)).toBe(0);
  });

  it('a burst straddling one slot edge is not sustained traffic either', () => {
    const rates = new CallRates(250, 16);
    for (let i = 0; i < 100; i++) rates.note('k', 2240 + (i % 20));
    expect(rates.hotRate('k', 2500)).toBe(0);
  });

  it('forgets keys once it holds too many', () => {
    const rates = new CallRates(250, 1, 3);
    for (const id of ['a', 'b', 'c']) rates.note(id, 0);
    rates.note('d', 10_000);
    expect(rates.size).toBe(1);
  });
});
