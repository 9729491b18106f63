import { describe } from 'vitest';
import { manualClock, T0 } from '../counters/counter-store.contract.js';
import { CONTRACT_LIMIT, failedAttemptsContract } from './failed-attempts.contract.js';
import { createMemoryFailedAttempts } from './memory-failed-attempts.js';

describe('memory failed-attempt limiter', () => {
  failedAttemptsContract(() => {
    const clock = manualClock(T0);
    return Promise.resolve({
      attempts: createMemoryFailedAttempts(clock, CONTRACT_LIMIT),
      endWindow: () => Promise.resolve(clock.advance(CONTRACT_LIMIT.windowMs)),
    });
  });
});
