import { describe, expect, it } from 'vitest';
import { manualClock, T0 } from '../counters/counter-store.contract.js';
import { generateApiKey, parseApiKey } from './api-key.js';
import { RECENT_KEY_TTL_MS, RecentKeys } from './recent-keys.js';

describe('RecentKeys (the guard’s pre-screen)', () => {
  it('gives back the credential of a key that authenticated, for RECENT_KEY_TTL_MS, by the key as presented', () => {
    const clock = manualClock(T0);
    const recent = new RecentKeys(clock);
    const { apiKey } = generateApiKey();
    const credential = parseApiKey(apiKey)!;
    expect(recent.recentCredential(apiKey)).toBeUndefined();
    recent.remember(apiKey, credential);
    expect(recent.recentCredential(apiKey)).toEqual(credential);
    expect(recent.recentCredential(`${apiKey}x`)).toBeUndefined();
    clock.advance(RECENT_KEY_TTL_MS - 1);
    expect(recent.recentCredential(apiKey)).toEqual(credential);
    clock.advance(1);
    expect(recent.recentCredential(apiKey)).toBeUndefined();
    // dropped, not only hidden: with the clock moved back, an entry still held would show again
    clock.advance(-RECENT_KEY_TTL_MS);
    expect(recent.recentCredential(apiKey)).toBeUndefined();
  });
});
