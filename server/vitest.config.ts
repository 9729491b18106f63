import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Process-level suites start servers and Redis: run files in parallel, but not too many.
    maxWorkers: 2,
    pool: 'forks',
  },
});
