import { describe, expect, it } from 'vitest';
import { createTestDeps } from '../test-support/test-app.js';

describe('CACHE_ENABLED', () => {
  it('is what deps.cache is with CACHE_ENABLED=false, and only then', async () => {
    for (const [enabled, computes] of [
      ['false', 2],
      ['true', 1],
    ] as const) {
      const lines: string[] = [];
      const deps = await createTestDeps({ backend: 'memory', env: { CACHE_ENABLED: enabled } }, lines);
      try {
        expect(deps.config.cacheEnabled).toBe(enabled === 'true');
        for (let call = 0; call < 2; call++) await deps.cache.getOrCompute('k', () => 'v', { ttlSec: 60 });
        expect(deps.cache.stats().computes, `CACHE_ENABLED=${enabled}`).toBe(computes);
        expect(lines.some((line) => line.includes('CACHE_ENABLED=false'))).toBe(enabled === 'false');
      } finally {
        await deps.close();
      }
    }
  });
});
